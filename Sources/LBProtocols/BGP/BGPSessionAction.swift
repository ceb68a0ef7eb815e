import LBWire

/// What a `BGPSession` asks its shell to do, in order.
public enum BGPSessionAction: Sendable, Hashable {
    /// Open the outbound TCP connection to the peer (RFC 4271 section 8.2.2 "initiates a TCP
    /// connection"). The answer is `.tcpConnectionSucceeded` or `.tcpConnectionFails`.
    case connect
    /// Close the connection, or abandon the attempt in progress.
    case disconnect
    /// Write one message on the connection.
    case send(BGPMessage)
    /// The session reached Established: send the whole table and then End-of-RIB.
    case established(BGPNegotiatedSession)
    /// The session left OpenSent/OpenConfirm/Established (or gave up connecting) for Idle.
    case sessionDown(BGPSessionDownReason)
}
