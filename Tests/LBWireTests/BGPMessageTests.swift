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

    /// RFC 5492 section 4: capabilities longer than one 255-octet parameter are split over
    /// several Capabilities parameters; more than 255 octets in all cannot be sent.
    @Test func manyCapabilitiesSpanParameters() throws {
        let caps: [BGPCapability] = (0..<3).map { .unknown(code: 200 + UInt8($0), value: [UInt8](repeating: UInt8($0), count: 70)) }
        let open = BGPOpen(asNumber: 65001, holdTime: 90, identifier: 1, capabilities: caps)
        let encoded = try BGPMessage.open(open).encoded()
        // 3 x 72 + 6 = 222 octets of capabilities fit one parameter.
        #expect(encoded.getInteger(at: 19 + 9, as: UInt8.self) == UInt8(3 * 72 + 6 + 2))
        #expect(try T.decodeOne(encoded) == .open(open))
        // Twice as many take two parameters (216 + 222 octets), 442 in all: too many.
        let tooMany = BGPOpen(asNumber: 65001, holdTime: 90, identifier: 1, capabilities: caps + caps)
        #expect(throws: BGPEncodeError.optionalParametersTooLarge(2 * (3 * 72) + 6 + 2 * 2)) { try BGPMessage.open(tooMany).encoded() }
        // A failed encode leaves the buffer as it was.
        var buffer = ByteBuffer(bytes: [1, 2, 3])
        #expect(throws: BGPEncodeError.self) { try BGPMessage.open(tooMany).encode(into: &buffer) }
        #expect(buffer.readableBytes == 3)
    }

    /// RFC 9072: an OPEN with the extended Optional Parameters Length is understood.
    @Test func extendedOptionalParametersLength() throws {
        let caps: [UInt8] = [1, 4, 0, 2, 0, 1, 65, 4, 0, 0, 0xFD, 0xE9]
        let params: [UInt8] = [2, 0, UInt8(caps.count)] + caps
        let body: [UInt8] = [4, 0xFD, 0xE9, 0, 90, 10, 0, 0, 1, 255, 255, 0, UInt8(params.count)] + params
        guard case .open(let open)? = try T.decodeOne(T.message(type: 1, body: body)) else { Issue.record("no open"); return }
        #expect(open.capabilities == [.ipv6Unicast, .fourOctetAS(65001)])
    }

    /// RFC 6793 section 6 and RFC 7606 section 7.7: malformed AS4_PATH / AS4_AGGREGATOR /
    /// AGGREGATOR are discarded and the UPDATE is kept; well-formed ones are kept raw.
    @Test func malformedAS4AttributesAreDiscarded() throws {
        let as4Path: [UInt8] = [0xC0, 17, 6, 2, 1, 0, 0, 0xFD, 0xE9]
        let as4Aggregator: [UInt8] = [0xC0, 18, 8, 0, 0, 0xFD, 0xE9, 10, 0, 0, 1]
        let good = T.mandatoryAttributes + as4Path + as4Aggregator
        guard case .update(let kept)? = try T.decodeOne(T.message(type: 2, body: T.updateBody(attributes: good, nlri: [8, 10])))
        else { Issue.record("no update"); return }
        #expect(kept.attributes.other.map(\.type) == [17, 18])
        let bad = T.mandatoryAttributes + [0xC0, 17, 6, 3, 1, 0, 0, 0xFD, 0xE9] + [0xC0, 18, 6, 0xFD, 0xE9, 10, 0, 0, 1]
            + [0xC0, 7, 5, 0, 1, 2, 3, 4]
        guard case .update(let dropped)? = try T.decodeOne(T.message(type: 2, body: T.updateBody(attributes: bad, nlri: [8, 10])))
        else { Issue.record("no update"); return }
        #expect(dropped.attributes.other.isEmpty)
        #expect(dropped.nlri == [T.prefix("10.0.0.0/8")])
    }

    /// The Extended Length bit is an encoding detail: attributes kept raw do not remember it,
    /// so they re-encode to an equal value; MP_REACH of an unknown family keeps its next hop.
    @Test func rawAttributesReencodeEqual() throws {
        let attrs = T.mandatoryAttributes + [0xD0, 99, 0, 2, 0xAB, 0xCD] + [0x80, 14, 11, 0, 1, 128, 4, 10, 0, 0, 1, 0, 7, 7]
        let m = T.message(type: 2, body: T.updateBody(attributes: attrs, nlri: [8, 10]))
        guard case .update(let u)? = try T.decodeOne(m) else { Issue.record("no update"); return }
        #expect(u.attributes.other == [.init(flags: 0xC0, type: 99, value: [0xAB, 0xCD])])
        #expect(u.attributes.mpReach == BGPMPReach(afi: 1, safi: 128, nextHops: [], nlri: [], rawNLRI: [7, 7], rawNextHop: [10, 0, 0, 1]))
        #expect(try T.decodeOne(BGPMessage.update(u).encoded()) == .update(u))
    }

    /// Every message type, alone, gives the same result fed one octet at a time as fed whole.
    @Test(arguments: BGPTest.everyMessage)
    func eachMessageByteByByte(_ message: BGPMessage) throws {
        let encoded = try message.encoded()
        var decoder = BGPMessageDecoder()
        var pending = ByteBuffer()
        var out: [BGPMessage] = []
        for byte in encoded.readableBytesView {
            pending.writeInteger(byte)
            while let m = try decoder.parseStep(&pending) { out.append(m) }
        }
        #expect(out == [message])
    }

    /// Errors too: a malformed message fed one octet at a time fails exactly as fed whole.
    @Test(arguments: BGPMessageDecoderTests.cases)
    func malformedByteByByte(_ c: MalformedCase) {
        func outcome(_ feed: (inout BGPMessageDecoder, inout ByteBuffer) throws(BGPDecodeError) -> BGPMessage?) -> BGPDecodeError? {
            var decoder = c.decoder
            var pending = ByteBuffer()
            do throws(BGPDecodeError) { _ = try feed(&decoder, &pending); return nil } catch { return error }
        }
        let whole = outcome { d, p throws(BGPDecodeError) in
            var b = c.bytes
            return try d.parseStep(&b)
        }
        let byByte = outcome { d, p throws(BGPDecodeError) in
            for byte in c.bytes.readableBytesView {
                p.writeInteger(byte)
                if let m = try d.parseStep(&p) { return m }
            }
            return nil
        }
        #expect(whole != nil)
        #expect(whole?.notification == byByte?.notification, "\(c.name)")
        #expect(whole?.action == byByte?.action)
    }
}
