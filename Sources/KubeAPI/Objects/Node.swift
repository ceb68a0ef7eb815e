/// core/v1 Node (cluster-scoped). IronLB reads labels, `spec.unschedulable`, conditions
/// (`NetworkUnavailable`, `Ready`) and addresses.
public struct Node: KubeObject, Hashable {
    public static let apiVersion = "v1"
    public static let kind = "Node"
    public static let plural = "nodes"
    public static let isNamespaced = false
    public static let hasStatusSubresource = true

    public var metadata: ObjectMeta
    public var spec: NodeSpec
    public var status: NodeStatus
    public var extra: JSONObject

    public init(metadata: ObjectMeta = ObjectMeta(), spec: NodeSpec = NodeSpec(), status: NodeStatus = NodeStatus()) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
        self.extra = [:]
    }

    /// The condition of `type` (`Ready`, `NetworkUnavailable`, ...), if the node reports it.
    public func condition(_ type: String) -> NodeCondition? {
        status.conditions.first { $0.type == type }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.value(.metadata, default: ObjectMeta())
        spec = try c.value(.spec, default: NodeSpec())
        status = try c.value(.status, default: NodeStatus())
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

/// `NodeSpec`; unmodelled members stay in `extra`.
public struct NodeSpec: Sendable, Hashable, Codable {
    public var unschedulable: Bool?
    public var podCIDR: String?
    public var podCIDRs: [String]
    public var providerID: String?
    public var taints: [Taint]
    public var extra: JSONObject

    public init(unschedulable: Bool? = nil, taints: [Taint] = []) {
        self.unschedulable = unschedulable
        self.podCIDRs = []
        self.taints = taints
        self.extra = [:]
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case unschedulable, podCIDR, podCIDRs, providerID, taints }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        unschedulable = try c.optional(.unschedulable)
        podCIDR = try c.optional(.podCIDR)
        podCIDRs = try c.value(.podCIDRs, default: [])
        providerID = try c.optional(.providerID)
        taints = try c.value(.taints, default: [])
        extra = try decoder.unknownFields(besides: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(unschedulable, forKey: .unschedulable)
        try c.encodeIfPresent(podCIDR, forKey: .podCIDR)
        try c.encodeNonEmpty(podCIDRs, forKey: .podCIDRs)
        try c.encodeIfPresent(providerID, forKey: .providerID)
        try c.encodeNonEmpty(taints, forKey: .taints)
        try encoder.encodeUnknownFields(extra, besides: CodingKeys.self)
    }
}

/// A node taint.
public struct Taint: Sendable, Hashable, Codable {
    public var key: String
    public var value: String?
    public var effect: String
    public var timeAdded: KubeTime?

    public init(key: String, value: String? = nil, effect: String, timeAdded: KubeTime? = nil) {
        self.key = key
        self.value = value
        self.effect = effect
        self.timeAdded = timeAdded
    }
}

/// `NodeStatus`; capacity, nodeInfo, images and the rest stay in `extra`.
public struct NodeStatus: Sendable, Hashable, Codable {
    public var conditions: [NodeCondition]
    public var addresses: [NodeAddress]
    public var extra: JSONObject

    public init(conditions: [NodeCondition] = [], addresses: [NodeAddress] = []) {
        self.conditions = conditions
        self.addresses = addresses
        self.extra = [:]
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case conditions, addresses }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        conditions = try c.value(.conditions, default: [])
        addresses = try c.value(.addresses, default: [])
        extra = try decoder.unknownFields(besides: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeNonEmpty(conditions, forKey: .conditions)
        try c.encodeNonEmpty(addresses, forKey: .addresses)
        try encoder.encodeUnknownFields(extra, besides: CodingKeys.self)
    }
}

/// `NodeCondition`: `status` is `True`, `False` or `Unknown`.
public struct NodeCondition: Sendable, Hashable, Codable {
    public var type: String
    public var status: String
    public var reason: String?
    public var message: String?
    public var lastHeartbeatTime: KubeTime?
    public var lastTransitionTime: KubeTime?

    public init(
        type: String, status: String, reason: String? = nil, message: String? = nil,
        lastHeartbeatTime: KubeTime? = nil, lastTransitionTime: KubeTime? = nil
    ) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastHeartbeatTime = lastHeartbeatTime
        self.lastTransitionTime = lastTransitionTime
    }

    /// `status == "True"`.
    public var isTrue: Bool { status == "True" }
}

/// `NodeAddress`: `type` is `InternalIP`, `ExternalIP`, `Hostname`, ...
public struct NodeAddress: Sendable, Hashable, Codable {
    public var type: String
    public var address: String

    public init(type: String, address: String) {
        self.type = type
        self.address = address
    }
}
