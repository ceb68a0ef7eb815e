import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

@Suite struct NDPMessageTests {
    typealias C = CapturedFrames

    func parts(_ frame: ByteBuffer) throws -> (message: ByteBuffer, source: IPAddress, destination: IPAddress) {
        var b = frame
        b.moveReaderIndex(forwardBy: 14)
        let ip = try b.readIPv6Header()
        let slice = b.readSlice(length: Int(ip.payloadLength))
        return (try #require(slice), ip.source, ip.destination)
    }

    func decode(_ frame: ByteBuffer) throws -> NDPMessage {
        let p = try parts(frame)
        return try NDPMessage(decoding: p.message, source: p.source, destination: p.destination)
    }

    /// Sets the checksum of `message` right for the given pseudo-header.
    func fixChecksum(_ message: ByteBuffer, _ source: IPAddress, _ destination: IPAddress) -> ByteBuffer {
        var m = message
        m.setInteger(UInt16(0), at: m.readerIndex + 2)
        m.setInteger(ICMPv6Checksum.compute(message: m, source: source, destination: destination), at: m.readerIndex + 2)
        return m
    }

    @Test func decodesKernelSolicitation() throws {
        guard case .neighborSolicitation(let ns) = try decode(C.kernelSolicitation) else {
            Issue.record("not an NS")
            return
        }
        #expect(ns.target.description == "2001:db8::2")
        #expect(ns.sourceLinkLayerAddress == C.macA)
        #expect(ns.options == [.sourceLinkLayerAddress(C.macA)])
    }

    /// The DAD probe carries a Nonce option (RFC 7527), skipped as `.other`, and no SLLA.
    @Test func decodesDADSolicitationWithNonce() throws {
        guard case .neighborSolicitation(let ns) = try decode(C.kernelDADSolicitation) else {
            Issue.record("not an NS")
            return
        }
        #expect(ns.target.description == "2001:db8::2")
        #expect(ns.sourceLinkLayerAddress == nil)
        #expect(ns.options == [.other(type: 14, body: [0x2B, 0xEB, 0x08, 0x41, 0x1A, 0x58])])
    }

    @Test func decodesAdvertisementFlags() throws {
        let cases: [(ByteBuffer, Bool, Bool, MACAddress?)] = [
            (C.kernelSolicitedAdvertisement, true, true, C.macB),
            (C.kernelAdvertisementToLinkLocal, true, true, C.macB),
            (C.kernelUnsolicitedAdvertisement, false, true, C.macB),
            (C.kernelAdvertisementWithoutTLLA, true, false, nil),
        ]
        for (frame, solicited, override, tlla) in cases {
            guard case .neighborAdvertisement(let na) = try decode(frame) else {
                Issue.record("not an NA")
                continue
            }
            #expect(!na.router)
            #expect(na.solicited == solicited)
            #expect(na.override == override)
            #expect(na.target.description == "2001:db8::2")
            #expect(na.targetLinkLayerAddress == tlla)
        }
    }

    /// Re-encoding a decoded capture gives the kernel's bytes, checksum included.
    @Test func reencodesCapturesByteForByte() throws {
        for frame in C.ndpFrames {
            let p = try parts(frame)
            let message = try NDPMessage(decoding: p.message, source: p.source, destination: p.destination)
            var b = ByteBuffer()
            #expect(b.writeNDPMessage(message, source: p.source, destination: p.destination) == message.encodedLength)
            #expect(b == p.message, "\(frame.hexDump)")
        }
    }

    @Test func roundTripsAllFlagCombinations() throws {
        let source = addr("2001:db8::2")
        let destination = addr("2001:db8::1")
        for bits in 0..<8 {
            let message = NDPMessage.neighborAdvertisement(
                NeighborAdvertisement(
                    router: bits & 1 != 0, solicited: bits & 2 != 0, override: bits & 4 != 0, target: source,
                    options: [.targetLinkLayerAddress(C.macB), .other(type: 77, body: [1, 2, 3, 4, 5, 6])]))
            var b = ByteBuffer()
            b.writeNDPMessage(message, source: source, destination: destination)
            #expect(try NDPMessage(decoding: b, source: source, destination: destination) == message)
        }
    }

    @Test func rejectsOtherICMPv6Types() throws {
        let rs = try parts(C.kernelRouterSolicitation)
        #expect(throws: FrameError.unsupportedICMPv6Type(133)) {
            try NDPMessage(decoding: rs.message, source: rs.source, destination: rs.destination)
        }
        let unreachable = try parts(C.kernelPortUnreachable)
        #expect(throws: FrameError.unsupportedICMPv6Type(1)) {
            try NDPMessage(decoding: unreachable.message, source: unreachable.source, destination: unreachable.destination)
        }
    }

    @Test func rejectsBadChecksum() throws {
        let p = try parts(C.kernelSolicitation)
        var corrupted = p.message
        corrupted.setInteger(UInt8(0xFF), at: corrupted.readerIndex + 23)  // last byte of the target
        let expected = ICMPv6Checksum.compute(message: corrupted, source: p.source, destination: p.destination)
        #expect(expected != 0x1C1E)
        #expect(throws: FrameError.badChecksum(received: 0x1C1E, expected: expected)) {
            try NDPMessage(decoding: corrupted, source: p.source, destination: p.destination)
        }
        // The same message checked against another pseudo-header.
        #expect(throws: FrameError.self) {
            try NDPMessage(decoding: p.message, source: .ipv6Unspecified, destination: p.destination)
        }
    }

    /// RFC 4861 section 7.1.1: "ICMP Code is 0", checked after the checksum.
    @Test func rejectsNonZeroCode() throws {
        let p = try parts(C.kernelSolicitation)
        var m = p.message
        m.setInteger(UInt8(1), at: m.readerIndex + 1)
        #expect(throws: FrameError.badChecksum(received: 0x1C1E, expected: 0x1C1D)) {
            try NDPMessage(decoding: m, source: p.source, destination: p.destination)
        }
        m = fixChecksum(m, p.source, p.destination)
        #expect(throws: FrameError.icmpv6Code(type: 135, code: 1)) {
            try NDPMessage(decoding: m, source: p.source, destination: p.destination)
        }
    }

    /// "ICMP length (derived from the IP length) is 24 or more octets": a shorter message with
    /// a correct checksum is `truncated`.
    @Test func everyPrefixIsRejected() throws {
        for frame in C.ndpFrames {
            let p = try parts(frame)
            for n in 0..<p.message.readableBytes {
                let prefix = fixChecksumIfLongEnough(p.message.prefix(n), p.source, p.destination)
                let error = frameError { () throws(FrameError) in
                    try NDPMessage(decoding: prefix, source: p.source, destination: p.destination)
                }
                switch error {
                case .truncated(let layer, _, _):
                    #expect(layer == (n < 4 ? .icmpv6 : .ndp))
                    #expect(n < 24)
                case .ndpOptionOverrun, .linkLayerAddressOptionLength:
                    #expect(n > 24, "only the options part can be cut short past 24 bytes")
                case nil:
                    #expect(n == 24, "cut exactly after the target is a valid message without options")
                default:
                    Issue.record("prefix \(n): \(String(describing: error))")
                }
            }
        }
    }

    func fixChecksumIfLongEnough(_ m: ByteBuffer, _ s: IPAddress, _ d: IPAddress) -> ByteBuffer {
        m.readableBytes >= 4 ? fixChecksum(m, s, d) : m
    }

    @Test func accessors() throws {
        let target = addr("2001:db8::9")
        let ns = NDPMessage.neighborSolicitation(NeighborSolicitation(target: target, options: [.sourceLinkLayerAddress(C.macA)]))
        #expect(ns.type == 135 && ns.target == target && ns.encodedLength == 32)
        let na = NDPMessage.neighborAdvertisement(NeighborAdvertisement(solicited: true, override: false, target: target))
        #expect(na.type == 136 && na.target == target && na.options.isEmpty && na.encodedLength == 24)
        // Duplicated link-layer options: the first wins.
        let dup = NeighborSolicitation(target: target, options: [.sourceLinkLayerAddress(C.macA), .sourceLinkLayerAddress(C.macB)])
        #expect(dup.sourceLinkLayerAddress == C.macA)
    }
}
