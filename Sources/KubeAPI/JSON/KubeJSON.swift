import Foundation

/// The JSON encoding used on the wire: keys sorted (stable bodies, readable diffs in tests), slashes
/// unescaped, bytes as base64 (what the API server uses for `[]byte` fields).
public enum KubeJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}

/// A coding key for JSON members whose names are only known at run time.
struct AnyCodingKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { self.stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// The members of the current JSON object whose names are not among `known`' raw values: kept
    /// by models that are written back (Service, Lease, ...) so that fields IronLB does not model
    /// survive a read-modify-write.
    func unknownFields<Known: CodingKey & CaseIterable>(besides known: Known.Type) throws -> JSONObject {
        // `Known(stringValue:)` is the synthesized switch over the names: no set is built per
        // object (that was a tenth of a watch's decoding time for Services).
        let container = try self.container(keyedBy: AnyCodingKey.self)
        var extra: JSONObject = [:]
        for key in container.allKeys where Known(stringValue: key.stringValue) == nil {
            extra[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
        }
        return extra
    }
}

extension Encoder {
    /// Writes members kept by `unknownFields(besides:)` next to the modelled ones. A member the
    /// model also writes is skipped: the model wins.
    func encodeUnknownFields<Known: CodingKey & CaseIterable>(_ extra: JSONObject, besides known: Known.Type) throws {
        guard !extra.isEmpty else { return }
        let knownNames = Set(Known.allCases.map(\.stringValue))
        var container = self.container(keyedBy: AnyCodingKey.self)
        for (name, value) in extra where !knownNames.contains(name) {
            try container.encode(value, forKey: AnyCodingKey(name))
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes an optional member, treating JSON `null` as absent.
    func optional<T: Decodable>(_ key: Key) throws -> T? {
        try decodeIfPresent(T.self, forKey: key)
    }

    /// Decodes a member that defaults when absent or null (Go's zero values: empty maps and lists).
    func value<T: Decodable>(_ key: Key, default defaultValue: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? defaultValue()
    }
}

extension KeyedEncodingContainer {
    /// Writes a collection only when it is non-empty, like Go's `omitempty`.
    mutating func encodeNonEmpty<T: Encodable & Collection>(_ value: T, forKey key: Key) throws {
        if !value.isEmpty { try encode(value, forKey: key) }
    }
}
