import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

/// One malformed input and the NOTIFICATION RFC 4271 section 6 / RFC 7606 prescribes for it.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: ByteBuffer
    var code: UInt8
    var subcode: UInt8
    var action: BGPDecodeError.Action = .sessionReset
    var data: [UInt8]? = nil
    var decoder = BGPMessageDecoder()
    var testDescription: String { name }
}

@Suite struct BGPMessageDecoderTests {
    typealias T = BGPTest

    static let openBody: [UInt8] = [4, 0xFD, 0xE8, 0, 90, 10, 0, 0, 1, 0]
    static func open(_ edit: (inout [UInt8]) -> Void) -> ByteBuffer {
        var b = openBody
        edit(&b)
        return T.message(type: 1, body: b)
    }
    static func update(withdrawn: [UInt8] = [], attributes: [UInt8], nlri: [UInt8] = [24, 198, 51, 100]) -> ByteBuffer {
        T.message(type: 2, body: T.updateBody(withdrawn: withdrawn, attributes: attributes, nlri: nlri))
    }
    static let origin: [UInt8] = [0x40, 1, 1, 0]
    static let asPath: [UInt8] = [0x40, 2, 6, 2, 1, 0, 0, 0xFD, 0xE9]
    static let nextHop: [UInt8] = [0x40, 3, 4, 192, 0, 2, 1]

