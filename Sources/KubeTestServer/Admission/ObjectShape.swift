/// Structural checks that the real server's typed JSON decoding performs before anything else:
/// a field of the wrong JSON type is a 400 `cannot unmarshal`, not something stored as sent.
enum ObjectShape {
    static func check(_ object: JSONValue, type: ResourceType) throws(APIError) {
        guard case .object = object else {
            throw decodeError(type, "json: cannot unmarshal \(goType(object)) into Go value of type struct")
        }
        try FieldSchema.check(object, type: type)
    }

    static func decodeError(_ type: ResourceType, _ detail: String) -> APIError {
        APIError.badRequest("\(type.kind) in version \"\(type.version)\" cannot be handled as a \(type.kind): \(detail)")
    }

    static func goType(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
