import LBCore

/// The per-prefix policy a pool's `bgp-advertisements` give a route. ORIGIN, AS_PATH and the
/// next hop are the session's business and are not part of it.
public struct BGPRouteAttributes: Sendable, Hashable {
    /// LOCAL_PREF (`localpref`, RFC 4271 section 5.1.5). Sent on iBGP sessions only: RFC 4271
    /// section 5.1.5 "A BGP speaker MUST NOT include this attribute in UPDATE messages it sends
    /// to external peers".
    public var localPref: UInt32?
    /// RFC 1997 communities (`communities`). Sent as COMMUNITIES when non-empty, in this order.
    public var communities: [BGPCommunity]
    /// RFC 8092 large communities, sent as LARGE_COMMUNITIES when non-empty.
    public var largeCommunities: [BGPLargeCommunity]

    public init(localPref: UInt32? = nil, communities: [BGPCommunity] = [], largeCommunities: [BGPLargeCommunity] = []) {
        self.localPref = localPref
        self.communities = communities
        self.largeCommunities = largeCommunities
    }
}
