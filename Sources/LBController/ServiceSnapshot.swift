import LBCore

/// What the controller's decision core needs to know about a Service: plain values, copied out
/// of the Kubernetes object by the glue, so the core can be tested without a cluster.
public struct ServiceSnapshot: Hashable, Sendable {
    public var key: ServiceKey
    public var uid: String
    /// `spec.type == LoadBalancer`.
    public var isLoadBalancer: Bool
    public var loadBalancerClass: String?
    public var annotations: [String: String]
    public var loadBalancerIP: String?
    public var ports: [ServicePort]
    public var externalTrafficPolicy: ExternalTrafficPolicy
    public var selector: [String: String]
    public var ipFamilies: [IPFamily]
    public var ipFamilyPolicy: IPFamilyPolicy?
    /// The valid IPs in `status.loadBalancer.ingress`, as the API server has them now.
    public var statusIPs: [IPAddress]
    /// True when the status holds something IronLB would not write (a hostname, an invalid IP,
    /// ports): the status must be rewritten even if the IPs are right.
    public var statusHasForeignEntries: Bool

    public init(
        key: ServiceKey, uid: String = "", isLoadBalancer: Bool = true, loadBalancerClass: String? = nil,
        annotations: [String: String] = [:], loadBalancerIP: String? = nil, ports: [ServicePort] = [ServicePort(80)],
        externalTrafficPolicy: ExternalTrafficPolicy = .cluster, selector: [String: String] = [:],
        ipFamilies: [IPFamily] = [.ipv4], ipFamilyPolicy: IPFamilyPolicy? = nil, statusIPs: [IPAddress] = [],
        statusHasForeignEntries: Bool = false
    ) {
        self.key = key
        self.uid = uid
        self.isLoadBalancer = isLoadBalancer
        self.loadBalancerClass = loadBalancerClass
        self.annotations = annotations
        self.loadBalancerIP = loadBalancerIP
        self.ports = ports
        self.externalTrafficPolicy = externalTrafficPolicy
        self.selector = selector
        self.ipFamilies = ipFamilies
        self.ipFamilyPolicy = ipFamilyPolicy
        self.statusIPs = statusIPs
        self.statusHasForeignEntries = statusHasForeignEntries
    }

    /// The pool IronLB recorded when it assigned the current IPs (`ironlb.dev/assigned-pool`).
    /// Its presence also marks the status as IronLB's own, so it may clear it later.
    public var recordedPool: String? { annotations[ServiceAnnotations.assignedPool] }

    /// The allocator's view of this Service.
    public func request() -> Result<ServiceRequest, AllocationError> {
        ServiceRequest.from(
            namespace: key.namespace, name: key.name, annotations: annotations, loadBalancerIP: loadBalancerIP,
            ports: ports, externalTrafficPolicy: externalTrafficPolicy, selector: selector, ipFamilies: ipFamilies,
            ipFamilyPolicy: ipFamilyPolicy)
    }
}

/// A Kubernetes Event the controller wants recorded on a Service or on the ConfigMap.
public struct ControllerEvent: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case normal = "Normal", warning = "Warning" }
    public var kind: Kind
    /// CamelCase reason, e.g. `IPAllocated`, `AllocationFailed`.
    public var reason: String
    public var message: String

    public init(_ kind: Kind, _ reason: String, _ message: String) {
        self.kind = kind
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(kind.rawValue) \(reason): \(message)" }
}

/// What to do about one Service. The glue writes only what differs from the object.
public struct ServiceDecision: Hashable, Sendable {
    public enum StatusChange: Hashable, Sendable {
        /// Leave `status.loadBalancer` as it is.
        case keep
        /// Set `status.loadBalancer.ingress` to exactly these IPs (each with `ipMode: VIP`); an
        /// empty list clears it.
        case set([IPAddress])
    }

    public var key: ServiceKey
    public var status: StatusChange
    /// `.some(nil)` removes the `ironlb.dev/assigned-pool` annotation; nil leaves it.
    public var poolAnnotation: String??
    public var events: [ControllerEvent]

    public init(key: ServiceKey, status: StatusChange = .keep, poolAnnotation: String?? = nil, events: [ControllerEvent] = []) {
        self.key = key
        self.status = status
        self.poolAnnotation = poolAnnotation
        self.events = events
    }

    /// True when nothing needs writing.
    public var isNoop: Bool { status == .keep && poolAnnotation == nil && events.isEmpty }
}
