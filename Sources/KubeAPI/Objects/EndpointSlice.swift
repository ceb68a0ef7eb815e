/// discovery.k8s.io/v1 EndpointSlice. A Service's slices carry the label
/// `kubernetes.io/service-name=NAME` (`EndpointSlice.serviceNameLabel`).
public struct EndpointSlice: KubeObject, Hashable {
    public static let apiVersion = "discovery.k8s.io/v1"
    public static let kind = "EndpointSlice"
    public static let plural = "endpointslices"
    public static let isNamespaced = true
    /// The label that ties a slice to its Service.
    public static let serviceNameLabel = "kubernetes.io/service-name"

    public var metadata: ObjectMeta
    public var addressType: AddressType
    public var endpoints: [Endpoint]
    public var ports: [EndpointPort]
    public var extra: JSONObject

    public init(
        metadata: ObjectMeta = ObjectMeta(), addressType: AddressType = .ipv4, endpoints: [Endpoint] = [],
        ports: [EndpointPort] = []
    ) {
        self.metadata = metadata
        self.addressType = addressType
        self.endpoints = endpoints
        self.ports = ports
        self.extra = [:]
    }

    /// The name of the Service this slice belongs to, from its label.
    public var serviceName: String? { metadata.labels[Self.serviceNameLabel] }

    enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, metadata, addressType, endpoints, ports }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.value(.metadata, default: ObjectMeta())
        addressType = try c.value(.addressType, default: .ipv4)
        endpoints = try c.value(.endpoints, default: [])
        ports = try c.value(.ports, default: [])
        extra = try decoder.unknownFields(besides: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        try encoder.encodeTypeMeta(of: Self.self)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(addressType, forKey: .addressType)
        // `endpoints` is required (may be empty) by the API schema; `ports` may be absent.
        try c.encode(endpoints, forKey: .endpoints)
        try c.encodeNonEmpty(ports, forKey: .ports)
        try encoder.encodeUnknownFields(extra, besides: CodingKeys.self)
    }
}

/// One endpoint (usually a Pod) of an EndpointSlice.
public struct Endpoint: Sendable, Hashable, Codable {
    public var addresses: [String]
    public var conditions: EndpointConditions
    public var hostname: String?
    public var nodeName: String?
    public var zone: String?
    public var targetRef: ObjectReference?
    public var hints: JSONValue?

    public init(
        addresses: [String], conditions: EndpointConditions = EndpointConditions(), nodeName: String? = nil,
        targetRef: ObjectReference? = nil
    ) {
        self.addresses = addresses
        self.conditions = conditions
        self.nodeName = nodeName
        self.targetRef = targetRef
    }

    enum CodingKeys: String, CodingKey { case addresses, conditions, hostname, nodeName, zone, targetRef, hints }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        addresses = try c.value(.addresses, default: [])
        conditions = try c.value(.conditions, default: EndpointConditions())
        hostname = try c.optional(.hostname)
        nodeName = try c.optional(.nodeName)
        zone = try c.optional(.zone)
        targetRef = try c.optional(.targetRef)
        hints = try c.optional(.hints)
    }
}

/// `EndpointConditions`. A nil `ready` means unknown and is to be read as ready (API docs);
/// `isReady` applies that rule.
public struct EndpointConditions: Sendable, Hashable, Codable {
    public var ready: Bool?
    public var serving: Bool?
    public var terminating: Bool?

    public init(ready: Bool? = nil, serving: Bool? = nil, terminating: Bool? = nil) {
        self.ready = ready
        self.serving = serving
        self.terminating = terminating
    }

    /// `ready`, with nil read as true as the EndpointSlice API specifies.
    public var isReady: Bool { ready ?? true }
}

/// `EndpointPort`: all fields are optional in the API.
public struct EndpointPort: Sendable, Hashable, Codable {
    public var name: String?
    public var `protocol`: PortProtocol?
    public var port: Int?
    public var appProtocol: String?

    public init(name: String? = nil, protocol: PortProtocol? = nil, port: Int? = nil, appProtocol: String? = nil) {
        self.name = name
        self.protocol = `protocol`
        self.port = port
        self.appProtocol = appProtocol
    }
}
