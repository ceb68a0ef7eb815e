import LBWire

/// What the shell tells a `BGPSession` (RFC 4271 section 8.1, events named after it).
/// Timer events (8.1.3) are not here: the session fires its own timers in `tick(now:)`.
public enum BGPSessionEvent: Sendable, Hashable {
    /// Event 1 ManualStart: the peer is configured; start connecting (or listening if passive).
    case manualStart
    /// Event 2 ManualStop: the peer is removed or the speaker shuts down. Sends Cease /
    /// Administrative Shutdown (RFC 4486) when a connection is up; no automatic restart.
    case manualStop
    /// Event 3 AutomaticStart: start again unless a backoff (IdleHoldTimer) is running.
    case automaticStart
    /// Event 16 Tcp_CR_Acked: our outbound connection completed.
    case tcpConnectionSucceeded
    /// Event 17 TcpConnectionConfirmed: we accepted the peer's inbound connection.
    case tcpConnectionConfirmed
    /// Event 18 TcpConnectionFails: the connection (or the attempt) failed or closed.
    case tcpConnectionFails
    /// Events 19-27: a whole, well-formed message arrived.
    case messageReceived(BGPMessage)
    /// Events 21-22, 28: a message could not be decoded.
    case decodeError(BGPDecodeError)
    /// The shell wrote an UPDATE. RFC 4271 section 8.2.2, Established: "Each time the local
    /// system sends a KEEPALIVE or UPDATE message, it restarts its KeepaliveTimer, unless the
    /// negotiated HoldTime value is zero."
    case updateSent
    /// Event 23 OpenCollisionDump: `BGPCollision` chose to drop this connection (RFC 4271
    /// section 6.8); sends Cease / Connection Collision Resolution and stops for good, since
    /// the other connection carries the session.
    case collisionDump
}
