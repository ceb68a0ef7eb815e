/// coordination.k8s.io/v1 Lease: leader election for the controller and each speaker's published
/// state (in annotations). Unknown members are kept in `extra` on the object and its spec.
public struct Lease: KubeObject, Hashable {
    public static let apiVersion = "coordination.k8s.io/v1"
    public static let kind = "Lease"
    public static let plural = "leases"
    public static let isNamespaced = true

    public var metadata: ObjectMeta
    public var spec: LeaseSpec
    public var extra: JSONObject

    public init(metadata: ObjectMeta = ObjectMeta(), spec: LeaseSpec = LeaseSpec()) {
        self.metadata = metadata
        self.spec = spec
        self.extra = [:]
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, metadata, spec }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.value(.metadata, default: ObjectMeta())
        spec = try c.value(.spec, default: LeaseSpec())
        extra = try decoder.unknownFields(besides: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        try encoder.encodeTypeMeta(of: Self.self)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(spec, forKey: .spec)
        try encoder.encodeUnknownFields(extra, besides: CodingKeys.self)
    }
}

/// `LeaseSpec`. Times are MicroTime (`2026-06-14T10:00:00.000000Z`).
public struct LeaseSpec: Sendable, Hashable, Codable {
    /// Empty or nil when nobody holds the lease (after a graceful release).
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int?
    public var acquireTime: MicroTime?
    public var renewTime: MicroTime?
    public var leaseTransitions: Int?
    public var strategy: String?
    public var preferredHolder: String?
    public var extra: JSONObject

    public init(
        holderIdentity: String? = nil, leaseDurationSeconds: Int? = nil, acquireTime: MicroTime? = nil,
        renewTime: MicroTime? = nil, leaseTransitions: Int? = nil
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
        self.extra = [:]
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case holderIdentity, leaseDurationSeconds, acquireTime, renewTime, leaseTransitions, strategy, preferredHolder
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        holderIdentity = try c.optional(.holderIdentity)
        leaseDurationSeconds = try c.optional(.leaseDurationSeconds)
        acquireTime = try c.optional(.acquireTime)
        renewTime = try c.optional(.renewTime)
        leaseTransitions = try c.optional(.leaseTransitions)
        strategy = try c.optional(.strategy)
        preferredHolder = try c.optional(.preferredHolder)
        extra = try decoder.unknownFields(besides: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(holderIdentity, forKey: .holderIdentity)
        try c.encodeIfPresent(leaseDurationSeconds, forKey: .leaseDurationSeconds)
        try c.encodeIfPresent(acquireTime, forKey: .acquireTime)
        try c.encodeIfPresent(renewTime, forKey: .renewTime)
        try c.encodeIfPresent(leaseTransitions, forKey: .leaseTransitions)
        try c.encodeIfPresent(strategy, forKey: .strategy)
        try c.encodeIfPresent(preferredHolder, forKey: .preferredHolder)
        try encoder.encodeUnknownFields(extra, besides: CodingKeys.self)
    }
}
