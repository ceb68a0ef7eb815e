import Foundation

/// `map[string][]byte` members (ConfigMap `binaryData`, Secret `data`): base64 on the wire, bytes here.
extension KeyedDecodingContainer {
    /// A `map[string][]byte`: base64 strings decoded to bytes; invalid base64 is an error naming the key.
    func base64Map(_ key: Key) throws -> [String: [UInt8]] {
        let encoded: [String: String] = try value(key, default: [:])
        var decoded: [String: [UInt8]] = [:]
        for (name, text) in encoded {
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: self, debugDescription: "\(key.stringValue)[\(name)] is not valid base64")
            }
            decoded[name] = Array(data)
        }
        return decoded
    }
}

extension KeyedEncodingContainer {
    mutating func encodeBase64Map(_ map: [String: [UInt8]], forKey key: Key) throws {
        try encodeNonEmpty(map.mapValues { Data($0).base64EncodedString() }, forKey: key)
    }
}
