/// What `Membership` remembers per peer: the public snapshot plus the freshness state that
/// makes replays harmless.
struct PeerRecord: Sendable {
    var state: PeerState
    /// Highest sequence heard in `state.incarnation`.
    var sequence: UInt64 = 0
    /// The incarnation that said `leave`, if any.
    var leftIncarnation: UInt64?
    /// The incarnation whose liveness was last confirmed (tells `restarted` from `joined`).
    var confirmedIncarnation: UInt64 = 0

    init(name: String, address: PeerAddress) {
        state = PeerState(name: name, address: address)
    }
}
