/// Why a node does not announce an IP. Shown in logs and by `lbctl explain`, so each
/// `description` says what is wrong in the user's words and what to change.
public enum NotAnnouncingReason: Sendable, Hashable, CustomStringConvertible {
    /// The node's speaker is not a live member (not running, crashed, partitioned away, or left).
    case speakerNotLive
    /// The node's `NetworkUnavailable` condition is `True`.
    case networkUnavailable
    /// The node carries `node.kubernetes.io/exclude-from-external-load-balancers`.
    case excludedByLabel
    /// The node matches none of the pool's `node-selectors`; `selectorMismatch` names the first
    /// unmet requirement of each selector ("zone=a", "rack in (r1,r2)").
    case notSelectedByPool(pool: String, selectorMismatch: String)
    /// `externalTrafficPolicy: Local` and the node has no ready endpoint of the Service: traffic
    /// sent to it would be dropped by kube-proxy.
    case noReadyLocalEndpoint
    /// The node is eligible but another eligible node ranks first for this IP (layer2 only: one
    /// node answers ARP/NDP per IP).
    case notElected(winner: String)
    /// The node list names this node more than once, so its facts are ambiguous; it is left out
    /// rather than guessed about (a caller bug: Kubernetes node names are unique).
    case duplicateNodeName

    /// A short stable identifier, for metrics labels and machine-readable output.
    public var code: String {
        switch self {
        case .speakerNotLive: "speakerNotLive"
        case .networkUnavailable: "networkUnavailable"
        case .excludedByLabel: "excludedByLabel"
        case .notSelectedByPool: "notSelectedByPool"
        case .noReadyLocalEndpoint: "noReadyLocalEndpoint"
        case .notElected: "notElected"
        case .duplicateNodeName: "duplicateNodeName"
        }
    }

    public var description: String {
        switch self {
        case .speakerNotLive:
            "the IronLB speaker on this node is not a live member (not running, or not heard from within the "
                + "failure-detection window); check the speaker pod on this node and that UDP between speakers is open"
        case .networkUnavailable:
            "the node's NetworkUnavailable condition is True; fix the node's pod network (CNI) first"
        case .excludedByLabel:
            "the node is labelled \(Election.excludeLabel); remove the label to let it announce"
        case .notSelectedByPool(let pool, let mismatch):
            "the node matches none of the node-selectors of address pool \"\(pool)\" (unmet: \(mismatch)); "
                + "label the node or widen the pool's node-selectors"
        case .noReadyLocalEndpoint:
            "the Service has externalTrafficPolicy: Local and no ready endpoint on this node; run a ready pod "
                + "of the Service here, or use externalTrafficPolicy: Cluster"
        case .notElected(let winner):
            "node \(winner) ranks first for this IP and announces it (in layer2 mode one node announces each IP)"
        case .duplicateNodeName:
            "the node list names this node more than once, so it is left out; this is a bug, please report it"
        }
    }
}
