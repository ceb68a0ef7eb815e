import LBWire

/// Why a session went back to Idle: a typed reason for metrics, with `description` as the
/// "last error" text `lbctl status` shows.
public enum BGPSessionDownReason: Sendable, Hashable, CustomStringConvertible {
    /// ManualStop (peer removed, speaker shutting down).
    case administrativeStop
    /// RFC 4271 section 6.5: no KEEPALIVE/UPDATE within the hold time; we sent 4/0.
    case holdTimerExpired
    /// The peer sent a NOTIFICATION (RFC 4271 section 6.4 "the BGP connection is closed").
    case notificationReceived(BGPNotification)
    /// We found an error (bad OPEN, undecodable message, unexpected message) and sent this
    /// NOTIFICATION; `reason` names the field and value.
    case notificationSent(BGPNotification, reason: String)
    /// The TCP connection closed or failed while it was carrying the session.
    case connectionLost
    /// A message arrived before the session had a connection (RFC 4271 section 8.2.2, Connect
    /// and Active states: "any other event").
    case unexpectedEvent(String)
    /// RFC 4271 section 6.8: this connection lost a collision; the other one carries on.
    case collisionLost

    /// Whether the automatic restart should wait for the backoff (RFC 4271 section 8.1.1
    /// DampPeerOscillations): every reason except an administrative one is an error.
    public var isError: Bool {
        switch self {
        case .administrativeStop, .collisionLost: false
        default: true
        }
    }

    public var description: String {
        switch self {
        case .administrativeStop: "administratively stopped"
        case .holdTimerExpired: "hold timer expired"
        case .notificationReceived(let n): "peer sent \(n)"
        case .notificationSent(let n, let reason): "sent \(n): \(reason)"
        case .connectionLost: "TCP connection lost"
        case .unexpectedEvent(let what): "unexpected \(what) without a session"
        case .collisionLost: "connection collision: this connection was closed (RFC 4271 6.8)"
        }
    }
}
