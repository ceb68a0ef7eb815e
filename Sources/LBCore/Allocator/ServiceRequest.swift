/// Identifies a Service: `namespace/name`.
public struct ServiceKey: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }

    public static func < (a: ServiceKey, b: ServiceKey) -> Bool {
        (a.namespace, a.name) < (b.namespace, b.name)
    }
}

/// A Service port's transport protocol.
public enum PortProtocol: String, Sendable, Hashable, Codable, CaseIterable {
    case tcp = "TCP"
    case udp = "UDP"
    case sctp = "SCTP"
}

/// One (port, protocol) a Service exposes. Two Services can share an IP only if no pair of
/// theirs is equal.
public struct ServicePort: Hashable, Sendable, Codable, CustomStringConvertible {
    public var port: Int
    public var `protocol`: PortProtocol

    public init(_ port: Int, _ protocol: PortProtocol = .tcp) {
        self.port = port
        self.protocol = `protocol`
    }

    public var description: String { "\(port)/\(`protocol`.rawValue)" }
}

/// `spec.externalTrafficPolicy`.
public enum ExternalTrafficPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case cluster = "Cluster"
    case local = "Local"
}

/// `spec.ipFamilyPolicy`.
public enum IPFamilyPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case singleStack = "SingleStack"
    case preferDualStack = "PreferDualStack"
    case requireDualStack = "RequireDualStack"
}

/// The annotation names IronLB reads on a Service. MetalLB's names (both its old
/// `metallb.universe.tf/` and newer `metallb.io/` prefixes) are honoured so that Services keep
/// working unchanged after a migration; IronLB's own live under `ironlb.dev/`.
public enum ServiceAnnotations {
    public static let prefixes = ["ironlb.dev/", "metallb.io/", "metallb.universe.tf/"]
    /// Which pool to take the address from.
    public static let addressPool = "address-pool"
    /// Comma-separated IPs to use (at most one per family).
    public static let loadBalancerIPs = "loadBalancerIPs"
    /// Sharing key: Services with the same key may share an IP (see `SharingRules`).
    public static let allowSharedIP = "allow-shared-ip"
    /// Written by the controller: the pool the Service's IPs came from.
    public static let assignedPool = "ironlb.dev/assigned-pool"

    /// The value of an annotation under any of the three prefixes. If more than one prefix is
    /// set they must agree; otherwise the result names the conflict.
    public static func value(_ suffix: String, in annotations: [String: String]) -> Result<String?, AllocationError> {
        var found: [(String, String)] = []
        for p in prefixes {
            if let v = annotations[p + suffix] { found.append((p + suffix, v)) }
        }
        guard let first = found.first else { return .success(nil) }
        for (k, v) in found.dropFirst() where v != first.1 {
            return .failure(
                .invalidRequest(
                    "annotations \(first.0)=\"\(first.1)\" and \(k)=\"\(v)\" disagree; set only one of them"))
        }
        return .success(first.1)
    }
}

/// Everything the allocator needs to know about a Service: a plain value, no Kubernetes types.
public struct ServiceRequest: Hashable, Sendable {
    public var key: ServiceKey
    /// IPs the Service asks for (`spec.loadBalancerIP` or the `loadBalancerIPs` annotation), at
    /// most one per family. Empty: any address.
    public var requestedIPs: [IPAddress]
    /// Pool named by the `address-pool` annotation, if any.
    public var pool: String?
    /// Sharing key from the `allow-shared-ip` annotation, if any.
    public var sharingKey: String?
    public var ports: [ServicePort]
    public var externalTrafficPolicy: ExternalTrafficPolicy
    /// `spec.selector`: under `Local`, Services sharing an IP must select the same pods, or
    /// traffic would reach a node with endpoints of one Service but not the other.
    public var selector: [String: String]
    /// `spec.ipFamilies`, in order (the first is the primary family). Empty means any one family.
    public var ipFamilies: [IPFamily]
    public var ipFamilyPolicy: IPFamilyPolicy?

    public init(
        key: ServiceKey, requestedIPs: [IPAddress] = [], pool: String? = nil, sharingKey: String? = nil,
        ports: [ServicePort] = [], externalTrafficPolicy: ExternalTrafficPolicy = .cluster,
        selector: [String: String] = [:], ipFamilies: [IPFamily] = [], ipFamilyPolicy: IPFamilyPolicy? = nil
    ) {
        self.key = key
        self.requestedIPs = requestedIPs
        self.pool = pool
        self.sharingKey = sharingKey
        self.ports = ports
        self.externalTrafficPolicy = externalTrafficPolicy
        self.selector = selector
        self.ipFamilies = ipFamilies
        self.ipFamilyPolicy = ipFamilyPolicy
    }

    /// Builds a request from a Service's fields and annotations, refusing what makes no sense
    /// (unparsable IPs, both `spec.loadBalancerIP` and the annotation, two IPs of one family).
    public static func from(
        namespace: String, name: String, annotations: [String: String], loadBalancerIP: String?,
        ports: [ServicePort], externalTrafficPolicy: ExternalTrafficPolicy, selector: [String: String],
        ipFamilies: [IPFamily], ipFamilyPolicy: IPFamilyPolicy?
    ) -> Result<ServiceRequest, AllocationError> {
        let key = ServiceKey(namespace: namespace, name: name)
        let pool: String?
        let sharing: String?
        let ipsText: String?
        switch ServiceAnnotations.value(ServiceAnnotations.addressPool, in: annotations) {
        case .success(let v): pool = v
        case .failure(let e): return .failure(e)
        }
        switch ServiceAnnotations.value(ServiceAnnotations.allowSharedIP, in: annotations) {
        case .success(let v): sharing = v
        case .failure(let e): return .failure(e)
        }
        switch ServiceAnnotations.value(ServiceAnnotations.loadBalancerIPs, in: annotations) {
        case .success(let v): ipsText = v
        case .failure(let e): return .failure(e)
        }
        if let p = pool, p.isEmpty {
            return .failure(.invalidRequest("the address-pool annotation is empty; name a pool or remove it"))
        }
        var requested: [IPAddress] = []
        let specIP = loadBalancerIP.flatMap { $0.isEmpty ? nil : $0 }
        if let specIP, ipsText != nil {
            return .failure(
                .invalidRequest(
                    "spec.loadBalancerIP (\(specIP)) and the loadBalancerIPs annotation are both set; use only the annotation"
                ))
        }
        let texts: [Substring] =
            if let ipsText { ipsText.split(separator: ",", omittingEmptySubsequences: false) } else if let specIP {
                [Substring(specIP)]
            } else { [] }
        for t in texts {
            let s = String(t.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
            do {
                requested.append(try IPAddress.parse(s))
            } catch {
                return .failure(.invalidRequest("requested IP \(error.description) is not a valid IP address"))
            }
        }
        if requested.count > 2 || Set(requested.map(\.family)).count != requested.count {
            return .failure(
                .invalidRequest(
                    "requested IPs \(requested.map(\.description).joined(separator: ",")) must be at most one IPv4 and one IPv6 address"
                ))
        }
        return .success(
            ServiceRequest(
                key: key, requestedIPs: requested.sorted(), pool: pool, sharingKey: sharing.flatMap { $0.isEmpty ? nil : $0 },
                ports: ports, externalTrafficPolicy: externalTrafficPolicy, selector: selector,
                ipFamilies: ipFamilies, ipFamilyPolicy: ipFamilyPolicy))
    }
}
