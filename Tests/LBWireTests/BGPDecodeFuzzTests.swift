import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

/// Seeded property tests of the BGP decoder (the in-suite half of the fuzz target; the libFuzzer
/// half is Fuzz/BGPDecode). Properties:
/// - no input traps or hangs;
/// - every failure is a `BGPDecodeError` whose NOTIFICATION is one the decoder may send (Message
///   Header, OPEN or UPDATE Message Error, or RFC 7313's ROUTE-REFRESH Message Error) with a
///   subcode that has a name;
/// - a treat-as-withdraw error consumed exactly the message, so the stream stays in sync;
/// - every message decoded re-encodes, and the re-encoding decodes to the same message;
/// - every randomly built valid message survives encode -> decode unchanged.
@Suite struct BGPDecodeFuzzTests {
    typealias T = BGPTest

    static var seeds: [[UInt8]] {
        var seeds = BGPTest.everyMessage.compactMap { try? Array($0.encoded().readableBytesView) }
        seeds += BGPCapturedFixtures.all.map { Array($0.readableBytesView) }
        seeds += BGPCapturedMessagesTests.allCaptures.map { Array($0.readableBytesView) }
        seeds += BGPMessageDecoderTests.cases.map { Array($0.bytes.readableBytesView) }
        return seeds
    }

