/// The outcome of one received datagram.
public enum ReceiveResult: Sendable, Hashable {
    /// Authentic, fresh, and acted upon.
    case accepted([MembershipAction])
    /// Authentic and fresh, but a heartbeat that does not echo our current incarnation (the
    /// sender has not heard from us since we started): it teaches us the sender's incarnation
    /// and we answer at once so it learns ours, but it is not proof that the sender is alive now.
    case handshake([MembershipAction])
    /// Changed nothing, for this reason.
    case dropped(MembershipDropReason)

    /// The actions to carry out (none for a drop).
    public var actions: [MembershipAction] {
        switch self {
        case .accepted(let a), .handshake(let a): a
        case .dropped: []
        }
    }

    /// The drop reason, if the datagram was dropped.
    public var dropReason: MembershipDropReason? {
        if case .dropped(let r) = self { return r }
        return nil
    }
}
