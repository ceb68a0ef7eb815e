/// What the election needs to know about one node: plain values gathered by the speaker from the
/// Node object and the membership protocol, so the election itself stays a pure function.
public struct NodeFacts: Sendable, Hashable {
    /// The Kubernetes node name (unique in a cluster; the election keys everything by it).
    public var name: String
    /// The node's labels, matched against the pool's `node-selectors` and the exclusion label.
    public var labels: [String: String]
    /// The node's `NetworkUnavailable` condition is `True` (its CNI has not set up the network),
    /// so traffic delivered to it would go nowhere.
    public var networkUnavailable: Bool
    /// The IronLB speaker on this node is a live member of the membership protocol. A node
    /// without a live speaker cannot answer ARP/NDP or keep a BGP session, so it must not win.
    public var speakerLive: Bool

    /// `speakerLive` has no default: forgetting to pass the membership's answer must not make a
    /// dead node electable.
    public init(name: String, labels: [String: String] = [:], networkUnavailable: Bool = false, speakerLive: Bool) {
        self.name = name
        self.labels = labels
        self.networkUnavailable = networkUnavailable
        self.speakerLive = speakerLive
    }
}
