/// The six states of RFC 4271 section 8.2.2, as the shell and `lbctl` see them.
public enum BGPSessionState: String, Sendable, Hashable, CaseIterable {
    /// "In this state, BGP FSM refuses all incoming BGP connections for this peer."
    case idle
    /// "In this state, BGP FSM is waiting for the TCP connection to be completed."
    case connect
    /// "In this state, BGP FSM is trying to acquire a peer by listening for, and accepting, a
    /// TCP connection."
    case active
    /// "In this state, BGP FSM waits for an OPEN message from its peer."
    case openSent
    /// "In this state, BGP waits for a KEEPALIVE or NOTIFICATION message."
    case openConfirm
    /// "In the Established state, the BGP FSM can exchange UPDATE, NOTIFICATION, and
    /// KEEPALIVE messages with its peer."
    case established

    /// Whether a TCP connection to the peer is up in this state.
    public var isConnected: Bool { self == .openSent || self == .openConfirm || self == .established }
}
