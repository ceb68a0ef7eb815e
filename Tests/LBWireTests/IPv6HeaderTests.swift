import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

@Suite struct IPv6HeaderTests {
    typealias C = CapturedFrames

    func header(_ frame: ByteBuffer) throws -> IPv6Header {
        var b = frame
        b.moveReaderIndex(forwardBy: 14)
        return try b.readIPv6Header()
    }

    @Test func decodesCapturedHeaders() throws {
        let ns = try header(C.ndisc6Solicitation)
        #expect(ns.trafficClass == 0)
        #expect(ns.flowLabel == 0xDFC97)
        #expect(ns.payloadLength == 32)
        #expect(ns.nextHeader == 58)
        #expect(ns.hopLimit == 255)
        #expect(ns.source.description == "fe80::ff:fe00:a")
        #expect(ns.destination.description == "ff02::1:ff00:2")

        let mld = try header(C.kernelMLDReport)
        #expect(mld.nextHeader == 0 && mld.hopLimit == 1 && mld.payloadLength == 56)
        #expect(mld.source == .ipv6Unspecified)

        let unreachable = try header(C.kernelPortUnreachable)
        #expect(unreachable.trafficClass == 0 && unreachable.flowLabel == 0x3CA5A)
    }

    @Test func roundTripsCapturedHeaders() throws {
        for frame in C.ndpFrames + [C.kernelMLDReport, C.kernelRouterSolicitation, C.kernelPortUnreachable] {
            let h = try header(frame)
            var b = ByteBuffer()
            #expect(b.writeIPv6Header(h) == IPv6Header.length)
            #expect(b.readableBytesView.elementsEqual(frame.readableBytesView.dropFirst(14).prefix(40)))
        }
    }

    @Test func roundTripsEdgeValues() throws {
        let h = IPv6Header(
            source: addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), destination: .ipv6Unspecified,
            nextHeader: 255, hopLimit: 0, payloadLength: 0xFFFF, trafficClass: 0xFF, flowLabel: 0xF_FFFF)
        var b = ByteBuffer()
        b.writeIPv6Header(h)
        #expect(b.getInteger(at: 0, as: UInt32.self) == 0x6FFF_FFFF)
        #expect(try b.readIPv6Header() == h)
        #expect(IPv6Header(source: .ipv6Unspecified, destination: .ipv6AllNodes, flowLabel: 0x1F_FFFF).flowLabel == 0xF_FFFF)
    }

    @Test func rejectsOtherVersions() throws {
        var b = C.kernelSolicitation.getSlice(at: 14, length: 72) ?? ByteBuffer()
        for version: UInt8 in [0, 4, 5, 7, 15] {
            var v = b
            v.setInteger(version << 4, at: v.readerIndex)
            #expect(throws: FrameError.ipVersion(version)) { try v.readIPv6Header() }
            #expect(v.readerIndex == b.readerIndex)
        }
        #expect(throws: Never.self) { try b.readIPv6Header() }
    }

    @Test func everyPrefixIsTruncated() {
        let bytes = C.kernelSolicitation.getSlice(at: 14, length: 40) ?? ByteBuffer()
        for n in 0..<IPv6Header.length {
            var b = bytes.prefix(n)
            #expect(throws: FrameError.truncated(.ipv6, needed: 40, available: n)) { try b.readIPv6Header() }
            #expect(b.readerIndex == 0)
        }
    }

    @Test func extensionHeaderRegistry() {
        for n: UInt8 in [0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254] {
            #expect(IPv6Header.extensionHeaders.contains(n))
        }
        for n: UInt8 in [6, 17, 58, 59] { #expect(!IPv6Header.extensionHeaders.contains(n)) }
    }
}
