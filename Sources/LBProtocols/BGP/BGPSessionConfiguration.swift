import LBWire

/// What one BGP session needs to know about itself and its peer. A plain `Sendable` value,
/// built from the config model once; every default is explained where it is declared.
public struct BGPSessionConfiguration: Sendable, Hashable {
    /// Our AS (`my-asn`). Sent in OPEN as a 4-octet AS capability, with AS_TRANS in
    /// "My Autonomous System" when it does not fit 2 octets (RFC 6793 section 3).
    public var localAS: UInt32
    /// The AS the peer must announce (`peer-asn`). RFC 4271 section 6.2: "If the Autonomous
    /// System field of the OPEN message is unacceptable, then the Error Subcode MUST be set to
    /// Bad Peer AS."
    public var peerAS: UInt32
    /// Our BGP Identifier (`router-id`), a non-zero 32-bit value (RFC 6286 section 2.1).
    public var routerID: UInt32
    /// The Hold Time we offer, in seconds (`hold-time`). RFC 4271 section 4.2: "MUST be either
    /// zero or at least three seconds"; 1 and 2 are raised to 3. 0 means no Hold and no
    /// Keepalive timers at all (RFC 4271 section 4.4). Default 90 s, RFC 4271 section 10.
    public var holdTime: UInt16
    /// The keepalive interval in seconds (`keepalive-time`); nil means one third of the
    /// negotiated hold time (RFC 4271 section 10 "KeepaliveTime ... 1/3 of HoldTime"). When
    /// set and lower than a third of the negotiated hold time, it is used instead.
    public var keepaliveTime: UInt16?
    /// RFC 4271 section 8.1.1 ConnectRetryTime: how long Connect/Active wait before trying the
    /// TCP connection again. The RFC suggests 120 s; IronLB defaults to 5 s because a speaker
    /// that lost its router should reconnect in seconds, not minutes.
    public var connectRetryTime: Duration
    /// RFC 4271 section 8.1.1 PassiveTcpEstablishment: wait in Active for the peer to connect
    /// instead of connecting out.
    public var passive: Bool
    /// RFC 4271 section 8.1.1 IdleHoldTime (DampPeerOscillations): after a session goes down
    /// on an error, the automatic restart waits this long, doubling on every further error up
    /// to `maximumBackoff`, so a peer that keeps rejecting us is not hammered.
    public var initialBackoff: Duration
    /// The ceiling of the doubling backoff.
    public var maximumBackoff: Duration
    /// How long a session must stay Established before the backoff resets to `initialBackoff`
    /// (a session that flaps right after coming up keeps its penalty).
    public var stableTime: Duration
    /// RFC 4271 section 8.2.2, Connect state: "sets the HoldTimer to a large value ... A
    /// HoldTimer value of 4 minutes is suggested" while waiting for the peer's OPEN.
    public var openHoldTime: Duration
    /// Capabilities we advertise besides the 4-octet AS one (added by `BGPOpen`): IPv4 and
    /// IPv6 unicast (RFC 4760) and route refresh (RFC 2918).
    public var capabilities: [BGPCapability]
    /// Capabilities the peer must advertise, or the session is refused with OPEN Message Error
    /// / Unsupported Capability (RFC 5492 section 5). Empty by default: IronLB works with any
    /// RFC 4271 peer and only sends what was negotiated.
    public var requiredCapabilities: [BGPCapability]

    public init(
        localAS: UInt32,
        peerAS: UInt32,
        routerID: UInt32,
        holdTime: UInt16 = 90,
        keepaliveTime: UInt16? = nil,
        connectRetryTime: Duration = .seconds(5),
        passive: Bool = false,
        initialBackoff: Duration = .seconds(1),
        maximumBackoff: Duration = .seconds(120),
        stableTime: Duration = .seconds(60),
        openHoldTime: Duration = .seconds(240),
        capabilities: [BGPCapability] = [.ipv4Unicast, .ipv6Unicast, .routeRefresh],
        requiredCapabilities: [BGPCapability] = []
    ) {
        self.localAS = localAS
        self.peerAS = peerAS
        self.routerID = routerID
        self.holdTime = holdTime == 1 || holdTime == 2 ? 3 : holdTime
        self.keepaliveTime = keepaliveTime
        // Zero intervals would re-arm a timer at the instant it fires; keep them positive.
        self.connectRetryTime = max(connectRetryTime, .milliseconds(1))
        self.passive = passive
        self.initialBackoff = max(initialBackoff, .milliseconds(1))
        self.maximumBackoff = max(maximumBackoff, self.initialBackoff)
        self.stableTime = stableTime
        self.openHoldTime = max(openHoldTime, .seconds(1))
        self.capabilities = capabilities
        self.requiredCapabilities = requiredCapabilities
    }

    /// The OPEN we send (RFC 4271 section 4.2).
    public var open: BGPOpen {
        BGPOpen(asNumber: localAS, holdTime: holdTime, identifier: routerID, capabilities: capabilities)
    }
}
