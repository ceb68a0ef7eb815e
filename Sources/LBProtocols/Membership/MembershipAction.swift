import NIOCore

/// What the shell must do after feeding the state machine an event.
public enum MembershipAction: Sendable, Hashable {
    /// Send this datagram to this peer over UDP (fire and forget: loss is expected and tolerated).
    case send(ByteBuffer, to: PeerAddress)
    /// The set of live members (this node included, unless it has left) changed: re-run the
    /// elections. Carries the whole set so the shell needs no diffing.
    case membershipChanged(live: Set<String>)
}
