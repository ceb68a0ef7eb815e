import LBCore
import LBWire
import NIOCore

/// The routes of one peer, RFC 4271 section 3.2 "Adj-RIBs-Out": what we want the peer to hold
/// (`desired`), what it holds from us in the current session (`advertised`), and the prefixes
/// where the two differ (`dirty`). A pure value: the session shell asks it for the next batch of
/// UPDATEs whenever the connection can take more.
///
/// Memory stays bounded by the tables, never by how often they change: a prefix changed ten
/// times while the peer was not reading is one dirty entry, sent once with its latest
/// attributes (or not at all if it ended up where the peer already is).
struct BGPAdjRIBOut: Sendable {
    /// How the current session turns routes into path attributes and what it may send.
    struct Context: Sendable, Hashable {
        /// Both ASes are the same (RFC 4271 section 5.1.2, 5.1.5).
        var internalPeer: Bool
        var localAS: UInt32
        /// Both OPENs carried the 4-octet AS capability (RFC 6793).
        var fourOctetAS: Bool
        /// The IPv4 NEXT_HOP, or nil when none is known (the session runs over IPv6 and none was
        /// configured).
        var nextHopV4: IPAddress?
        /// The IPv6 next hop for MP_REACH_NLRI, or nil.
        var nextHopV6: IPAddress?
        /// Families the OPENs negotiated (RFC 4760; IPv4 implied when the peer sent no MP capability).
        var ipv4Negotiated: Bool
        var ipv6Negotiated: Bool

        /// Why prefixes of `family` cannot go to this peer, or nil when they can.
        func blockedReason(_ family: IPFamily) -> String? {
            switch family {
            case .ipv4:
                if !ipv4Negotiated { return "the peer did not negotiate IPv4 unicast (RFC 4760 capability)" }
                if nextHopV4 == nil {
                    return "no IPv4 next hop: the session runs over IPv6 and no IPv4 next hop is configured"
                }
            case .ipv6:
                if !ipv6Negotiated { return "the peer did not negotiate IPv6 unicast (RFC 4760 capability)" }
                if nextHopV6 == nil {
                    return "no IPv6 next hop: the session runs over IPv4 and no IPv6 next hop is configured"
                }
            }
            return nil
        }
    }

    private(set) var desired: [IPPrefix: BGPRouteAttributes] = [:]
    private(set) var advertised: [IPPrefix: BGPRouteAttributes] = [:]
    /// Prefixes whose desired and advertised entries may differ (a superset: entries found equal
    /// are dropped when a batch is built).
    private(set) var dirty: Set<IPPrefix> = []

    /// Replaces the desired table; marks every prefix that changed.
    mutating func setDesired(_ routes: [IPPrefix: BGPRouteAttributes]) {
        for (prefix, attributes) in routes where desired[prefix] != attributes || advertised[prefix] != attributes {
            dirty.insert(prefix)
        }
        for prefix in desired.keys where routes[prefix] == nil { dirty.insert(prefix) }
        desired = routes
    }

    /// A new session: the peer holds nothing, so the whole desired table is to be sent.
    mutating func resetSession() {
        advertised = [:]
        dirty = Set(desired.keys)
    }

    /// RFC 2918 section 4: on ROUTE-REFRESH "the speaker ... re-advertise to the peer the
    /// Adj-RIB-Out": every advertised route of `family` is sent again.
    mutating func readvertise(_ family: IPFamily) {
        for prefix in advertised.keys where prefix.family == family {
            advertised[prefix] = nil
            dirty.insert(prefix)
        }
    }

    /// Desired prefixes the peer does not hold with their current attributes.
    var pendingCount: Int {
        dirty.reduce(0) { count, prefix in
            guard let wanted = desired[prefix] else { return count }
            return advertised[prefix] == wanted ? count : count + 1
        }
    }

    /// Desired prefixes per family that cannot be sent in `context`, with the reason.
    func blocked(in context: Context) -> [(family: IPFamily, count: Int, reason: String)] {
        IPFamily.allCases.compactMap { family in
            guard let reason = context.blockedReason(family) else { return nil }
            let count = dirty.reduce(0) { $1.family == family && desired[$1] != nil && advertised[$1] != desired[$1] ? $0 + 1 : $0 }
            return count == 0 ? nil : (family, count, reason)
        }
    }