    static let cases: [MalformedCase] = [
        // RFC 4271 section 6.1 Message Header Error.
        MalformedCase(name: "marker not all ones", bytes: BGPTest.message(type: 4, body: []).setting(0xFE, at: 3), code: 1, subcode: 1),
        MalformedCase(name: "length 18", bytes: BGPTest.message(type: 4, body: [], length: 18), code: 1, subcode: 2, data: [0, 18]),
        MalformedCase(name: "length 4097", bytes: BGPTest.message(type: 2, body: [], length: 4097), code: 1, subcode: 2, data: [0x10, 0x01]),
        MalformedCase(name: "KEEPALIVE of 20", bytes: BGPTest.message(type: 4, body: [0]), code: 1, subcode: 2, data: [0, 20]),
        MalformedCase(name: "OPEN of 28", bytes: BGPTest.message(type: 1, body: Array(openBody.prefix(9))), code: 1, subcode: 2, data: [0, 28]),
        MalformedCase(name: "UPDATE of 22", bytes: BGPTest.message(type: 2, body: [0, 0, 0]), code: 1, subcode: 2, data: [0, 22]),
        MalformedCase(name: "NOTIFICATION of 20", bytes: BGPTest.message(type: 3, body: [6]), code: 1, subcode: 2, data: [0, 20]),
        MalformedCase(name: "type 0", bytes: BGPTest.message(type: 0, body: []), code: 1, subcode: 3, data: [0]),
        MalformedCase(name: "type 9", bytes: BGPTest.message(type: 9, body: []), code: 1, subcode: 3, data: [9]),
        // RFC 7313 section 5.
        MalformedCase(name: "ROUTE-REFRESH of 24", bytes: BGPTest.message(type: 5, body: [0, 1, 0, 1, 0]), code: 7, subcode: 1,
                      data: BGPTest.message(type: 5, body: [0, 1, 0, 1, 0]).readableBytesView.map { $0 }),
        // RFC 4271 section 6.2 OPEN Message Error.
        MalformedCase(name: "version 3", bytes: open { $0[0] = 3 }, code: 2, subcode: 1, data: [0, 4]),
        MalformedCase(name: "AS 0", bytes: open { $0[1] = 0; $0[2] = 0 }, code: 2, subcode: 2),
        MalformedCase(name: "unexpected AS", bytes: open { _ in }, code: 2, subcode: 2, decoder: BGPMessageDecoder(expectedPeerAS: 65001)),
        MalformedCase(name: "4-octet AS differs", bytes: open { $0[9] = 8; $0 += [2, 6, 65, 4, 0, 0, 0xFD, 0xEA] }, code: 2, subcode: 2,
                      decoder: BGPMessageDecoder(expectedPeerAS: 65000)),
        MalformedCase(name: "identifier 0", bytes: open { $0[5] = 0; $0[8] = 0 }, code: 2, subcode: 3),
        MalformedCase(name: "optional parameter type 1", bytes: open { $0[9] = 3; $0 += [1, 1, 0] }, code: 2, subcode: 4),
        MalformedCase(name: "hold time 1", bytes: open { $0[4] = 1 }, code: 2, subcode: 6),
        MalformedCase(name: "hold time 2", bytes: open { $0[4] = 2 }, code: 2, subcode: 6),
        MalformedCase(name: "parameters length too long", bytes: open { $0[9] = 4 }, code: 2, subcode: 0),
        MalformedCase(name: "capability overruns", bytes: open { $0[9] = 4; $0 += [2, 2, 65, 4] }, code: 2, subcode: 0),
        // RFC 4271 section 6.3 UPDATE Message Error; RFC 7606 approach.
        MalformedCase(name: "withdrawn length overruns", bytes: BGPTest.message(type: 2, body: [0, 9, 0, 0]), code: 3, subcode: 1),
        MalformedCase(name: "attribute length overruns message", bytes: BGPTest.message(type: 2, body: [0, 0, 0, 9]), code: 3, subcode: 1),
        MalformedCase(name: "attribute overruns total", bytes: update(attributes: origin + [0x40, 2, 9, 2]), code: 3, subcode: 1, action: .treatAsWithdraw),
        MalformedCase(name: "unrecognized well-known", bytes: update(attributes: origin + asPath + nextHop + [0x40, 99, 1, 7]), code: 3, subcode: 2,
                      data: [0x40, 99, 1, 7]),
        MalformedCase(name: "missing ORIGIN", bytes: update(attributes: asPath + nextHop), code: 3, subcode: 3, action: .treatAsWithdraw, data: [1]),
        MalformedCase(name: "missing AS_PATH", bytes: update(attributes: origin + nextHop), code: 3, subcode: 3, action: .treatAsWithdraw, data: [2]),
        MalformedCase(name: "missing NEXT_HOP", bytes: update(attributes: origin + asPath), code: 3, subcode: 3, action: .treatAsWithdraw, data: [3]),
        MalformedCase(name: "ORIGIN flagged optional", bytes: update(attributes: [0xC0, 1, 1, 0] + asPath + nextHop), code: 3, subcode: 4,
                      action: .treatAsWithdraw, data: [0xC0, 1, 1, 0]),
        MalformedCase(name: "AS_PATH with Partial bit", bytes: update(attributes: origin + [0x60] + asPath.dropFirst() + nextHop), code: 3,
                      subcode: 4, action: .treatAsWithdraw),
        MalformedCase(name: "MP_UNREACH flagged transitive", bytes: update(attributes: [0xC0, 15, 3, 0, 2, 1], nlri: []), code: 3, subcode: 4,
                      data: [0xC0, 15, 3, 0, 2, 1]),
        MalformedCase(name: "ORIGIN length 2", bytes: update(attributes: [0x40, 1, 2, 0, 0] + asPath + nextHop), code: 3, subcode: 5,
                      action: .treatAsWithdraw, data: [0x40, 1, 2, 0, 0]),
        MalformedCase(name: "NEXT_HOP length 5", bytes: update(attributes: origin + asPath + [0x40, 3, 5, 1, 2, 3, 4, 5]), code: 3, subcode: 5,
                      action: .treatAsWithdraw),
        MalformedCase(name: "MED length 2", bytes: update(attributes: origin + asPath + nextHop + [0x80, 4, 2, 0, 1]), code: 3, subcode: 5,
                      action: .treatAsWithdraw),
        MalformedCase(name: "COMMUNITIES length 5", bytes: update(attributes: origin + asPath + nextHop + [0xC0, 8, 5, 0, 0, 0, 1, 2]), code: 3,
                      subcode: 5, action: .treatAsWithdraw),
        MalformedCase(name: "LARGE_COMMUNITIES length 8", bytes: update(attributes: origin + asPath + nextHop + [0xC0, 32, 8] + [UInt8](repeating: 1, count: 8)),
                      code: 3, subcode: 5, action: .treatAsWithdraw),
        MalformedCase(name: "ORIGIN 3", bytes: update(attributes: [0x40, 1, 1, 3] + asPath + nextHop), code: 3, subcode: 6,
                      action: .treatAsWithdraw, data: [0x40, 1, 1, 3]),
        MalformedCase(name: "NEXT_HOP 0.0.0.0", bytes: update(attributes: origin + asPath + [0x40, 3, 4, 0, 0, 0, 0]), code: 3, subcode: 8,
                      action: .treatAsWithdraw, data: [0x40, 3, 4, 0, 0, 0, 0]),
        MalformedCase(name: "NEXT_HOP multicast", bytes: update(attributes: origin + asPath + [0x40, 3, 4, 224, 0, 0, 5]), code: 3, subcode: 8,
                      action: .treatAsWithdraw),
        MalformedCase(name: "MP_REACH next hop length 5", bytes: update(attributes: [0x80, 14, 12, 0, 2, 1, 5, 1, 2, 3, 4, 5, 0, 8, 0x20], nlri: []),
                      code: 3, subcode: 9),
        MalformedCase(name: "MP_UNREACH prefix /129", bytes: update(attributes: [0x80, 15, 4, 0, 2, 1, 129], nlri: []), code: 3, subcode: 9),
        MalformedCase(name: "MP_UNREACH twice", bytes: update(attributes: [0x80, 15, 3, 0, 2, 1, 0x80, 15, 3, 0, 2, 1], nlri: []), code: 3, subcode: 1),
        MalformedCase(name: "NLRI /33", bytes: update(attributes: origin + asPath + nextHop, nlri: [33, 1, 2, 3, 4, 5]), code: 3, subcode: 10),
        MalformedCase(name: "NLRI truncated", bytes: update(attributes: origin + asPath + nextHop, nlri: [24, 1, 2]), code: 3, subcode: 10),
        MalformedCase(name: "withdrawn /40", bytes: update(withdrawn: [40, 1, 2, 3, 4, 5], attributes: [], nlri: []), code: 3, subcode: 10),
        MalformedCase(name: "AS_PATH segment type 7", bytes: update(attributes: origin + [0x40, 2, 6, 7, 1, 0, 0, 0xFD, 0xE9] + nextHop),
                      code: 3, subcode: 11, action: .treatAsWithdraw),
        MalformedCase(name: "AS_PATH count overruns", bytes: update(attributes: origin + [0x40, 2, 6, 2, 2, 0, 0, 0xFD, 0xE9] + nextHop),
                      code: 3, subcode: 11, action: .treatAsWithdraw),
        MalformedCase(name: "AS_PATH empty segment", bytes: update(attributes: origin + [0x40, 2, 2, 2, 0] + nextHop),
                      code: 3, subcode: 11, action: .treatAsWithdraw),
        MalformedCase(name: "AS_PATH 2-octet ASNs read as 4-octet", bytes: update(attributes: origin + [0x40, 2, 4, 2, 1, 0xFD, 0xE9] + nextHop),
                      code: 3, subcode: 11, action: .treatAsWithdraw),
        MalformedCase(name: "UPDATE of 19", bytes: BGPTest.message(type: 2, body: []), code: 1, subcode: 2, data: [0, 19]),
        MalformedCase(name: "NOTIFICATION length 4097", bytes: BGPTest.message(type: 3, body: [6, 2], length: 4097), code: 1,
                      subcode: 2, data: [0x10, 0x01]),
        MalformedCase(name: "RFC 9072 extended length mismatch", bytes: open { $0[9] = 255; $0 += [255, 0, 9, 2, 0, 0] }, code: 2, subcode: 0),
        MalformedCase(name: "attribute header truncated", bytes: update(attributes: origin + asPath + nextHop + [0x40]), code: 3, subcode: 1,
                      action: .treatAsWithdraw),
        MalformedCase(name: "unrecognized well-known type 40", bytes: update(attributes: origin + asPath + nextHop + [0x50, 40, 0, 1, 9]),
                      code: 3, subcode: 2, data: [0x50, 40, 0, 1, 9]),
        MalformedCase(name: "missing ORIGIN with MP_REACH only",
                      bytes: update(attributes: asPath + [0x80, 14, 26, 0, 2, 1, 16] + [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11)
                                    + [1, 0, 32, 0x20, 0x01, 0x0D, 0xB8], nlri: []),
                      code: 3, subcode: 3, action: .treatAsWithdraw, data: [1]),
        MalformedCase(name: "MED flagged transitive", bytes: update(attributes: origin + asPath + nextHop + [0xC0, 4, 4, 0, 0, 0, 1]), code: 3,
                      subcode: 4, action: .treatAsWithdraw, data: [0xC0, 4, 4, 0, 0, 0, 1]),
        MalformedCase(name: "COMMUNITIES flagged well-known", bytes: update(attributes: origin + asPath + nextHop + [0x40, 8, 4, 0, 0, 0, 1]),
                      code: 3, subcode: 4, action: .treatAsWithdraw, data: [0x40, 8, 4, 0, 0, 0, 1]),
        MalformedCase(name: "MP_REACH flagged well-known", bytes: update(attributes: [0x40, 14, 3, 0, 2, 1], nlri: []), code: 3, subcode: 4,
                      data: [0x40, 14, 3, 0, 2, 1]),
        MalformedCase(name: "LOCAL_PREF length 3", bytes: update(attributes: origin + asPath + nextHop + [0x40, 5, 3, 0, 0, 100]), code: 3,
                      subcode: 5, action: .treatAsWithdraw, data: [0x40, 5, 3, 0, 0, 100]),
        MalformedCase(name: "COMMUNITIES length 0", bytes: update(attributes: origin + asPath + nextHop + [0xC0, 8, 0]), code: 3, subcode: 5,
                      action: .treatAsWithdraw, data: [0xC0, 8, 0]),
        MalformedCase(name: "LARGE_COMMUNITIES length 0", bytes: update(attributes: origin + asPath + nextHop + [0xC0, 32, 0]), code: 3,
                      subcode: 5, action: .treatAsWithdraw, data: [0xC0, 32, 0]),
        MalformedCase(name: "ORIGINATOR_ID length 3", bytes: update(attributes: origin + asPath + nextHop + [0x80, 9, 3, 1, 2, 3]), code: 3,
                      subcode: 5, action: .treatAsWithdraw, data: [0x80, 9, 3, 1, 2, 3]),
        MalformedCase(name: "CLUSTER_LIST length 6", bytes: update(attributes: origin + asPath + nextHop + [0x80, 10, 6, 1, 2, 3, 4, 5, 6]),
                      code: 3, subcode: 5, action: .treatAsWithdraw),
        MalformedCase(name: "EXTENDED_COMMUNITIES length 7",
                      bytes: update(attributes: origin + asPath + nextHop + [0xC0, 16, 7] + [UInt8](repeating: 2, count: 7)),
                      code: 3, subcode: 5, action: .treatAsWithdraw),
        MalformedCase(name: "NEXT_HOP 255.255.255.255", bytes: update(attributes: origin + asPath + [0x40, 3, 4, 255, 255, 255, 255]), code: 3,
                      subcode: 8, action: .treatAsWithdraw, data: [0x40, 3, 4, 255, 255, 255, 255]),
        MalformedCase(name: "MP_REACH IPv6 NLRI /129",
                      bytes: update(attributes: origin + asPath + [0x80, 14, 22, 0, 2, 1, 16] + [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 12)
                                    + [0, 129], nlri: []),
                      code: 3, subcode: 9),
        MalformedCase(name: "MP_REACH without reserved octet", bytes: update(attributes: [0x80, 14, 4, 0, 2, 1, 0], nlri: []), code: 3,
                      subcode: 9, data: [0x80, 14, 4, 0, 2, 1, 0]),
        MalformedCase(name: "MP_REACH twice",
                      bytes: update(attributes: [0x80, 14, 9, 0, 1, 1, 4, 10, 0, 0, 1, 0, 0x80, 14, 9, 0, 1, 1, 4, 10, 0, 0, 1, 0], nlri: []),
                      code: 3, subcode: 1),
        MalformedCase(name: "MP_UNREACH truncated AFI", bytes: update(attributes: [0x80, 15, 1, 0], nlri: []), code: 3, subcode: 9),
    ]

