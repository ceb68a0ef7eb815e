import LBCore
import LBTestSupport
import NIOCore

@testable import LBWire

/// Helpers shared by the BGP test files.
enum BGPTest {
    /// A whole message with a correct header around `body`.
    static func message(type: UInt8, body: [UInt8], length: Int? = nil) -> ByteBuffer {
        var b = ByteBuffer()
        b.writeRepeatingByte(0xFF, count: 16)
        b.writeInteger(UInt16(length ?? (19 + body.count)))
        b.writeInteger(type)
        b.writeBytes(body)
        return b
    }

    /// An UPDATE body from its three parts (RFC 4271 section 4.3).
    static func updateBody(withdrawn: [UInt8] = [], attributes: [UInt8], nlri: [UInt8] = []) -> [UInt8] {
        [UInt8(withdrawn.count >> 8), UInt8(withdrawn.count & 0xFF)] + withdrawn
            + [UInt8(attributes.count >> 8), UInt8(attributes.count & 0xFF)] + attributes + nlri
    }

    /// ORIGIN IGP, AS_PATH [65001] (4-octet), NEXT_HOP 192.0.2.1.
    static let mandatoryAttributes: [UInt8] =
        [0x40, 1, 1, 0] + [0x40, 2, 6, 2, 1, 0, 0, 0xFD, 0xE9] + [0x40, 3, 4, 192, 0, 2, 1]

    /// Decodes every message in `buffer`, stopping at the first error or when more data is needed.
    static func decodeAll(_ buffer: ByteBuffer, decoder: BGPMessageDecoder = BGPMessageDecoder()) throws(BGPDecodeError) -> [BGPMessage] {
        var d = decoder
        var b = buffer
        var out: [BGPMessage] = []
        while let m = try d.parseStep(&b) { out.append(m) }
        return out
    }

    /// Decodes exactly one message and checks nothing is left over.
    static func decodeOne(_ buffer: ByteBuffer, decoder: BGPMessageDecoder = BGPMessageDecoder()) throws(BGPDecodeError) -> BGPMessage? {
        var d = decoder
        var b = buffer
        let m = try d.parseStep(&b)
        return b.readableBytes == 0 ? m : nil
    }

    static func prefix(_ s: String) -> IPPrefix { IPPrefix(s)! }
    static func address(_ s: String) -> IPAddress { IPAddress(s)! }

    static let sampleAttributes = BGPPathAttributes(
        origin: .igp, asPath: [.sequence([4_200_000_001])], nextHop: IPAddress("192.0.2.10"),
        multiExitDisc: 7, localPref: 100,
        communities: [BGPCommunity(asn: 65000, local: 1), BGPCommunity(value: 0xFFFF_FF01)],
        largeCommunities: [BGPLargeCommunity(global: 4_200_000_001, local1: 1, local2: 2)])

    /// One message of every kind and shape, used by the round-trip and stream tests.
    static var everyMessage: [BGPMessage] {
        var v6 = sampleAttributes
        v6.nextHop = nil
        v6.mpReach = BGPMPReach(nextHops: [address("2001:db8::1"), address("fe80::1")], nlri: [prefix("2001:db8:1::/48"), prefix("2001:db8:2::1/128")])
        return [
            .open(BGPOpen(asNumber: 4_200_000_001, holdTime: 90, identifier: 0x0A00_0001,
                          capabilities: [.ipv4Unicast, .ipv6Unicast, .routeRefresh, .unknown(code: 64, value: [0, 120])])),
            .open(BGPOpen(asNumber: 65001, holdTime: 0, identifier: 1, capabilities: [])),
            .keepalive,
            .update(BGPUpdate(attributes: sampleAttributes, nlri: [prefix("198.51.100.0/24"), prefix("203.0.113.7/32"), prefix("0.0.0.0/0")])),
            .update(BGPUpdate(withdrawn: [prefix("198.51.100.0/24"), prefix("10.0.0.0/8")])),
            .update(BGPUpdate(attributes: v6)),
            .update(BGPUpdate(attributes: BGPPathAttributes(mpUnreach: BGPMPUnreach(withdrawn: [prefix("2001:db8:1::/48")])))),
            .update(.endOfRIB(.ipv4)),
            .update(.endOfRIB(.ipv6)),
            .notification(BGPNotification(code: 6, subcode: 2, data: Array("maintenance".utf8))),
            .notification(BGPNotification(code: 4, subcode: 0)),
            .routeRefresh(BGPRouteRefresh(afi: 2, safi: 1)),
        ]
    }
}
