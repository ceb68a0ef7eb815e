/// A read-only snapshot of one peer, for the speaker's published state and `lbctl`.
public struct PeerState: Sendable, Hashable {
    public var name: String
    public var address: PeerAddress
    public var status: PeerStatus
    /// Highest incarnation heard from it (0: none).
    public var incarnation: UInt64
    /// Last proof of life, on the state machine's clock.
    public var lastHeard: Duration?
    /// Its view in its last heartbeat.
    public var view: MemberView?

    public init(
        name: String, address: PeerAddress, status: PeerStatus = .unknown, incarnation: UInt64 = 0,
        lastHeard: Duration? = nil, view: MemberView? = nil
    ) {
        self.name = name
        self.address = address
        self.status = status
        self.incarnation = incarnation
        self.lastHeard = lastHeard
        self.view = view
    }
}
