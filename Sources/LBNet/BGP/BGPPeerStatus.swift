import Foundation
import LBProtocols

/// What one `BGPPeerSession` reports for `lbctl status`, the node Lease and `/metrics`
/// (`metallb_bgp_session_up`, `metallb_bgp_updates_total`, `metallb_bgp_announced_prefixes_total`,
/// `metallb_bgp_pending_prefixes_total`).
public struct BGPPeerStatus: Sendable, Hashable {
    /// The RFC 4271 section 8.2.2 state of the session.
    public var state: BGPSessionState
    /// When the current session reached Established (wall clock); nil when not Established.
    public var establishedSince: Date?
    /// Prefixes the peer holds from us now (sent in this session and not withdrawn).
    public var prefixesAdvertised: Int
    /// Prefixes of the desired table the peer does not hold yet with their current attributes:
    /// not sent yet (no session, the peer is slow to read), or not sendable (family not
    /// negotiated, no next hop for it; `lastError` says which).
    public var pendingPrefixes: Int
    /// UPDATE messages written on any session of this peer, End-of-RIB markers included.
    public var updatesSent: Int
    /// UPDATE messages received (decoded and ignored: IronLB only advertises).
    public var updatesReceived: Int
    /// Prefixes announced to us in those UPDATEs (counted, not stored).
    public var prefixesReceived: Int
    /// Why the session last went down or cannot connect, or why part of the table cannot be
    /// sent; nil until something went wrong. It is kept after the session recovers, as the
    /// last error, until a newer one replaces it.
    public var lastError: String?
    /// How many times a session with this peer reached Established.
    public var sessionsEstablished: Int
    /// What the current session negotiated (hold time, families, 4-octet AS); nil when not
    /// in OpenConfirm or Established.
    public var negotiated: BGPNegotiatedSession?
    /// The local address of the current TCP connection, nil without one.
    public var localAddress: String?

    public init(
        state: BGPSessionState = .idle, establishedSince: Date? = nil, prefixesAdvertised: Int = 0,
        pendingPrefixes: Int = 0, updatesSent: Int = 0, updatesReceived: Int = 0, prefixesReceived: Int = 0,
        lastError: String? = nil, sessionsEstablished: Int = 0, negotiated: BGPNegotiatedSession? = nil,
        localAddress: String? = nil
    ) {
        self.state = state
        self.establishedSince = establishedSince
        self.prefixesAdvertised = prefixesAdvertised
        self.pendingPrefixes = pendingPrefixes
        self.updatesSent = updatesSent
        self.updatesReceived = updatesReceived
        self.prefixesReceived = prefixesReceived
        self.lastError = lastError
        self.sessionsEstablished = sessionsEstablished
        self.negotiated = negotiated
        self.localAddress = localAddress
    }

    /// Whether the session is Established (`metallb_bgp_session_up`).
    public var isUp: Bool { state == .established }
}
