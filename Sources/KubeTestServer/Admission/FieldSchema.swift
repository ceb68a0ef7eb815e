/// The typed shape of the kinds we serve, standing in for the Go structs the real server decodes into.
///
/// Decoding against it does what Go's typed decoding does: a value of the wrong JSON type is a 400,
/// a field the type does not have is dropped (and reported for `fieldValidation=Strict|Warn`), and a
/// `null` field reads as absent.
indirect enum FieldSchema: Sendable {
    case string, integer, boolean, number, intOrString, quantity, any
    case object([String: FieldSchema])
    case map(FieldSchema)
    case list(FieldSchema)

    /// Checks types only (throws the decode error); used before admission.
    static func check(_ object: JSONValue, type: ResourceType) throws(APIError) {
        var unknown: [String] = []
        _ = try decode(object, schema: schema(for: type), path: "", kind: type.kind, unknown: &unknown, type: type)
    }

    /// Returns the object with unknown fields and nulls removed, plus the unknown field paths.
    static func prune(_ object: JSONValue, type: ResourceType) throws(APIError) -> (JSONValue, [String]) {
        var unknown: [String] = []
        let result = try decode(object, schema: schema(for: type), path: "", kind: type.kind, unknown: &unknown, type: type)
        return (result, unknown)
    }

    private static func decode(_ value: JSONValue, schema: FieldSchema, path: String, kind: String,
                               unknown: inout [String], type: ResourceType) throws(APIError) -> JSONValue {
        func mismatch(_ goType: String) -> APIError {
            let field = path.isEmpty ? "" : " into Go struct field \(kind).\(path)"
            return ObjectShape.decodeError(type, "json: cannot unmarshal \(ObjectShape.goType(value))\(field) of type \(goType)")
        }
        if value.isNull { return value }
        switch schema {
        case .any:
            return value
        case .string:
            guard case .string = value else { throw mismatch("string") }
        case .boolean:
            guard case .bool = value else { throw mismatch("bool") }
        case .number:
            guard case .number = value else { throw mismatch("float64") }
        case .integer:
            guard case .number = value, value.intValue != nil else {
                if case .number(let n) = value {
                    throw ObjectShape.decodeError(type, "json: cannot unmarshal number \(n) into Go struct field \(kind).\(path) of type int32")
                }
                throw mismatch("int32")
            }
        case .intOrString:
            switch value {
            case .string: break
            case .number where value.intValue != nil: break
            default: throw mismatch("intstr.IntOrString")
            }
        case .quantity:
            switch value {
            case .string, .number: break
            default: throw mismatch("resource.Quantity")
            }
        case .list(let element):
            guard case .array(let items) = value else { throw mismatch("[]" + element.goName) }
            var out: [JSONValue] = []
            for item in items {
                out.append(try decode(item, schema: element, path: path, kind: kind, unknown: &unknown, type: type))
            }
            return .array(out)
        case .map(let element):
            guard case .object(let dict) = value else { throw mismatch("map[string]" + element.goName) }
            var out: [String: JSONValue] = [:]
            for (key, item) in dict {
                let decoded = try decode(item, schema: element, path: path, kind: kind, unknown: &unknown, type: type)
                // Go decodes a null map value as the zero value of the element type.
                out[key] = decoded.isNull ? element.zeroValue : decoded
            }
            return .object(out)
        case .object(let fields):
            guard case .object(let dict) = value else { throw mismatch("struct") }
            var out: [String: JSONValue] = [:]
            for (key, item) in dict {
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard let fieldSchema = fields[key] else {
                    unknown.append(child)
                    continue
                }
                let decoded = try decode(item, schema: fieldSchema, path: child, kind: kind, unknown: &unknown, type: type)
                if !decoded.isNull { out[key] = decoded }
            }
            return .object(out)
        }
        return value
    }

    var goName: String {
        switch self {
        case .string: return "string"
        case .integer: return "int32"
        case .boolean: return "bool"
        case .number: return "float64"
        case .intOrString: return "intstr.IntOrString"
        case .quantity: return "resource.Quantity"
        case .any: return "interface {}"
        case .object: return "struct"
        case .map(let e): return "map[string]" + e.goName
        case .list(let e): return "[]" + e.goName
        }
    }

    var zeroValue: JSONValue {
        switch self {
        case .string: return ""
        case .integer, .number: return 0
        case .boolean: return false
        default: return .null
        }
    }
}
