/// How this node sees one peer.
public enum PeerStatus: String, Sendable, Hashable, CaseIterable {
    /// Listed, never heard from (or not since we started).
    case unknown
    /// Heard from within `suspectAfter`.
    case alive
    /// Silent for `suspectAfter` but not yet `deadAfter`: still counted live.
    case suspect
    /// Silent for `deadAfter`.
    case dead
    /// Said `leave`; comes back only with a higher incarnation.
    case left

    /// Whether the peer counts as a live member (for the election).
    public var isLive: Bool { self == .alive || self == .suspect }
}
