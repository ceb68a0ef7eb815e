import KubeAPI
import LBCore

/// What the speaker needs to know about a Service: plain values copied out of the Kubernetes
/// object by `init(_:loadBalancerClass:)`, so the decision core (`SpeakerCore`) can be tested
/// without a cluster. The speaker never writes Services; it announces what the controller put in
/// `status.loadBalancer.ingress`.
public struct SpeakerService: Sendable, Hashable {
    /// `namespace/name`; the key every other input (EndpointSlices, events) is joined on.
    public var key: ServiceKey
    /// `metadata.uid`, so events and logs can tell a re-created Service from the old one.
    public var uid: String
    /// Whether IronLB handles this Service: `spec.type` is `LoadBalancer` and
    /// `spec.loadBalancerClass` is unset or equal to the class IronLB is configured with.
    /// Services that are not ours are never announced, even if their status holds an IP of one
    /// of our pools (another load balancer implementation owns them).
    public var isOurs: Bool
    /// The valid IPs of `status.loadBalancer.ingress`, in status order, without duplicates.
    public var ingressIPs: [IPAddress]
    /// Ingress entries that are not an IP address (a hostname, an invalid or empty `ip`), as
    /// they appear in the status: they cannot be announced and are skipped, but kept here so the
    /// runtime can log and count them instead of dropping them silently.
    public var unparsableIngress: [String]
    /// `spec.externalTrafficPolicy`; anything but `Local` (including unset) means `Cluster`, as
    /// the API server defaults it.
    public var externalTrafficPolicy: ExternalTrafficPolicy

    public init(
        key: ServiceKey, uid: String = "", isOurs: Bool = true, ingressIPs: [IPAddress] = [],
        unparsableIngress: [String] = [], externalTrafficPolicy: ExternalTrafficPolicy = .cluster
    ) {
        self.key = key
        self.uid = uid
        self.isOurs = isOurs
        self.ingressIPs = ingressIPs
        self.unparsableIngress = unparsableIngress
        self.externalTrafficPolicy = externalTrafficPolicy
    }

    /// Whether the status held entries the speaker had to skip.
    public var hasUnparsableIngress: Bool { !unparsableIngress.isEmpty }

    /// Copies what the speaker needs out of a Kubernetes `Service`.
    ///
    /// - Parameter loadBalancerClass: the `spec.loadBalancerClass` value IronLB answers to, or
    ///   nil when it is configured with none; a Service with no class is always ours.
    public init(_ svc: KubeAPI.Service, loadBalancerClass: String?) {
        var ips: [IPAddress] = []
        var seen: Set<IPAddress> = []
        var unparsable: [String] = []
        for entry in svc.status.loadBalancer.ingress {
            if let text = entry.ip, let ip = IPAddress(text) {
                if seen.insert(ip).inserted { ips.append(ip) }
            } else {
                unparsable.append(Self.describe(entry))
            }
        }
        let serviceClass = svc.spec.loadBalancerClass
        self.init(
            key: ServiceKey(namespace: svc.metadata.namespace ?? "default", name: svc.metadata.name),
            uid: svc.metadata.uid ?? "",
            isOurs: svc.spec.type == .loadBalancer && (serviceClass == nil || serviceClass == loadBalancerClass),
            ingressIPs: ips,
            unparsableIngress: unparsable,
            externalTrafficPolicy: svc.spec.externalTrafficPolicy == .local ? .local : .cluster)
    }

    /// An ingress entry as a user would recognise it in `kubectl get svc -o yaml`.
    static func describe(_ entry: LoadBalancerIngress) -> String {
        if let ip = entry.ip { return "ip \"\(ip)\"" }
        if let hostname = entry.hostname { return "hostname \"\(hostname)\"" }
        return "empty entry"
    }
}
