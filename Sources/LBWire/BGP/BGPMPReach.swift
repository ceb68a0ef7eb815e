import LBCore
import NIOCore

/// RFC 4760 section 3 MP_REACH_NLRI: AFI (2), SAFI (1), Length of Next Hop (1), Next Hop,
/// Reserved (1), NLRI.
public struct BGPMPReach: Sendable, Hashable {
    public var afi: UInt16
    public var safi: UInt8
    /// RFC 2545 section 3: for IPv6 a global address, optionally followed by a link-local one
    /// (Length of Next Hop 16 or 32).
    public var nextHops: [IPAddress]
    /// The NLRI, decoded for AFI 1/2 SAFI 1; empty for other families (kept in `rawNLRI`).
    public var nlri: [IPPrefix]
    /// The NLRI octets of a family IronLB does not decode.
    public var rawNLRI: [UInt8]
    /// The Network Address of Next Hop octets of a family IronLB does not decode (kept so the
    /// attribute re-encodes unchanged); written after `nextHops`.
    public var rawNextHop: [UInt8]

    public init(
        afi: UInt16 = 2, safi: UInt8 = 1, nextHops: [IPAddress], nlri: [IPPrefix], rawNLRI: [UInt8] = [],
        rawNextHop: [UInt8] = []
    ) {
        self.afi = afi
        self.safi = safi
        self.nextHops = nextHops
        self.nlri = nlri
        self.rawNLRI = rawNLRI
        self.rawNextHop = rawNextHop
    }

    func encodeValue(into buffer: inout ByteBuffer) {
        buffer.writeInteger(afi)
        buffer.writeInteger(safi)
        let hops = nextHops.flatMap(\.bytes) + rawNextHop
        buffer.writeInteger(UInt8(truncatingIfNeeded: hops.count))
        buffer.writeBytes(hops)
        buffer.writeInteger(UInt8(0))
        for prefix in nlri { buffer.writeBGPPrefix(prefix) }
        buffer.writeBytes(rawNLRI)
    }

    /// nil when malformed: RFC 7606 section 7.11 says a malformed MP_REACH_NLRI resets the
    /// session (the caller maps nil to Optional Attribute Error).
    static func decode(_ value: inout ByteBuffer) -> BGPMPReach? {
        guard let afi: UInt16 = value.readInteger(), let safi: UInt8 = value.readInteger(),
            let hopLength: UInt8 = value.readInteger(), let hopBytes = value.readBytes(length: Int(hopLength)),
            let _: UInt8 = value.readInteger()
        else { return nil }
        guard let family = BGPMPReach.family(afi: afi, safi: safi) else {
            return BGPMPReach(
                afi: afi, safi: safi, nextHops: [], nlri: [], rawNLRI: value.readBytes(length: value.readableBytes) ?? [],
                rawNextHop: hopBytes)
        }
        let width = family.bitWidth / 8
        // RFC 2545 section 3 / RFC 4271: one address, or (IPv6) global + link-local.
        guard hopBytes.count == width || (family == .ipv6 && hopBytes.count == 32) else { return nil }
        var hops: [IPAddress] = []
        var i = 0
        while i < hopBytes.count {
            guard let a = IPAddress(bytes: hopBytes[i..<(i + width)]) else { return nil }
            hops.append(a)
            i += width
        }
        guard let nlri = value.readBGPPrefixes(family: family) else { return nil }
        return BGPMPReach(afi: afi, safi: safi, nextHops: hops, nlri: nlri)
    }

    /// The address family for the unicast AFI/SAFI pairs IronLB decodes (RFC 4760 section 5).
    static func family(afi: UInt16, safi: UInt8) -> IPFamily? {
        switch (afi, safi) {
        case (1, 1): .ipv4
        case (2, 1): .ipv6
        default: nil
        }
    }
}

/// RFC 4760 section 4 MP_UNREACH_NLRI: AFI (2), SAFI (1), Withdrawn Routes. With no withdrawn
/// routes it is the End-of-RIB marker of that family (RFC 4724 section 2).
public struct BGPMPUnreach: Sendable, Hashable {
    public var afi: UInt16
    public var safi: UInt8
    public var withdrawn: [IPPrefix]
    public var rawWithdrawn: [UInt8]

    public init(afi: UInt16 = 2, safi: UInt8 = 1, withdrawn: [IPPrefix], rawWithdrawn: [UInt8] = []) {
        self.afi = afi
        self.safi = safi
        self.withdrawn = withdrawn
        self.rawWithdrawn = rawWithdrawn
    }

    func encodeValue(into buffer: inout ByteBuffer) {
        buffer.writeInteger(afi)
        buffer.writeInteger(safi)
        for prefix in withdrawn { buffer.writeBGPPrefix(prefix) }
        buffer.writeBytes(rawWithdrawn)
    }

    static func decode(_ value: inout ByteBuffer) -> BGPMPUnreach? {
        guard let afi: UInt16 = value.readInteger(), let safi: UInt8 = value.readInteger() else { return nil }
        guard let family = BGPMPReach.family(afi: afi, safi: safi) else {
            return BGPMPUnreach(afi: afi, safi: safi, withdrawn: [], rawWithdrawn: value.readBytes(length: value.readableBytes) ?? [])
        }
        guard let withdrawn = value.readBGPPrefixes(family: family) else { return nil }
        return BGPMPUnreach(afi: afi, safi: safi, withdrawn: withdrawn)
    }
}
