import KubeAPI
import LBCore

/// Which nodes host a ready endpoint of each Service, read from EndpointSlices. Under
/// `externalTrafficPolicy: Local` only such nodes may announce the Service's IP: kube-proxy on
/// any other node drops the traffic instead of forwarding it.
public enum EndpointReadiness {
    /// Node names with at least one ready endpoint, per Service.
    ///
    /// - A slice belongs to the Service named by its `kubernetes.io/service-name` label, in the
    ///   slice's namespace; slices without the label (hand-made, mirrored) are skipped.
    /// - All slices of a Service combine (a large or dual-stack Service has several).
    /// - An endpoint is ready when `conditions.ready` is true or unset: the EndpointSlice API
    ///   says nil means "unknown" and consumers are to read it as ready.
    /// - Endpoints without `nodeName` cannot be placed on a node and are skipped, as are `FQDN`
    ///   slices (they name hosts outside the cluster, which kube-proxy ignores too).
    /// - Services with slices but no ready endpoint on any node are absent from the result,
    ///   which reads the same as "no slices at all".
    public static func readyNodes(from slices: [EndpointSlice]) -> [ServiceKey: Set<String>] {
        var result: [ServiceKey: Set<String>] = [:]
        for slice in slices where slice.addressType != .fqdn {
            guard let service = slice.serviceName, !service.isEmpty else { continue }
            let key = ServiceKey(namespace: slice.metadata.namespace ?? "default", name: service)
            for endpoint in slice.endpoints where endpoint.conditions.isReady {
                guard let node = endpoint.nodeName, !node.isEmpty else { continue }
                result[key, default: []].insert(node)
            }
        }
        return result
    }
}
