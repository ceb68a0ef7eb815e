/// The per-IP part of an election: which IP, the rules its pool and Service impose.
public struct ElectionInput: Sendable, Hashable {
    /// The IP being announced.
    public var ip: IPAddress
    /// The pool the IP came from; only its `nodeSelectors` matter here.
    public var pool: AddressPool
    /// `spec.externalTrafficPolicy` of the Service (for a shared IP, all sharers have the same
    /// policy and selector, which the allocator enforces).
    public var trafficPolicy: ExternalTrafficPolicy
    /// Nodes that host at least one ready endpoint of the Service (from its EndpointSlices).
    /// Read only under `Local`: with `Cluster`, kube-proxy forwards from any node.
    public var nodesWithReadyEndpoints: Set<String>

    public init(
        ip: IPAddress, pool: AddressPool, trafficPolicy: ExternalTrafficPolicy = .cluster,
        nodesWithReadyEndpoints: Set<String> = []
    ) {
        self.ip = ip
        self.pool = pool
        self.trafficPolicy = trafficPolicy
        self.nodesWithReadyEndpoints = nodesWithReadyEndpoints
    }
}
