/// A change in a peer's membership, kept for logs, Events and `lbctl`.
public struct MembershipEvent: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// First proof of life, or back after being dead or having left.
        case joined
        /// Still live, but now with a higher incarnation: its speaker restarted quickly.
        case restarted
        /// Silent for `deadAfter`.
        case died
        /// Said `leave` (a graceful shutdown).
        case left
        /// Taken out of the peer list by `setPeers` (its Lease is gone).
        case removed
    }

    public var kind: Kind
    public var node: String
    /// The node's incarnation as known when the event happened (0: never heard from).
    public var incarnation: UInt64
    /// When, on the clock given to the state machine.
    public var at: Duration

    public init(kind: Kind, node: String, incarnation: UInt64, at: Duration) {
        self.kind = kind
        self.node = node
        self.incarnation = incarnation
        self.at = at
    }

    public var description: String { "\(at): \(node) \(kind.rawValue) (incarnation \(incarnation))" }
}
