import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

@Suite struct NDPFrameTests {
    typealias C = CapturedFrames

    @Test func decodesEveryCapturedNDPFrame() throws {
        for frame in C.ndpFrames {
            let decoded = try NDPFrame(decoding: frame)
            #expect(decoded.ethernet.etherType == .ipv6)
            #expect(decoded.ipv6.hopLimit == 255)
            #expect(decoded.message.target.description == "2001:db8::2")
        }
    }

    @Test func decodesKernelSolicitationWhole() throws {
        let f = try NDPFrame(decoding: C.kernelSolicitation)
        #expect(f.ethernet.destination.description == "33:33:ff:00:00:02")
        #expect(f.ethernet.source == C.macA)
        #expect(f.ipv6.source.description == "2001:db8::1")
        #expect(f.ipv6.destination.description == "ff02::1:ff00:2")
        #expect(f.ipv6.destination == f.message.target.solicitedNodeMulticast)
        #expect(f.message == .neighborSolicitation(
            NeighborSolicitation(target: addr("2001:db8::2"), options: [.sourceLinkLayerAddress(C.macA)])))
    }

    /// Encoding a decoded capture gives the captured bytes back exactly.
    @Test func reencodesCapturesByteForByte() throws {
        for frame in C.ndpFrames {
            #expect(try NDPFrame(decoding: frame).encoded() == frame, "\(frame.hexDump)")
        }
    }

    /// The builder's unsolicited NA for B's address is the kernel's own (ndisc_notify) frame.
    @Test func unsolicitedAdvertisementMatchesTheKernels() throws {
        let na = try #require(NDPFrame.unsolicitedAdvertisement(ip: addr("2001:db8::2"), mac: C.macB))
        #expect(na.encoded() == C.kernelUnsolicitedAdvertisement)
        #expect(NDPFrame.unsolicitedAdvertisement(ip: addr("192.0.2.1"), mac: C.macB) == nil)
        #expect(NDPFrame.unsolicitedAdvertisement(ip: .ipv6AllNodes, mac: C.macB) == nil)
        #expect(NDPFrame.unsolicitedAdvertisement(ip: .ipv6Unspecified, mac: C.macB) == nil)
        let tagged = try #require(
            NDPFrame.unsolicitedAdvertisement(ip: addr("2001:db8::2"), mac: C.macB, vlan: VLANTag(id: 12)))
        #expect(try NDPFrame(decoding: tagged.encoded()) == tagged)
    }

    @Test func initializerFillsPayloadLengthAndNextHeader() throws {
        let target = addr("2001:db8::7")
        let f = NDPFrame(
            ethernet: EthernetHeader(destination: .broadcast, source: C.macA, etherType: .ipv6),
            ipv6: IPv6Header(source: target, destination: .ipv6AllNodes, nextHeader: 17, payloadLength: 3),
            message: .neighborAdvertisement(NeighborAdvertisement(solicited: false, override: true, target: target)))
        #expect(f.ipv6.payloadLength == 24 && f.ipv6.nextHeader == 58)
        var mutated = f
        mutated.ipv6.payloadLength = 999
        #expect(try NDPFrame(decoding: mutated.encoded()) == f, "encoding writes the real length")
    }

    /// Ethernet padding after the payload is ignored.
    @Test func ignoresTrailingPadding() throws {
        var padded = C.kernelAdvertisementWithoutTLLA
        padded.writeBytes(Array(repeating: 0, count: 10))
        #expect(try NDPFrame(decoding: padded) == NDPFrame(decoding: C.kernelAdvertisementWithoutTLLA))
    }

    @Test func typedErrorsForOtherTraffic() {
        #expect(throws: FrameError.ipv6ExtensionHeader(nextHeader: 0)) { try NDPFrame(decoding: C.kernelMLDReport) }
        #expect(throws: FrameError.unsupportedICMPv6Type(133)) { try NDPFrame(decoding: C.kernelRouterSolicitation) }
        #expect(throws: FrameError.unsupportedICMPv6Type(1)) { try NDPFrame(decoding: C.kernelPortUnreachable) }
        #expect(throws: FrameError.unexpectedEtherType(0x0806)) { try NDPFrame(decoding: C.kernelARPRequest) }
        #expect(throws: FrameError.unexpectedEtherType(0x0800)) { try NDPFrame(decoding: C.kernelIPv4UDP) }
        // UDP over IPv6 (next header 17) is neither ICMPv6 nor an extension header.
        #expect(throws: FrameError.unsupportedNextHeader(17)) {
            try NDPFrame(decoding: C.kernelSolicitation.setting(17, at: 20))
        }
        for ext: UInt8 in [43, 44, 60] {
            #expect(throws: FrameError.ipv6ExtensionHeader(nextHeader: ext)) {
                try NDPFrame(decoding: C.kernelSolicitation.setting(ext, at: 20))
            }
        }
    }

    /// Byte-by-byte: every prefix of a captured frame is rejected with a typed error.
    @Test func everyPrefixIsRejected() {
        for frame in C.ndpFrames {
            for n in 0..<frame.readableBytes {
                let error = frameError { () throws(FrameError) in try NDPFrame(decoding: frame.prefix(n)) }
                guard case .truncated(let layer, _, _) = error else {
                    Issue.record("prefix \(n) of \(frame.hexDump): \(String(describing: error))")
                    continue
                }
                #expect(layer == (n < 14 ? .ethernet : .ipv6))
            }
        }
    }

    /// A payload length beyond the frame is `truncated`, naming what was needed.
    @Test func payloadLengthPastTheFrame() {
        var b = C.kernelSolicitation
        b.setInteger(UInt16(40), at: 18)
        #expect(throws: FrameError.truncated(.ipv6, needed: 80, available: 72)) { try NDPFrame(decoding: b) }
        b.setInteger(UInt16(0), at: 18)
        #expect(throws: FrameError.truncated(.icmpv6, needed: 4, available: 0)) { try NDPFrame(decoding: b) }
    }
}
