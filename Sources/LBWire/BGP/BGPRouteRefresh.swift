import NIOCore

/// A ROUTE-REFRESH message (RFC 2918 section 3): asks the peer to re-advertise its Adj-RIB-Out
/// for one AFI/SAFI. Only sent to peers that advertised the Route Refresh capability (code 2).
public struct BGPRouteRefresh: Sendable, Hashable {
    /// RFC 2918 section 3 "AFI": Address Family Identifier (1 IPv4, 2 IPv6).
    public var afi: UInt16
    /// RFC 7313 section 3 "Message Subtype" (0 normal route refresh, 1 BoRR, 2 EoRR); RFC 2918
    /// calls this octet "Reserved" and sets it to 0.
    public var subtype: UInt8
    /// RFC 2918 section 3 "SAFI": Subsequent Address Family Identifier (1 unicast).
    public var safi: UInt8

    public init(afi: UInt16, safi: UInt8, subtype: UInt8 = 0) {
        self.afi = afi
        self.safi = safi
        self.subtype = subtype
    }

    /// Body length: AFI (2) + subtype (1) + SAFI (1).
    static let bodyLength = 4

    static func decodeBody(_ body: inout ByteBuffer) -> BGPRouteRefresh? {
        guard let afi: UInt16 = body.readInteger(), let subtype: UInt8 = body.readInteger(),
            let safi: UInt8 = body.readInteger()
        else { return nil }
        return BGPRouteRefresh(afi: afi, safi: safi, subtype: subtype)
    }

    func encodeBody(into buffer: inout ByteBuffer) {
        buffer.writeInteger(afi)
        buffer.writeInteger(subtype)
        buffer.writeInteger(safi)
    }
}
