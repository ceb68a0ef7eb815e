/// core/v1 Namespace (cluster-scoped).
public struct Namespace: KubeObject, Hashable {
    public static let apiVersion = "v1"
    public static let kind = "Namespace"
    public static let plural = "namespaces"
    public static let isNamespaced = false
    public static let hasStatusSubresource = true

    public var metadata: ObjectMeta
    /// `Active` or `Terminating`.
    public var phase: String?
    public var extra: JSONObject

    public init(metadata: ObjectMeta = ObjectMeta()) {
        self.metadata = metadata
        self.extra = [:]
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, metadata, status }
    enum StatusKeys: String, CodingKey { case phase }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.value(.metadata, default: ObjectMeta())
        if c.contains(.status), try !c.decodeNil(forKey: .status) {
            phase = try c.nestedContainer(keyedBy: StatusKeys.self, forKey: .status).optional(.phase)
        }
        extra = try decoder.unknownFields(besides: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        try encoder.encodeTypeMeta(of: Self.self)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metadata, forKey: .metadata)
        if let phase {
            var status = c.nestedContainer(keyedBy: StatusKeys.self, forKey: .status)
            try status.encode(phase, forKey: .phase)
        }
        try encoder.encodeUnknownFields(extra, besides: CodingKeys.self)
    }
}
