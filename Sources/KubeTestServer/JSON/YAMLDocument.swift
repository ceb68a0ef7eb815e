import Yams

/// Converts YAML request bodies (`application/yaml`, `application/apply-patch+yaml`) into ``JSONValue``.
///
/// Timestamps stay strings (sigs.k8s.io/yaml does the same); the YAML 1.1 booleans `yes`/`no`/`on`/
/// `off` are booleans, as go-yaml v2 reads them. Aliases are expanded with a node budget so that an
/// alias bomb is rejected instead of exhausting memory.
public enum YAMLDocument {
    /// Upper bound on expanded nodes; far above any real manifest.
    public static let maximumNodes = 200_000

    public struct ConversionError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    private static let resolver = Resolver.default.removing(.timestamp)

    public static func parse(_ text: String) throws(ConversionError) -> JSONValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text, resolver)
        } catch {
            throw ConversionError(description: "error converting YAML to JSON: \(error)")
        }
        guard let node else { return .null }
        var budget = maximumNodes
        return try convert(node, budget: &budget, depth: 0)
    }

    private static func convert(_ node: Node, budget: inout Int, depth: Int) throws(ConversionError) -> JSONValue {
        budget -= 1
        guard budget > 0 else { throw ConversionError(description: "error converting YAML to JSON: document too large") }
        guard depth < JSONParser.maximumDepth else {
            throw ConversionError(description: "error converting YAML to JSON: exceeded max depth")
        }
        switch node {
        case .scalar(let scalar):
            return convert(scalar: scalar, tag: node.tag)
        case .sequence(let sequence):
            var result: [JSONValue] = []
            for element in sequence { result.append(try convert(element, budget: &budget, depth: depth + 1)) }
            return .array(result)
        case .mapping(let mapping):
            var result: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ConversionError(description: "error converting YAML to JSON: non-scalar map key")
                }
                if key.tag.rawValue == Tag.Name.merge.rawValue {
                    if case .object(let merged) = try convert(value, budget: &budget, depth: depth + 1) {
                        for (k, v) in merged where result[k] == nil { result[k] = v }
                    }
                    continue
                }
                result[keyScalar.string] = try convert(value, budget: &budget, depth: depth + 1)
            }
            return .object(result)
        case .alias:
            throw ConversionError(description: "error converting YAML to JSON: unresolved alias")
        }
    }

    private static func convert(scalar: Node.Scalar, tag: Tag) -> JSONValue {
        let text = scalar.string
        switch Tag.Name(rawValue: tag.rawValue) {
        case .null:
            return .null
        case .bool:
            return .bool(["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"].contains(text))
        case .int:
            if let i = Node.scalar(scalar).int { return .number(Double(i)) }
            return .string(text)
        case .float:
            if let d = Node.scalar(scalar).float, d.isFinite { return .number(d) }
            return .string(text)
        default:
            return .string(text)
        }
    }
}
