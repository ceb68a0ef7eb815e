/// What `lbctl explain svc/NAMESPACE/NAME` shows: why a Service has or lacks its IPs (the
/// controller's side), who announces each IP and why every other node does not (the speakers'
/// side, from the states they publish), and what to change for each problem found. Built by
/// `ExplainReport.build`, a pure function of a `ClusterSnapshot`; `Codable` for `-o json|yaml`,
/// in output order, the verdict first.
public struct ExplainReport: Sendable, Hashable, Codable {
    /// `namespace/name`.
    public var service: String
    /// One line: "192.0.2.1 announced by node-a (layer2, pool default)", "pending: ...".
    public var verdict: String
    /// No problem found.
    public var healthy: Bool
    public var state: State
    /// The IPs in `status.loadBalancer.ingress`.
    public var ips: [String]
    public var controller: ControllerView
    /// One entry per IP, in the order of `ips`.
    public var addresses: [AddressView]
    /// Each problem found and what to change; empty when healthy.
    public var problems: [Problem]

    public enum State: String, Sendable, Hashable, Codable {
        /// IronLB assigned IPs.
        case served
        /// IronLB should serve it but it has no IP.
        case pending
        /// Not IronLB's: not of type LoadBalancer, or another `loadBalancerClass`.
        case notHandled
    }

    /// The controller's side: what the Service asks for and what IronLB made of it.
    public struct ControllerView: Sendable, Hashable, Codable {
        /// `spec.type`.
        public var type: String
        /// `spec.loadBalancerClass`, when set.
        public var loadBalancerClass: String?
        /// The pool the IPs came from, nil when pending.
        public var pool: String?
        /// Where `pool` was read: `ironlb.dev/assigned-pool` annotation, or the configured pool
        /// holding the IP.
        public var poolSource: String?
        /// The pool asked for with the `address-pool` annotation.
        public var requestedPool: String?
        /// The IPs asked for (`loadBalancerIPs` annotation, else `spec.loadBalancerIP`).
        public var requestedIPs: [String]
        /// The `allow-shared-ip` sharing key.
        public var sharingKey: String?
        /// `Cluster` or `Local`: with `Local`, only nodes with a ready endpoint may announce.
        public var externalTrafficPolicy: String
        /// The config's state: `loaded`, `missing`, `invalid`.
        public var config: String
        /// Why it has no IP: the controller's latest `AllocationFailed` event, else what the
        /// allocator answers for it now. Nil when served.
        public var pendingReason: String?
        /// The latest events about the Service, newest first (`Warning AllocationFailed: ...`).
        public var events: [String]
    }

    /// One IP and what every speaker says about it.
    public struct AddressView: Sendable, Hashable, Codable {
        public var ip: String
        public var pool: String?
        /// `layer2` or `bgp`.
        public var mode: String?
        /// BGP: the prefix advertised for it.
        public var prefix: String?
        /// Live nodes that announce (layer 2) or advertise (BGP) it.
        public var announcedBy: [String]
        /// Layer 2: live speakers disagree on the owner, or more than one announces it.
        public var splitView: Bool
        /// Every speaker with a Lease, sorted by node.
        public var nodes: [NodeView]
    }

    /// One node's view of one IP.
    public struct NodeView: Sendable, Hashable, Codable {
        public var node: String
        /// Its speaker renewed its Lease within the lease duration.
        public var live: Bool
        /// Whether its state says it announces the IP; nil when it does not list the IP.
        public var announces: Bool?
        /// Layer 2: the owner this speaker computes.
        public var owner: String?
        /// Layer 2: the interfaces it answers on.
        public var interfaces: [String]
        /// BGP: the peers it advertises the prefix to.
        public var peers: [String]?
        /// Why it does not announce (or, for BGP, why its advertisement reaches no router), most
        /// basic first; empty when it announces without trouble.
        public var reasons: [Reason]
    }

    /// A reason in the speakers' terms: a stable `code` and a message that says what to change.
    public struct Reason: Sendable, Hashable, Codable {
        public var code: String
        public var message: String
    }

    /// Something wrong, and the concrete change that fixes it.
    public struct Problem: Sendable, Hashable, Codable {
        public var problem: String
        public var fix: String
    }
}