    @Test(arguments: cases)
    func mapsToNotification(_ c: MalformedCase) {
        var decoder = c.decoder
        var buffer = c.bytes
        do {
            let m = try decoder.parseStep(&buffer)
            Issue.record("decoded \(String(describing: m)) from \(c.bytes.hexDump)")
        } catch {
            #expect(error.notification.code == c.code, "\(error)")
            #expect(error.notification.subcode == c.subcode, "\(error)")
            #expect(error.action == c.action, "\(error)")
            if let data = c.data { #expect(error.notification.data == data, "\(error)") }
        }
    }

    /// A broken marker is refused as soon as its first octet arrives (RFC 4271 section 6.1).
    @Test func badMarkerIsRefusedWithoutWaiting() throws {
        var decoder = BGPMessageDecoder()
        var one = ByteBuffer(bytes: [0x00])
        #expect { try decoder.parseStep(&one) } throws: { ($0 as? BGPDecodeError)?.notification == BGPNotification(code: 1, subcode: 1) }
        var good = ByteBuffer(bytes: [0xFF, 0xFF])
        #expect(try decoder.parseStep(&good) == nil)
    }

    /// After a treat-as-withdraw error the decoder goes on with the next message.
    @Test func treatAsWithdrawKeepsTheStreamInSync() throws {
        var stream = Self.update(attributes: [0x40, 1, 1, 3] + Self.asPath + Self.nextHop)
        try BGPMessage.keepalive.encode(into: &stream)
        var decoder = BGPMessageDecoder()
        #expect(throws: BGPDecodeError.self) { try decoder.parseStep(&stream) }
        #expect(try decoder.parseStep(&stream) == .keepalive)
    }

    /// A session-reset error wins over a treat-as-withdraw one in the same UPDATE (RFC 7606 section 3 (h)).
    @Test func sessionResetTakesPrecedence() {
        let b = Self.update(attributes: [0x40, 1, 1, 3] + [0x40, 99, 0] + Self.asPath + Self.nextHop)
        #expect { try BGPTest.decodeOne(b) } throws: { ($0 as? BGPDecodeError)?.action == .sessionReset }
    }

    /// RFC 7606 sections 7.6/7.7 and 3 (g): attribute discard, repeated attributes ignored.
    @Test func discardsInsteadOfFailing() throws {
        let attrs = Self.origin + Self.asPath + Self.nextHop + [0x40, 6, 1, 0] + [0xC0, 7, 3, 1, 2, 3] + [0x40, 1, 1, 2]
        guard case .update(let u)? = try T.decodeOne(Self.update(attributes: attrs)) else { Issue.record("no update"); return }
        #expect(u.attributes.origin == .igp)
        #expect(!u.attributes.atomicAggregate)
        #expect(u.attributes.other.isEmpty)
    }

    /// A seeded fuzz run: random bytes and mutated valid messages never trap; every outcome is
    /// a message, "need more data", or a typed error with a NOTIFICATION code 1-3 or 7.
    @Test func fuzz() throws {
        var rng = SplitMix64(seed: 0xB6F_5EED)
        var seeds: [[UInt8]] = try BGPTest.everyMessage.map { Array(try $0.encoded().readableBytesView) }
        seeds += BGPCapturedMessagesTests.allCaptures.map { Array($0.readableBytesView) }
        var outcomes = [0, 0, 0]
        for i in 0..<40_000 {
            var bytes: [UInt8]
            if i % 4 == 0 {
                bytes = (0..<Int.random(in: 0..<80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if bytes.count >= 19 && Bool.random(using: &rng) {
                    for j in 0..<16 { bytes[j] = 0xFF }
                    bytes[16] = 0; bytes[17] = UInt8(min(bytes.count, 255))
                }
            } else {
                bytes = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    // Keep the marker mostly intact so the body parsers get exercised.
                    if at < 16 && Int.random(in: 0..<8, using: &rng) != 0 { continue }
                    bytes[at] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            var buffer = ByteBuffer(bytes: bytes)
            var decoder = BGPMessageDecoder(fourOctetAS: Bool.random(using: &rng))
            do {
                while let _ = try decoder.parseStep(&buffer) {}
                outcomes[0] += 1
            } catch {
                #expect([1, 2, 3, 7].contains(error.notification.code), "\(error) for \(bytes)")
                outcomes[error.action == .sessionReset ? 1 : 2] += 1
            }
        }
        #expect(outcomes.allSatisfy { $0 > 0 }, "\(outcomes)")
    }
}
