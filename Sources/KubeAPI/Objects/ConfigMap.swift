/// core/v1 ConfigMap. IronLB's configuration lives under key `config` of `ironlb-system/config`.
public struct ConfigMap: KubeObject, Hashable {
    public static let apiVersion = "v1"
    public static let kind = "ConfigMap"
    public static let plural = "configmaps"
    public static let isNamespaced = true

    public var metadata: ObjectMeta
    public var data: [String: String]
    /// Values the API carries as base64, decoded to bytes.
    public var binaryData: [String: [UInt8]]
    public var immutable: Bool?
    public var extra: JSONObject

    public init(metadata: ObjectMeta = ObjectMeta(), data: [String: String] = [:], binaryData: [String: [UInt8]] = [:]) {
        self.metadata = metadata
        self.data = data
        self.binaryData = binaryData
        self.extra = [:]
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, metadata, data, binaryData, immutable }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.value(.metadata, default: ObjectMeta())
        data = try c.value(.data, default: [:])
        binaryData = try c.base64Map(.binaryData)
        immutable = try c.optional(.immutable)
        extra = try decoder.unknownFields(besides: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        try encoder.encodeTypeMeta(of: Self.self)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metadata, forKey: .metadata)
        try c.encodeNonEmpty(data, forKey: .data)
        try c.encodeBase64Map(binaryData, forKey: .binaryData)
        try c.encodeIfPresent(immutable, forKey: .immutable)
        try encoder.encodeUnknownFields(extra, besides: CodingKeys.self)
    }
}
