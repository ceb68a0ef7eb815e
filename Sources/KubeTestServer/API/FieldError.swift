/// One validation failure, in the shape of apimachinery's `field.Error`.
public struct FieldError: Sendable, Equatable {
    public enum ErrorType: Sendable, Equatable {
        case invalid, required, duplicate, forbidden, notSupported, tooLong, tooMany

        var reason: String {
            switch self {
            case .invalid: return "FieldValueInvalid"
            case .required: return "FieldValueRequired"
            case .duplicate: return "FieldValueDuplicate"
            case .forbidden: return "FieldValueForbidden"
            case .notSupported: return "FieldValueNotSupported"
            case .tooLong: return "FieldValueTooLong"
            case .tooMany: return "FieldValueTooMany"
            }
        }

        var label: String {
            switch self {
            case .invalid: return "Invalid value"
            case .required: return "Required value"
            case .duplicate: return "Duplicate value"
            case .forbidden: return "Forbidden"
            case .notSupported: return "Unsupported value"
            case .tooLong: return "Too long"
            case .tooMany: return "Too many"
            }
        }
    }

    public var type: ErrorType
    public var field: String
    /// The offending value as Go's `%#v`-ish rendering (`"foo"`, `0`), or nil when not shown.
    public var value: String?
    public var detail: String

    public init(_ type: ErrorType, _ field: String, value: String? = nil, _ detail: String) {
        self.type = type
        self.field = field
        self.value = value
        self.detail = detail
    }

    public static func invalid(_ field: String, _ value: JSONValue?, _ detail: String) -> FieldError {
        FieldError(.invalid, field, value: render(value), detail)
    }

    public static func required(_ field: String, _ detail: String = "") -> FieldError {
        FieldError(.required, field, detail)
    }

    public static func forbidden(_ field: String, _ detail: String) -> FieldError {
        FieldError(.forbidden, field, detail)
    }

    public static func duplicate(_ field: String, _ value: JSONValue?) -> FieldError {
        FieldError(.duplicate, field, value: render(value), "")
    }

    public static func notSupported(_ field: String, _ value: JSONValue?, _ supported: [String]) -> FieldError {
        let list = supported.map { "\"\($0)\"" }.joined(separator: ", ")
        return FieldError(.notSupported, field, value: render(value), "supported values: \(list)")
    }

    static func render(_ value: JSONValue?) -> String {
        guard let value else { return "null" }
        switch value {
        case .string(let s): return "\"\(s)\""
        case .null: return "null"
        default: return value.serialized()
        }
    }

    /// `Invalid value: "x": detail` — the message inside a cause.
    var causeMessage: String {
        var s = type.label
        if let value, type != .required, type != .forbidden { s += ": \(value)" }
        if !detail.isEmpty { s += ": \(detail)" }
        return s
    }

    /// `field: Invalid value: "x": detail` — the message inside the summary.
    var rendered: String { "\(field): \(causeMessage)" }
}
