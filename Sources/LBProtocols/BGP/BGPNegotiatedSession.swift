import LBWire

/// What both OPENs agreed on, handed to the shell when the session is Established.
public struct BGPNegotiatedSession: Sendable, Hashable {
    /// RFC 4271 section 4.2: "BGP MUST use the smaller of its configured Hold Time and the Hold
    /// Time received in the OPEN message." 0 means no Hold and no Keepalive timers.
    public var holdTime: UInt16
    /// nil when `holdTime` is 0 (RFC 4271 section 4.4: "If the negotiated Hold Time interval is
    /// zero, then periodic KEEPALIVE messages MUST NOT be sent").
    public var keepaliveInterval: Duration?
    /// The peer's AS, from its 4-octet AS capability when present (RFC 6793 section 3).
    public var peerAS: UInt32
    /// The peer's BGP Identifier.
    public var peerRouterID: UInt32
    /// Both sides speak 4-octet AS numbers, so AS_PATH carries 4-octet ASNs (RFC 6793).
    public var fourOctetAS: Bool
    /// IPv4 unicast routes may be sent: both advertised it, or the peer advertised no
    /// multiprotocol capability at all (RFC 4760 section 1: IPv4 unicast is implied).
    public var ipv4Unicast: Bool
    /// IPv6 unicast routes may be sent in MP_REACH_NLRI: both advertised AFI 2 / SAFI 1.
    public var ipv6Unicast: Bool
    /// The peer may send ROUTE-REFRESH (RFC 2918 section 4).
    public var routeRefresh: Bool
    /// Everything the peer advertised, for `lbctl` and logs.
    public var peerCapabilities: [BGPCapability]

    public init(
        holdTime: UInt16, keepaliveInterval: Duration?, peerAS: UInt32, peerRouterID: UInt32,
        fourOctetAS: Bool, ipv4Unicast: Bool, ipv6Unicast: Bool, routeRefresh: Bool,
        peerCapabilities: [BGPCapability]
    ) {
        self.holdTime = holdTime
        self.keepaliveInterval = keepaliveInterval
        self.peerAS = peerAS
        self.peerRouterID = peerRouterID
        self.fourOctetAS = fourOctetAS
        self.ipv4Unicast = ipv4Unicast
        self.ipv6Unicast = ipv6Unicast
        self.routeRefresh = routeRefresh
        self.peerCapabilities = peerCapabilities
    }

    /// Negotiates from our configuration and the peer's (already validated) OPEN.
    init(configuration: BGPSessionConfiguration, peer: BGPOpen) {
        let hold = min(configuration.holdTime, peer.holdTime)
        var keepalive: Duration? = nil
        if hold > 0 {
            // RFC 4271 section 10: KeepaliveTime is one third of the HoldTime; a configured
            // keepalive only ever makes it shorter.
            let third = Duration.seconds(Int(hold)) / 3
            let configured = configuration.keepaliveTime.map { Duration.seconds(Int(max($0, 1))) }
            keepalive = configured.map { min($0, third) } ?? third
        }
        let ours = configuration.capabilities
        let theirs = peer.capabilities
        let peerMP = theirs.contains { if case .multiprotocol = $0 { true } else { false } }
        let oursMP = ours.contains { if case .multiprotocol = $0 { true } else { false } }
        func both(_ capability: BGPCapability) -> Bool { ours.contains(capability) && theirs.contains(capability) }
        self.init(
            holdTime: hold,
            keepaliveInterval: keepalive,
            peerAS: peer.asNumber,
            peerRouterID: peer.identifier,
            fourOctetAS: peer.supportsFourOctetAS,
            ipv4Unicast: both(.ipv4Unicast) || (!peerMP && (!oursMP || ours.contains(.ipv4Unicast))),
            ipv6Unicast: both(.ipv6Unicast),
            routeRefresh: theirs.contains(.routeRefresh),
            peerCapabilities: theirs)
    }
}
