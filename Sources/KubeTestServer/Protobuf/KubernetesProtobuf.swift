import Foundation

/// Decodes request bodies in `application/vnd.kubernetes.protobuf`: the 4-byte magic `k8s\0`, a
/// `runtime.Unknown` envelope (typeMeta, raw), and the object's own message. kubectl's typed clients
/// (`kubectl create namespace|configmap|secret|service`, `kubectl expose`) write this way.
enum KubernetesProtobuf {
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]
    static let maximumDepth = 64

    static func decode(_ body: [UInt8], type: ResourceType) throws(APIError) -> JSONValue {
        guard let schema = ProtoSchema.schema(for: type) else {
            throw APIError(code: 415, reason: "UnsupportedMediaType",
                           message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
                           details: ["causes": [["message": "application/vnd.kubernetes.protobuf"]]])
        }
        do throws(ProtobufReader.Failure) {
            guard body.starts(with: magic) else { throw ProtobufReader.Failure(description: "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]") }
            var envelope = ProtobufReader(body.dropFirst(4))
            var apiVersion = "", kind = ""
            var raw: ArraySlice<UInt8> = []
            while !envelope.isAtEnd {
                switch try envelope.field() {
                case (1, .bytes(let typeMeta)):
                    var reader = ProtobufReader(typeMeta)
                    while !reader.isAtEnd {
                        if case (let n, .bytes(let text)) = try reader.field() {
                            if n == 1 { apiVersion = String(decoding: text, as: UTF8.self) }
                            if n == 2 { kind = String(decoding: text, as: UTF8.self) }
                        }
                    }
                case (2, .bytes(let bytes)):
                    raw = bytes
                default:
                    break
                }
            }
            var object = try decodeMessage(raw, schema: schema, depth: 0)
            if !apiVersion.isEmpty { object["apiVersion"] = .string(apiVersion) }
            if !kind.isEmpty { object["kind"] = .string(kind) }
            return object
        } catch {
            throw APIError.badRequest("\(type.kind) in version \"\(type.version)\" cannot be handled as a \(type.kind): \(error.description)")
        }
    }

    private static func decodeMessage(_ bytes: ArraySlice<UInt8>, schema: ProtoSchema, depth: Int) throws(ProtobufReader.Failure) -> JSONValue {
        guard depth < maximumDepth else { throw ProtobufReader.Failure(description: "message nested too deeply") }
        guard case .message(let fields) = schema else { return .null }
        var reader = ProtobufReader(bytes)
        var object: [String: JSONValue] = [:]
        while !reader.isAtEnd {
            let (number, value) = try reader.field()
            guard let (name, fieldSchema) = fields[number] else { continue }
            switch fieldSchema {
            case .repeated(let element):
                var list = object[name]?.arrayValue ?? []
                list.append(try decodeValue(value, schema: element, depth: depth + 1))
                object[name] = .array(list)
            case .map(let element):
                guard case .bytes(let entry) = value else { throw ProtobufReader.Failure(description: "map entry of \(name) is not a message") }
                var entryReader = ProtobufReader(entry)
                var key = ""
                var item: JSONValue = element == .bytes ? "" : .string("")
                while !entryReader.isAtEnd {
                    let (n, v) = try entryReader.field()
                    if n == 1, case .bytes(let k) = v { key = String(decoding: k, as: UTF8.self) }
                    if n == 2 { item = try decodeValue(v, schema: element, depth: depth + 1) }
                }
                var map = object[name]?.objectValue ?? [:]
                map[key] = item
                object[name] = .object(map)
            default:
                // Go writes every non-pointer scalar, zero or not; its JSON (omitempty) would not show
                // zeros, so they are dropped here, as is a zero Time (an unset timestamp).
                let decoded = try decodeValue(value, schema: fieldSchema, depth: depth + 1)
                if decoded == .string("") || decoded == .number(0) || decoded == .bool(false) || decoded.isNull { continue }
                object[name] = decoded
            }
        }
        return .object(object)
    }

    private static func decodeValue(_ value: ProtobufReader.Value, schema: ProtoSchema, depth: Int) throws(ProtobufReader.Failure) -> JSONValue {
        switch (schema, value) {
        case (.string, .bytes(let b)):
            return .string(String(decoding: b, as: UTF8.self))
        case (.bytes, .bytes(let b)):
            return .string(Data(b).base64EncodedString())
        case (.int, .varint(let v)):
            return .number(Double(Int64(bitPattern: v)))
        case (.bool, .varint(let v)):
            return .bool(v != 0)
        case (.message, .bytes(let b)):
            return try decodeMessage(b, schema: schema, depth: depth)
        case (.time, .bytes(let b)):
            var reader = ProtobufReader(b)
            var seconds: Int64 = 0
            while !reader.isAtEnd {
                if case (1, .varint(let v)) = try reader.field() { seconds = Int64(bitPattern: v) }
            }
            return seconds == 0 ? .null : .string(Timestamp.format(Date(timeIntervalSince1970: Double(seconds))))
        case (.intOrString, .bytes(let b)):
            var reader = ProtobufReader(b)
            var kind: UInt64 = 0, intValue: Int64 = 0, stringValue = ""
            while !reader.isAtEnd {
                switch try reader.field() {
                case (1, .varint(let v)): kind = v
                case (2, .varint(let v)): intValue = Int64(Int32(truncatingIfNeeded: v))
                case (3, .bytes(let s)): stringValue = String(decoding: s, as: UTF8.self)
                default: break
                }
            }
            return kind == 1 ? .string(stringValue) : .number(Double(intValue))
        default:
            throw ProtobufReader.Failure(description: "wrong wire type for a field")
        }
    }
}

extension ProtoSchema: Equatable {
    static func == (a: ProtoSchema, b: ProtoSchema) -> Bool {
        switch (a, b) {
        case (.string, .string), (.int, .int), (.bool, .bool), (.bytes, .bytes), (.time, .time), (.intOrString, .intOrString): return true
        default: return false
        }
    }
}
