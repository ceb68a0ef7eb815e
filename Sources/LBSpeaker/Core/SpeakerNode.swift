import KubeAPI
import LBCore

/// What the speaker needs to know about a Node from the API server: its name, labels and whether
/// its network is up. Whether its speaker is alive is not here: that comes from the membership
/// protocol, and `facts(speakerLive:)` joins the two into the election's `NodeFacts`.
public struct SpeakerNode: Sendable, Hashable {
    /// The Node condition type whose `True` status keeps a node from announcing.
    public static let networkUnavailableCondition = "NetworkUnavailable"

    /// `metadata.name`, the key of the election and of the membership.
    public var name: String
    /// `metadata.labels`, matched against pool node-selectors and the exclusion label.
    public var labels: [String: String]
    /// The `NetworkUnavailable` condition is present with status `True`. `False`, `Unknown` and
    /// an absent condition count as available: most CNIs never set the condition at all.
    public var networkUnavailable: Bool

    public init(name: String, labels: [String: String] = [:], networkUnavailable: Bool = false) {
        self.name = name
        self.labels = labels
        self.networkUnavailable = networkUnavailable
    }

    /// Copies what the speaker needs out of a Kubernetes `Node`.
    public init(_ node: KubeAPI.Node) {
        self.init(
            name: node.metadata.name,
            labels: node.metadata.labels,
            networkUnavailable: node.condition(Self.networkUnavailableCondition)?.isTrue ?? false)
    }

    /// The election's view of this node, with liveness from the membership protocol.
    public func facts(speakerLive: Bool) -> NodeFacts {
        NodeFacts(name: name, labels: labels, networkUnavailable: networkUnavailable, speakerLive: speakerLive)
    }
}

extension NodeFacts {
    /// The election's view of a Kubernetes `Node`; `speakerLive` comes from the membership
    /// protocol and has no default, as in `NodeFacts.init`.
    public init(_ node: KubeAPI.Node, speakerLive: Bool) {
        self = SpeakerNode(node).facts(speakerLive: speakerLive)
    }
}
