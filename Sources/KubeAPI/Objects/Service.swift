/// core/v1 Service. Spec, status and the object itself keep unknown members in `extra`, so a
/// read-modify-write by a client older than the server erases nothing.
public struct Service: KubeObject, Hashable {
    public static let apiVersion = "v1"
    public static let kind = "Service"
    public static let plural = "services"
    public static let isNamespaced = true
    public static let hasStatusSubresource = true

    public var metadata: ObjectMeta
    public var spec: ServiceSpec
    public var status: ServiceStatus
    public var extra: JSONObject

    public init(metadata: ObjectMeta = ObjectMeta(), spec: ServiceSpec = ServiceSpec(), status: ServiceStatus = ServiceStatus()) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
        self.extra = [:]
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.value(.metadata, default: ObjectMeta())
        spec = try c.value(.spec, default: ServiceSpec())
        status = try c.value(.status, default: ServiceStatus())
        extra = try decoder.unknownFields(besides: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        try encoder.encodeTypeMeta(of: Self.self)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(spec, forKey: .spec)
        try c.encode(status, forKey: .status)
        try encoder.encodeUnknownFields(extra, besides: CodingKeys.self)
    }
}

/// `ServiceSpec`, with every field of Kubernetes 1.32 that IronLB reads; the rest stays in `extra`.
public struct ServiceSpec: Sendable, Hashable, Codable {
    public var type: ServiceType?
    public var ports: [ServicePort]
    public var selector: [String: String]
    public var clusterIP: String?
    public var clusterIPs: [String]
    public var externalIPs: [String]
    public var externalName: String?
    public var sessionAffinity: String?
    public var sessionAffinityConfig: JSONValue?
    /// Deprecated upstream but still the most common way to ask for a specific IP.
    public var loadBalancerIP: String?
    public var loadBalancerSourceRanges: [String]
    /// Only Services with no class, or IronLB's configured class, are IronLB's.
    public var loadBalancerClass: String?
    public var externalTrafficPolicy: TrafficPolicy?
    public var internalTrafficPolicy: TrafficPolicy?
    public var healthCheckNodePort: Int?
    public var publishNotReadyAddresses: Bool?
    public var ipFamilies: [IPFamily]
    public var ipFamilyPolicy: IPFamilyPolicy?
    public var allocateLoadBalancerNodePorts: Bool?
    public var trafficDistribution: String?
    public var extra: JSONObject

    public init(
        type: ServiceType? = nil, ports: [ServicePort] = [], selector: [String: String] = [:],
        loadBalancerIP: String? = nil, loadBalancerClass: String? = nil, externalTrafficPolicy: TrafficPolicy? = nil,
        ipFamilies: [IPFamily] = [], ipFamilyPolicy: IPFamilyPolicy? = nil
    ) {
        self.type = type
        self.ports = ports
        self.selector = selector
        self.clusterIPs = []
        self.externalIPs = []
        self.loadBalancerIP = loadBalancerIP
        self.loadBalancerSourceRanges = []
        self.loadBalancerClass = loadBalancerClass
        self.externalTrafficPolicy = externalTrafficPolicy
        self.ipFamilies = ipFamilies
        self.ipFamilyPolicy = ipFamilyPolicy
        self.extra = [:]
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, ports, selector, clusterIP, clusterIPs, externalIPs, externalName, sessionAffinity
        case sessionAffinityConfig, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass
        case externalTrafficPolicy, internalTrafficPolicy, healthCheckNodePort, publishNotReadyAddresses
        case ipFamilies, ipFamilyPolicy, allocateLoadBalancerNodePorts, trafficDistribution
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.optional(.type)
        ports = try c.value(.ports, default: [])
        selector = try c.value(.selector, default: [:])
        clusterIP = try c.optional(.clusterIP)
        clusterIPs = try c.value(.clusterIPs, default: [])
        externalIPs = try c.value(.externalIPs, default: [])
        externalName = try c.optional(.externalName)
        sessionAffinity = try c.optional(.sessionAffinity)
        sessionAffinityConfig = try c.optional(.sessionAffinityConfig)
        loadBalancerIP = try c.optional(.loadBalancerIP)
        loadBalancerSourceRanges = try c.value(.loadBalancerSourceRanges, default: [])
        loadBalancerClass = try c.optional(.loadBalancerClass)
        externalTrafficPolicy = try c.optional(.externalTrafficPolicy)
        internalTrafficPolicy = try c.optional(.internalTrafficPolicy)
        healthCheckNodePort = try c.optional(.healthCheckNodePort)
        publishNotReadyAddresses = try c.optional(.publishNotReadyAddresses)
        ipFamilies = try c.value(.ipFamilies, default: [])
        ipFamilyPolicy = try c.optional(.ipFamilyPolicy)
        allocateLoadBalancerNodePorts = try c.optional(.allocateLoadBalancerNodePorts)
        trafficDistribution = try c.optional(.trafficDistribution)
        extra = try decoder.unknownFields(besides: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(type, forKey: .type)
        try c.encodeNonEmpty(ports, forKey: .ports)
        try c.encodeNonEmpty(selector, forKey: .selector)
        try c.encodeIfPresent(clusterIP, forKey: .clusterIP)
        try c.encodeNonEmpty(clusterIPs, forKey: .clusterIPs)
        try c.encodeNonEmpty(externalIPs, forKey: .externalIPs)
        try c.encodeIfPresent(externalName, forKey: .externalName)
        try c.encodeIfPresent(sessionAffinity, forKey: .sessionAffinity)
        try c.encodeIfPresent(sessionAffinityConfig, forKey: .sessionAffinityConfig)
        try c.encodeIfPresent(loadBalancerIP, forKey: .loadBalancerIP)
        try c.encodeNonEmpty(loadBalancerSourceRanges, forKey: .loadBalancerSourceRanges)
        try c.encodeIfPresent(loadBalancerClass, forKey: .loadBalancerClass)
        try c.encodeIfPresent(externalTrafficPolicy, forKey: .externalTrafficPolicy)
        try c.encodeIfPresent(internalTrafficPolicy, forKey: .internalTrafficPolicy)
        try c.encodeIfPresent(healthCheckNodePort, forKey: .healthCheckNodePort)
        try c.encodeIfPresent(publishNotReadyAddresses, forKey: .publishNotReadyAddresses)
        try c.encodeNonEmpty(ipFamilies, forKey: .ipFamilies)
        try c.encodeIfPresent(ipFamilyPolicy, forKey: .ipFamilyPolicy)
        try c.encodeIfPresent(allocateLoadBalancerNodePorts, forKey: .allocateLoadBalancerNodePorts)
        try c.encodeIfPresent(trafficDistribution, forKey: .trafficDistribution)
        try encoder.encodeUnknownFields(extra, besides: CodingKeys.self)
    }
}

/// `ServicePort`.
public struct ServicePort: Sendable, Hashable, Codable {
    public var name: String?
    public var `protocol`: PortProtocol?
    public var appProtocol: String?
    public var port: Int
    /// A number or the name of a container port.
    public var targetPort: IntOrString?
    public var nodePort: Int?

