import LBCore
import NIOCore

/// Encodes announcements and withdrawals as UPDATE messages, packing as many prefixes into each
/// as fit in 4096 octets (RFC 4271 section 4.1 maximum).
///
/// IPv4 prefixes go in the Withdrawn Routes and NLRI fields with the IPv4 NEXT_HOP attribute
/// (RFC 4271 section 4.3); IPv6 prefixes go in MP_UNREACH_NLRI and MP_REACH_NLRI with a 16- or
/// 32-octet next hop (RFC 4760 sections 3-4, RFC 2545 section 3). Every message carries one
/// kind only (IPv4 withdraw, IPv4 announce, IPv6 withdraw, IPv6 announce), in that order, so that
/// each kind fills its messages completely: with fixed-size prefixes the count is minimal.
public struct BGPUpdateBuilder: Sendable {
    /// Attributes shared by every announcement: ORIGIN, AS_PATH, MED, LOCAL_PREF, communities.
    /// `nextHop` is the IPv4 next hop; `mpReach`/`mpUnreach` are ignored (the builder makes them).
    public var attributes: BGPPathAttributes
    /// RFC 2545 section 3: the global IPv6 next hop, and optionally a link-local one after it.
    public var ipv6NextHops: [IPAddress]

    public init(attributes: BGPPathAttributes, ipv6NextHops: [IPAddress] = []) {
        self.attributes = attributes
        self.ipv6NextHops = ipv6NextHops
    }

    /// Fixed cost of an UPDATE: header (19) + Withdrawn Routes Length (2) + Total Path
    /// Attribute Length (2) (RFC 4271 section 4.3).
    static let updateOverhead = BGPMessage.headerLength + 4

    public func encodeUpdates(announce: [IPPrefix], withdraw: [IPPrefix]) throws(BGPEncodeError) -> [ByteBuffer] {
        var messages: [ByteBuffer] = []
        var shared = attributes
        shared.mpReach = nil
        shared.mpUnreach = nil
        let v4Announce = announce.filter { $0.family == .ipv4 }
        let v6Announce = announce.filter { $0.family == .ipv6 }

        // IPv4 withdrawals: Withdrawn Routes only, no attributes.
        pack(withdraw.filter { $0.family == .ipv4 }, room: BGPMessage.maximumLength - Self.updateOverhead, into: &messages) {
            BGPUpdate(withdrawn: $0)
        }
        // IPv4 announcements: shared attributes + NEXT_HOP, prefixes in NLRI.
        if !v4Announce.isEmpty {
            guard let hop = shared.nextHop, hop.family == .ipv4 else { throw .missingNextHop(.ipv4) }
            let room = BGPMessage.maximumLength - Self.updateOverhead - shared.encodedLength
            guard room >= 5 else { throw .attributesTooLarge(shared.encodedLength) }
            pack(v4Announce, room: room, into: &messages) { BGPUpdate(attributes: shared, nlri: $0) }
        }
        // IPv6 withdrawals: MP_UNREACH_NLRI only. Its header: flags, type, 2-octet length,
        // AFI, SAFI = 7 octets.
        pack(withdraw.filter { $0.family == .ipv6 }, room: BGPMessage.maximumLength - Self.updateOverhead - 7, into: &messages) {
            BGPUpdate(attributes: BGPPathAttributes(mpUnreach: BGPMPUnreach(withdrawn: $0)))
        }
        // IPv6 announcements: shared attributes without NEXT_HOP + MP_REACH_NLRI.
        if !v6Announce.isEmpty {
            guard let first = ipv6NextHops.first, first.family == .ipv6, ipv6NextHops.count <= 2,
                ipv6NextHops.allSatisfy({ $0.family == .ipv6 })
            else { throw .missingNextHop(.ipv6) }
            var v6 = shared
            v6.nextHop = nil
            // MP_REACH header: flags, type, 2-octet length, AFI, SAFI, next-hop length, next hop, reserved.
            let reachOverhead = 4 + 3 + 1 + 16 * ipv6NextHops.count + 1
            let room = BGPMessage.maximumLength - Self.updateOverhead - v6.encodedLength - reachOverhead
            guard room >= 17 else { throw .attributesTooLarge(v6.encodedLength) }
            pack(v6Announce, room: room, into: &messages) { prefixes in
                var a = v6
                a.mpReach = BGPMPReach(nextHops: ipv6NextHops, nlri: prefixes)
                return BGPUpdate(attributes: a)
            }
        }
        return messages
    }

    /// Greedily fills messages with prefixes while their encoded size fits in `room` octets.
    private func pack(
        _ prefixes: [IPPrefix], room: Int, into messages: inout [ByteBuffer], make: ([IPPrefix]) -> BGPUpdate
    ) {
        var batch: [IPPrefix] = []
        var used = 0
        func flush() {
            guard !batch.isEmpty else { return }
            // Cannot fail: the size was accounted for against the 4096-octet maximum.
            if let buffer = try? BGPMessage.update(make(batch)).encoded() { messages.append(buffer) }
            batch.removeAll(keepingCapacity: true)
            used = 0
        }
        for prefix in prefixes {
            let size = prefix.bgpEncodedLength
            if used + size > room { flush() }
            batch.append(prefix)
            used += size
        }
        flush()
    }
}

/// Encodes `announce` and `withdraw` into as few UPDATEs of at most 4096 octets as possible.
/// See `BGPUpdateBuilder`.
public func encodeUpdates(
    announce: [IPPrefix], withdraw: [IPPrefix], attributes: BGPPathAttributes, ipv6NextHops: [IPAddress] = []
) throws(BGPEncodeError) -> [ByteBuffer] {
    try BGPUpdateBuilder(attributes: attributes, ipv6NextHops: ipv6NextHops).encodeUpdates(announce: announce, withdraw: withdraw)
}