    /// Builds the next UPDATEs for at most about `limit` prefixes, stopping after the group that
    /// crosses `byteLimit` encoded octets, and records them as sent:
    /// withdrawals first, then announcements grouped by identical attributes (each group packed
    /// into as few 4096-octet UPDATEs as possible by `BGPUpdateBuilder`). Returns no messages
    /// when nothing sendable differs. Prefixes of a blocked family stay dirty.
    mutating func nextBatch(in context: Context, limit: Int, byteLimit: Int = .max) throws(BGPEncodeError) -> [ByteBuffer] {
        var withdraw: [IPPrefix] = []
        var announce: [BGPRouteAttributes: [IPPrefix]] = [:]
        var taken = 0
        var settled: [IPPrefix] = []
        for prefix in dirty {
            let wanted = desired[prefix]
            let held = advertised[prefix]
            if wanted == held {
                settled.append(prefix)
                continue
            }
            guard taken < limit else { continue }
            if let wanted {
                guard context.blockedReason(prefix.family) == nil else { continue }
                announce[wanted, default: []].append(prefix)
            } else {
                withdraw.append(prefix)
            }
            taken += 1
        }
        for prefix in settled { dirty.remove(prefix) }
        var messages: [ByteBuffer] = []
        if !withdraw.isEmpty {
            messages += try BGPUpdateBuilder(attributes: BGPPathAttributes()).encodeUpdates(announce: [], withdraw: withdraw)
            for prefix in withdraw {
                advertised[prefix] = nil
                dirty.remove(prefix)
            }
        }
        // Largest groups first: most routes reach the peer in the fewest messages.
        var bytes = messages.reduce(0) { $0 + $1.readableBytes }
        for (attributes, prefixes) in announce.sorted(by: { $0.value.count > $1.value.count }) {
            // The rest stays dirty for the next batch.
            if bytes >= byteLimit { break }
            let builder = BGPUpdateBuilder(
                attributes: Self.pathAttributes(attributes, context: context),
                ipv6NextHops: context.nextHopV6.map { [$0] } ?? [])
            let encoded = try builder.encodeUpdates(announce: prefixes, withdraw: [])
            bytes += encoded.reduce(0) { $0 + $1.readableBytes }
            messages += encoded
            // A new session's table, sized once: grown by doubling it held two tables at its
            // last step (with 10,000 routes, 0.4 MB more at the speaker's peak).
            if advertised.isEmpty { advertised.reserveCapacity(desired.count) }
            for prefix in prefixes {
                advertised[prefix] = attributes
                dirty.remove(prefix)
            }
        }
        if dirty.isEmpty { settle() }
        return messages
    }

    /// With nothing dirty the peer holds exactly the desired table (a prefix leaves `dirty` only
    /// when both sides agree on it), so `advertised` becomes the same storage as `desired`, and
    /// the emptied dirty set lets its buffer go: with 10,000 routes the two were over a megabyte
    /// kept after every full table or withdrawal.
    private mutating func settle() {
        advertised = desired
        dirty = []
    }

    /// The path attributes of a route we originate (RFC 4271 section 5.1): ORIGIN IGP; AS_PATH
    /// empty towards an internal peer (5.1.2 "the originating speaker SHALL include an empty
    /// AS_PATH") and our AS towards an external one; NEXT_HOP; LOCAL_PREF to internal peers only
    /// (5.1.5); COMMUNITIES and LARGE_COMMUNITIES when present.
    ///
    /// Towards a peer without the 4-octet AS capability, AS_PATH carries 2-octet numbers, with
    /// AS_TRANS standing for a 4-octet AS, and AS4_PATH carries the real one (RFC 6793 section
    /// 4.2.2). `BGPPathAttributes` always encodes AS_PATH in 4-octet form, so the 2-octet form
    /// is written as raw attributes.
    static func pathAttributes(_ route: BGPRouteAttributes, context: Context) -> BGPPathAttributes {
        var attributes = BGPPathAttributes(
            origin: .igp, nextHop: context.nextHopV4,
            localPref: context.internalPeer ? route.localPref : nil,
            communities: route.communities,
            largeCommunities: route.largeCommunities)
        let path: [UInt32] = context.internalPeer ? [] : [context.localAS]
        if context.fourOctetAS || path.isEmpty {
            attributes.asPath = path.isEmpty ? [] : [.sequence(path)]
        } else {
            let asTrans = UInt32(BGPOpen.asTrans)
            let twoOctet = path.map { $0 > UInt32(UInt16.max) ? asTrans : $0 }
            var value: [UInt8] = [BGPPathAttributes.ASPathSegment.asSequence, UInt8(twoOctet.count)]
            for asn in twoOctet { value += [UInt8(asn >> 8 & 0xFF), UInt8(asn & 0xFF)] }
            attributes.other.append(
                .init(flags: BGPPathAttributes.Flag.transitive, type: BGPPathAttributes.TypeCode.asPath, value: value))
            if twoOctet != path {
                var as4: [UInt8] = [BGPPathAttributes.ASPathSegment.asSequence, UInt8(path.count)]
                for asn in path { as4 += [UInt8(asn >> 24), UInt8(asn >> 16 & 0xFF), UInt8(asn >> 8 & 0xFF), UInt8(asn & 0xFF)] }
                attributes.other.append(
                    .init(
                        flags: BGPPathAttributes.Flag.optional | BGPPathAttributes.Flag.transitive,
                        type: Self.as4PathTypeCode, value: as4))
            }
        }
        return attributes
    }

    /// RFC 6793 section 3: AS4_PATH, optional transitive, type code 17.
    static let as4PathTypeCode: UInt8 = 17
}