    /// One mutation of a valid message: flip, overwrite, insert, delete, truncate, or splice
    /// a slice of another seed; the header length is then fixed up half of the time so that
    /// the body parsers, not only the header check, see the damage.
    static func mutate(_ input: [UInt8], seeds: [[UInt8]], rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: bytes[at] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            case 1: bytes[at] = [0, 1, 0x7F, 0x80, 0xFF, UInt8.random(in: 0...255, using: &rng)][Int.random(in: 0..<6, using: &rng)]
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
            case 3: bytes.remove(at: at)
            case 4: bytes.removeLast(Int.random(in: 0...min(8, bytes.count), using: &rng))
            default:
                let other = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
                guard other.count > 19 else { continue }
                let from = Int.random(in: 19..<other.count, using: &rng)
                let slice = other[from..<min(other.count, from + Int.random(in: 1...24, using: &rng))]
                bytes.insert(contentsOf: slice, at: max(at, min(19, bytes.count)))
            }
        }
        // Keep the marker (a broken one is a single, already covered, outcome).
        for i in 0..<min(16, bytes.count) where Int.random(in: 0..<16, using: &rng) != 0 { bytes[i] = 0xFF }
        if bytes.count >= 19, bytes.count <= 4096, Bool.random(using: &rng) {
            bytes[16] = UInt8(bytes.count >> 8)
            bytes[17] = UInt8(bytes.count & 0xFF)
        }
        return bytes
    }

    struct Outcomes { var decoded = 0, needMore = 0, reset = 0, withdraw = 0 }

    /// Feeds `bytes` and checks every property; returns what happened.
    static func check(_ bytes: [UInt8], fourOctetAS: Bool, into outcomes: inout Outcomes) {
        var decoder = BGPMessageDecoder(fourOctetAS: fourOctetAS)
        var buffer = ByteBuffer(bytes: bytes)
        while true {
            let before = buffer.readerIndex
            let declared = buffer.getInteger(at: before + 16, as: UInt16.self).map(Int.init)
            let type = buffer.getInteger(at: before + 18, as: UInt8.self)
            do {
                guard let message = try decoder.parseStep(&buffer) else {
                    outcomes.needMore += 1
                    #expect(buffer.readerIndex == before, "need more data consumed input: \(bytes)")
                    return
                }
                outcomes.decoded += 1
                #expect(buffer.readerIndex - before == declared, "consumed \(buffer.readerIndex - before) of \(String(describing: declared))")
                guard fourOctetAS else { continue }
                // Re-encodes, and the re-encoding decodes to the same message.
                do {
                    let again = try message.encoded()
                    #expect(again.readableBytes <= 4096)
                    #expect(try T.decodeOne(again) == message, "\(message) from \(bytes)")
                } catch {
                    Issue.record("\(message) decoded from \(bytes) did not re-encode: \(error)")
                }
            } catch {
                let n = error.notification
                #expect([1, 2, 3, 7].contains(n.code), "\(error) for \(bytes)")
                #expect(n.subcode == 0 || n.subcodeName != nil, "\(error)")
                #expect(n.code != 7 || type == BGPMessage.MessageType.routeRefresh)
                #expect(!error.reason.isEmpty)
                if error.action == .treatAsWithdraw {
                    outcomes.withdraw += 1
                    #expect(n.code == 3)
                    #expect(buffer.readerIndex - before == declared, "treat-as-withdraw must consume the whole UPDATE")
                    continue
                }
                outcomes.reset += 1
                return
            }
        }
    }

    @Test(arguments: 0..<8)
    func mutatedAndRandomInput(_ shard: UInt64) {
        var rng = SplitMix64(seed: 0xF0_22ED + shard)
        let seeds = Self.seeds
        var outcomes = Outcomes()
        for i in 0..<5_000 {
            let bytes: [UInt8]
            switch i % 8 {
            case 0:
                bytes = (0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1:
                // A valid header of a random type around a random body.
                let body = (0..<Int.random(in: 0..<96, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                bytes = Array(T.message(type: UInt8.random(in: 0...6, using: &rng), body: body).readableBytesView)
            default:
                bytes = Self.mutate(seeds[Int.random(in: 0..<seeds.count, using: &rng)], seeds: seeds, rng: &rng)
            }
            Self.check(bytes, fourOctetAS: i % 5 != 0, into: &outcomes)
        }
        #expect(outcomes.decoded > 0 && outcomes.reset > 0 && outcomes.withdraw > 0 && outcomes.needMore > 0, "\(outcomes)")
    }

    // MARK: structured round trip

    static func prefix(_ family: IPFamily, _ rng: inout SplitMix64) -> IPPrefix {
        let value = family == .ipv4 ? UInt128(UInt32.random(in: 0...UInt32.max, using: &rng)) : UInt128(rng.next()) << 64 | UInt128(rng.next())
        return IPPrefix(address: IPAddress(family: family, value: value)!, length: Int.random(in: 0...family.bitWidth, using: &rng))!
    }

    static func attributes(_ rng: inout SplitMix64) -> BGPPathAttributes {
        var a = BGPPathAttributes(
            origin: [.igp, .egp, .incomplete][Int.random(in: 0..<3, using: &rng)],
            asPath: (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                BGPPathAttributes.ASPathSegment(
                    type: UInt8.random(in: 1...4, using: &rng),
                    asns: (0..<Int.random(in: 1...6, using: &rng)).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) })
            })
        if Bool.random(using: &rng) { a.multiExitDisc = UInt32.random(in: 0...UInt32.max, using: &rng) }
        if Bool.random(using: &rng) { a.localPref = UInt32.random(in: 0...UInt32.max, using: &rng) }
        a.atomicAggregate = Bool.random(using: &rng)
        a.communities = (0..<Int.random(in: 0...5, using: &rng)).map { _ in BGPCommunity(value: UInt32.random(in: 0...UInt32.max, using: &rng)) }
        a.largeCommunities = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
            BGPLargeCommunity(global: UInt32(rng.next() >> 32), local1: UInt32(rng.next() >> 32), local2: UInt32(rng.next() >> 32))
        }
        if Int.random(in: 0..<4, using: &rng) == 0 {
            // An unknown optional attribute (type codes no RFC IronLB knows), any length.
            let length = [0, 3, 255, 256, 300][Int.random(in: 0..<5, using: &rng)]
            a.other = [.init(flags: 0x80 | (Bool.random(using: &rng) ? 0x60 : 0), type: UInt8.random(in: 200...254, using: &rng),
                             value: (0..<length).map { UInt8(truncatingIfNeeded: $0) })]
        }
        return a
    }

    static func message(_ rng: inout SplitMix64) -> BGPMessage {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:
            var caps: [BGPCapability] = [.ipv4Unicast, .ipv6Unicast, .routeRefresh, .multiprotocol(afi: 1, safi: 128)]
            caps = caps.filter { _ in Bool.random(using: &rng) }
            caps += (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                .unknown(code: UInt8.random(in: 66...255, using: &rng), value: (0..<Int.random(in: 0...20, using: &rng)).map { UInt8($0) })
            }
            let hold: UInt16 = Bool.random(using: &rng) ? 0 : UInt16.random(in: 3...UInt16.max, using: &rng)
            return .open(BGPOpen(asNumber: UInt32.random(in: 1...UInt32.max, using: &rng), holdTime: hold,
                                 identifier: UInt32.random(in: 1...UInt32.max, using: &rng), capabilities: caps))
        case 1:
            var a = attributes(&rng)
            a.nextHop = IPAddress(ipv4: UInt32.random(in: 0x0100_0000...0xDFFF_FFFF, using: &rng))
            return .update(BGPUpdate(withdrawn: (0..<Int.random(in: 0...20, using: &rng)).map { _ in prefix(.ipv4, &rng) },
                                     attributes: a, nlri: (0..<Int.random(in: 1...40, using: &rng)).map { _ in prefix(.ipv4, &rng) }))
        case 2:
            var a = attributes(&rng)
            let hops = [IPAddress(ipv6: UInt128(rng.next()) << 64 | 1)] + (Bool.random(using: &rng) ? [IPAddress("fe80::1")!] : [])
            a.mpReach = BGPMPReach(nextHops: hops, nlri: (0..<Int.random(in: 1...40, using: &rng)).map { _ in prefix(.ipv6, &rng) })
            if Bool.random(using: &rng) {
                a.mpUnreach = BGPMPUnreach(withdrawn: (0..<Int.random(in: 0...20, using: &rng)).map { _ in prefix(.ipv6, &rng) })
            }
            return .update(BGPUpdate(attributes: a))
        case 3:
            return .update(Bool.random(using: &rng) ? .endOfRIB(.ipv4) : .endOfRIB(.ipv6))
        case 4:
            return .notification(BGPNotification(code: UInt8.random(in: 1...7, using: &rng), subcode: UInt8.random(in: 0...11, using: &rng),
                                                 data: (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }))
        default:
            return Bool.random(using: &rng) ? .keepalive
                : .routeRefresh(BGPRouteRefresh(afi: UInt16.random(in: 1...2, using: &rng), safi: 1, subtype: UInt8.random(in: 0...2, using: &rng)))
        }
    }

    /// Random valid messages of every type survive encode -> decode, whole and byte by byte.
    @Test func randomValidMessagesRoundTrip() throws {
        var rng = SplitMix64(seed: 0x5EED_B6F)
        var stream = ByteBuffer()
        var sent: [BGPMessage] = []
        for _ in 0..<3_000 {
            let m = Self.message(&rng)
            let encoded = try m.encoded()
            #expect(encoded.readableBytes <= 4096)
            #expect(try T.decodeOne(encoded) == m, "\(m)")
            if sent.count < 300 {
                try m.encode(into: &stream)
                sent.append(m)
            }
        }
        var decoder = BGPMessageDecoder()
        var pending = ByteBuffer()
        var out: [BGPMessage] = []
        for byte in stream.readableBytesView {
            pending.writeInteger(byte)
            while let m = try decoder.parseStep(&pending) { out.append(m) }
        }
        #expect(out == sent)
    }
}