    public init(
        name: String? = nil, protocol: PortProtocol? = nil, port: Int, targetPort: IntOrString? = nil,
        nodePort: Int? = nil, appProtocol: String? = nil
    ) {
        self.name = name
        self.protocol = `protocol`
        self.port = port
        self.targetPort = targetPort
        self.nodePort = nodePort
        self.appProtocol = appProtocol
    }

    enum CodingKeys: String, CodingKey { case name, `protocol`, appProtocol, port, targetPort, nodePort }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.optional(.name)
        `protocol` = try c.optional(.protocol)
        appProtocol = try c.optional(.appProtocol)
        port = try c.value(.port, default: 0)
        targetPort = try c.optional(.targetPort)
        nodePort = try c.optional(.nodePort)
    }
}

/// `ServiceStatus`.
public struct ServiceStatus: Sendable, Hashable, Codable {
    public var loadBalancer: LoadBalancerStatus
    public var conditions: [Condition]
    public var extra: JSONObject

    public init(loadBalancer: LoadBalancerStatus = LoadBalancerStatus(), conditions: [Condition] = []) {
        self.loadBalancer = loadBalancer
        self.conditions = conditions
        self.extra = [:]
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case loadBalancer, conditions }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        loadBalancer = try c.value(.loadBalancer, default: LoadBalancerStatus())
        conditions = try c.value(.conditions, default: [])
        extra = try decoder.unknownFields(besides: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        // Always present, as the API server writes it (`"status":{"loadBalancer":{}}`).
        try c.encode(loadBalancer, forKey: .loadBalancer)
        try c.encodeNonEmpty(conditions, forKey: .conditions)
        try encoder.encodeUnknownFields(extra, besides: CodingKeys.self)
    }
}

/// `LoadBalancerStatus`.
public struct LoadBalancerStatus: Sendable, Hashable, Codable {
    public var ingress: [LoadBalancerIngress]

    public init(ingress: [LoadBalancerIngress] = []) { self.ingress = ingress }

    enum CodingKeys: String, CodingKey { case ingress }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ingress = try c.value(.ingress, default: [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeNonEmpty(ingress, forKey: .ingress)
    }

    /// Whether both statuses announce the same addresses, ignoring order and the `ipMode: VIP` the
    /// API server (1.30+) fills in for every entry with an `ip`. Compare with this, not `==`, or a
    /// controller rewrites the status forever.
    public func isEquivalent(to other: LoadBalancerStatus) -> Bool {
        func normalized(_ status: LoadBalancerStatus) -> [LoadBalancerIngress] {
            status.ingress.map { entry in
                var entry = entry
                if entry.ip != nil, entry.ipMode == nil { entry.ipMode = .vip }
                entry.ports.sort { ($0.port, $0.protocol.rawValue) < ($1.port, $1.protocol.rawValue) }
                return entry
            }.sorted { ($0.ip ?? "", $0.hostname ?? "") < ($1.ip ?? "", $1.hostname ?? "") }
        }
        return normalized(self) == normalized(other)
    }
}

/// `LoadBalancerIngress`: one external address of a Service.
public struct LoadBalancerIngress: Sendable, Hashable, Codable {
    public var ip: String?
    public var hostname: String?
    public var ipMode: IPMode?
    public var ports: [PortStatus]

    public init(ip: String? = nil, hostname: String? = nil, ipMode: IPMode? = nil, ports: [PortStatus] = []) {
        self.ip = ip
        self.hostname = hostname
        self.ipMode = ipMode
        self.ports = ports
    }

    enum CodingKeys: String, CodingKey { case ip, hostname, ipMode, ports }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ip = try c.optional(.ip)
        hostname = try c.optional(.hostname)
        ipMode = try c.optional(.ipMode)
        ports = try c.value(.ports, default: [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(ip, forKey: .ip)
        try c.encodeIfPresent(hostname, forKey: .hostname)
        try c.encodeIfPresent(ipMode, forKey: .ipMode)
        try c.encodeNonEmpty(ports, forKey: .ports)
    }
}

/// `PortStatus` within a load-balancer ingress entry.
public struct PortStatus: Sendable, Hashable, Codable {
    public var port: Int
    public var `protocol`: PortProtocol
    public var error: String?

    public init(port: Int, protocol: PortProtocol = .tcp, error: String? = nil) {
        self.port = port
        self.protocol = `protocol`
        self.error = error
    }
}
