/// One membership datagram, decoded and authenticated. See `MembershipCodec` for the layout.
public struct MembershipMessage: Sendable, Hashable {
    public enum Kind: UInt8, Sendable, Hashable, CaseIterable {
        /// "I am alive, and this is my view." Sent to every peer each interval.
        case heartbeat = 1
        /// "I am shutting down; hand my IPs over now." Final for the sender's incarnation.
        case leave = 2
    }

    public var kind: Kind
    /// The sending node's name. Covered by the MAC, so it cannot be spoofed without the key.
    public var sender: String
    /// The node the message is for: a message captured on its way to one node is refused by
    /// every other node.
    public var receiver: String
    /// The sender's incarnation: chosen anew, larger, each time its speaker starts (the shell
    /// uses wall-clock milliseconds at start), so a restarted node is told apart from a replay
    /// of its previous life.
    public var incarnation: UInt64
    /// Counts up with every message the sender sends in this incarnation: receivers refuse any
    /// sequence they have already passed, so a replayed or duplicated message changes nothing.
    public var sequence: UInt64
    /// The receiver's incarnation as the sender last learned it (0: not learned yet). Only a
    /// heartbeat that echoes the receiver's current incarnation proves the sender alive now:
    /// recordings made before the receiver restarted echo an old value and prove nothing.
    public var receiverIncarnation: UInt64
    /// The sender's view: how many members it considers live (itself included) and a digest of
    /// their names, so a member that sees the cluster differently (a partition) shows up.
    public var view: MemberView

    public init(
        kind: Kind, sender: String, receiver: String, incarnation: UInt64, sequence: UInt64,
        receiverIncarnation: UInt64, view: MemberView
    ) {
        self.kind = kind
        self.sender = sender
        self.receiver = receiver
        self.incarnation = incarnation
        self.sequence = sequence
        self.receiverIncarnation = receiverIncarnation
        self.view = view
    }
}
