import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

@Suite struct BGPMessageTests {
    typealias T = BGPTest

    @Test(arguments: BGPTest.everyMessage)
    func roundTrips(_ message: BGPMessage) throws {
        let encoded = try message.encoded()
        #expect(encoded.readableBytes <= 4096)
        #expect(encoded.getInteger(at: 16, as: UInt16.self) == UInt16(encoded.readableBytes))
        #expect(try T.decodeOne(encoded) == message, "\(encoded.hexDump)")
    }

    @Test func keepaliveIsNineteenOctets() throws {
        #expect(try BGPMessage.keepalive.encoded().hexDump == String(repeating: "ff", count: 16) + "001304")
    }

    @Test func openUsesASTransForFourOctetAS() throws {
        let open = BGPOpen(asNumber: 4_200_000_001, holdTime: 90, identifier: 1, capabilities: [.ipv4Unicast])
        #expect(open.myAS == 23456)
        #expect(open.asNumber == 4_200_000_001)
        #expect(open.supportsFourOctetAS)
        let small = BGPOpen(asNumber: 65001, holdTime: 90, identifier: 1, capabilities: [])
        #expect(small.myAS == 65001)
    }

    @Test func endOfRIBMarkers() throws {
        // RFC 4724 section 2: IPv4 End-of-RIB is an UPDATE of 23 octets.
        let v4 = try BGPMessage.update(.endOfRIB(.ipv4)).encoded()
        #expect(v4.hexDump == String(repeating: "ff", count: 16) + "00170200000000")
        let v6 = try BGPMessage.update(.endOfRIB(.ipv6)).encoded()
        #expect(v6.hexDump == String(repeating: "ff", count: 16) + "001d0200000006800f03000201")
        #expect(BGPUpdate.endOfRIB(.ipv4).endOfRIBFamily == .ipv4)
        #expect(BGPUpdate.endOfRIB(.ipv6).endOfRIBFamily == .ipv6)
        #expect(BGPUpdate(withdrawn: [T.prefix("10.0.0.0/8")]).endOfRIBFamily == nil)
    }

    @Test func longAttributesUseExtendedLength() throws {
        var a = T.sampleAttributes
        a.communities = (0..<100).map { BGPCommunity(value: $0) }
        let update = BGPMessage.update(BGPUpdate(attributes: a, nlri: [T.prefix("192.0.2.0/24")]))
        let encoded = try update.encoded()
        #expect(try T.decodeOne(encoded) == update)
    }

    @Test func fourHundredASPathEntriesSplitIntoSegments() throws {
        var a = T.sampleAttributes
        a.asPath = [.sequence((1...400).map { UInt32($0) })]
        let encoded = try BGPMessage.update(BGPUpdate(attributes: a, nlri: [T.prefix("192.0.2.0/24")])).encoded()
        guard case .update(let u)? = try T.decodeOne(encoded) else { Issue.record("not an update"); return }
        #expect(u.attributes.asPath?.flatMap(\.asns) == (1...400).map { UInt32($0) })
        #expect(u.attributes.asPath?.count == 2)
    }

    @Test func twoOctetASPathWhenNotNegotiated() throws {
        let attrs: [UInt8] = [0x40, 1, 1, 0] + [0x40, 2, 4, 2, 1, 0xFD, 0xE9] + [0x40, 3, 4, 192, 0, 2, 1]
        let m = T.message(type: 2, body: T.updateBody(attributes: attrs, nlri: [24, 198, 51, 100]))
        let decoded = try T.decodeOne(m, decoder: BGPMessageDecoder(fourOctetAS: false))
        guard case .update(let u)? = decoded else { Issue.record("not an update"); return }
        #expect(u.attributes.asPath == [.sequence([65001])])
    }

    @Test func unknownCapabilitiesAndOptionalAttributesAreKept() throws {
        // Capability 73 (FQDN) and an unknown optional transitive attribute 99.
        let caps: [UInt8] = [73, 4, 2, 0x76, 0x6D, 0, 65, 4, 0, 0, 0xFD, 0xE9]
        let body: [UInt8] = [4, 0xFD, 0xE9, 0, 90, 10, 0, 0, 1, UInt8(caps.count + 2), 2, UInt8(caps.count)] + caps
        guard case .open(let open)? = try T.decodeOne(T.message(type: 1, body: body)) else { Issue.record("no open"); return }
        #expect(open.capabilities == [.unknown(code: 73, value: [2, 0x76, 0x6D, 0]), .fourOctetAS(65001)])
        let attrs = T.mandatoryAttributes + [0xC0, 99, 2, 0xAB, 0xCD]
        let update = T.message(type: 2, body: T.updateBody(attributes: attrs, nlri: [32, 192, 0, 2, 9]))
        guard case .update(let u)? = try T.decodeOne(update) else { Issue.record("no update"); return }
        #expect(u.attributes.other == [.init(flags: 0xC0, type: 99, value: [0xAB, 0xCD])])
        #expect(u.nlri == [T.prefix("192.0.2.9/32")])
    }

    /// Several messages in one stream decode the same fed all at once and one octet at a time.
    @Test func byteByByteAndManyAtOnce() throws {
        var stream = ByteBuffer()
        for m in T.everyMessage { try m.encode(into: &stream) }
        #expect(try T.decodeAll(stream) == T.everyMessage)

        var decoder = BGPMessageDecoder()
        var pending = ByteBuffer()
        var out: [BGPMessage] = []
        for byte in stream.readableBytesView {
            pending.writeInteger(byte)
            while let m = try decoder.parseStep(&pending) { out.append(m) }
        }
        #expect(out == T.everyMessage)
        #expect(pending.readableBytes == 0)
    }

    /// Every proper prefix of every message is "need more data", never an error, and consumes nothing.
    @Test(arguments: BGPTest.everyMessage)
    func everyTruncationNeedsMoreData(_ message: BGPMessage) throws {
        let encoded = try message.encoded()
        for length in 0..<encoded.readableBytes {
            var partial = encoded.prefix(length)
            var decoder = BGPMessageDecoder()
            #expect(try decoder.parseStep(&partial) == nil)
            #expect(partial.readableBytes == length)
        }
    }
}
