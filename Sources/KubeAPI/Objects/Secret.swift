import Foundation

/// core/v1 Secret (e.g. a BGP password or the membership shared secret).
public struct Secret: KubeObject, Hashable {
    public static let apiVersion = "v1"
    public static let kind = "Secret"
    public static let plural = "secrets"
    public static let isNamespaced = true

    public var metadata: ObjectMeta
    /// Values the API carries as base64, decoded to bytes.
    public var data: [String: [UInt8]]
    /// Write-only convenience: the server merges it into `data` and never returns it.
    public var stringData: [String: String]
    public var type: String?
    public var immutable: Bool?
    public var extra: JSONObject

    public init(
        metadata: ObjectMeta = ObjectMeta(), data: [String: [UInt8]] = [:], stringData: [String: String] = [:],
        type: String? = nil
    ) {
        self.metadata = metadata
        self.data = data
        self.stringData = stringData
        self.type = type
        self.extra = [:]
    }

    /// `data[key]` as UTF-8 text.
    public func string(_ key: String) -> String? {
        data[key].map { String(decoding: $0, as: UTF8.self) }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, metadata, data, stringData, type, immutable }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.value(.metadata, default: ObjectMeta())
        data = try c.base64Map(.data)
        stringData = try c.value(.stringData, default: [:])
        type = try c.optional(.type)
        immutable = try c.optional(.immutable)
        extra = try decoder.unknownFields(besides: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        try encoder.encodeTypeMeta(of: Self.self)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metadata, forKey: .metadata)
        try c.encodeBase64Map(data, forKey: .data)
        try c.encodeNonEmpty(stringData, forKey: .stringData)
        try c.encodeIfPresent(type, forKey: .type)
        try c.encodeIfPresent(immutable, forKey: .immutable)
        try encoder.encodeUnknownFields(extra, besides: CodingKeys.self)
    }
}
