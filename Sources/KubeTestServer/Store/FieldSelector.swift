/// A parsed field selector (`?fieldSelector=metadata.name=x,spec.type!=ClusterIP`).
///
/// Only the fields a kind declares selectable are accepted; anything else is the real server's
/// 400 `field label not supported: X`.
public struct FieldSelector: Sendable, Equatable {
    public struct Requirement: Sendable, Equatable {
        public var field: String
        public var negated: Bool
        public var value: String
    }

    public var requirements: [Requirement]

    public static let everything = FieldSelector(requirements: [])
    public var isEmpty: Bool { requirements.isEmpty }

    public init(requirements: [Requirement]) { self.requirements = requirements }

    /// Parses the selector and checks every field against `type`'s selectable fields.
    public static func parse(_ text: String, for type: ResourceType) throws(APIError) -> FieldSelector {
        var requirements: [Requirement] = []
        for term in splitTerms(text) where !term.isEmpty {
            guard let (field, op, rawValue) = splitOperator(term) else {
                throw APIError.badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            let value = unescape(rawValue)
            guard field == "metadata.name" || field == "metadata.namespace" || type.selectableFields[field] != nil else {
                throw APIError.badRequest("field label not supported: \(field)")
            }
            requirements.append(Requirement(field: field, negated: op == "!=", value: value))
        }
        return FieldSelector(requirements: requirements)
    }

    /// The single `metadata.name=X` value when the selector pins one name (watching one object).
    public var pinnedName: String? {
        requirements.first { $0.field == "metadata.name" && !$0.negated }?.value
    }

    public func matches(object: JSONValue, type: ResourceType) -> Bool {
        requirements.allSatisfy { requirement in
            let actual = Self.fieldValue(requirement.field, of: object, type: type)
            return (actual == requirement.value) != requirement.negated
        }
    }

    /// The value a field label reads, rendered as Go's `fmt.Sprint` would.
    static func fieldValue(_ field: String, of object: JSONValue, type: ResourceType) -> String {
        let path: [String]
        switch field {
        case "metadata.name": path = ["metadata", "name"]
        case "metadata.namespace": path = ["metadata", "namespace"]
        case "source" where type == .events:
            // Events match `source` on source.component, else reportingComponent (strategy.go).
            let component = object[path: ["source", "component"]]?.stringValue ?? ""
            return component.isEmpty ? (object["reportingComponent"]?.stringValue ?? "") : component
        default: path = type.selectableFields[field] ?? []
        }
        switch object[path: path] {
        case .string(let s)?: return s
        case .bool(let b)?: return b ? "true" : "false"
        case .number(let n)?: return JSONValue.format(number: n)
        case nil where field == "spec.unschedulable": return "false"
        default: return ""
        }
    }

    private static func splitTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var escaped = false
        for c in text {
            if escaped {
                current.append("\\")
                current.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "," {
                terms.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        if escaped { current.append("\\") }
        terms.append(current)
        return terms
    }

    private static func splitOperator(_ term: String) -> (String, String, String)? {
        let chars = Array(term)
        var i = 0
        while i < chars.count {
            if chars[i] == "\\" {
                i += 2
                continue
            }
            for op in ["!=", "==", "="] {
                let opChars = Array(op)
                if i + opChars.count <= chars.count, Array(chars[i..<(i + opChars.count)]) == opChars {
                    let field = String(chars[0..<i]).trimmingSpaces()
                    let value = String(chars[(i + opChars.count)...])
                    return (field, op, value)
                }
            }
            i += 1
        }
        return nil
    }

    private static func unescape(_ s: String) -> String {
        var out = ""
        var escaped = false
        for c in s {
            if escaped {
                out.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
