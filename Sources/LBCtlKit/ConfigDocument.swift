import LBCore
import Yams

/// A config text found in an input file, with where it came from.
struct ConfigDocument {
    /// `ConfigMap metallb-system/config`, or `config file` for a bare config.
    var label: String
    var text: String
    /// Add this to a line of `text` to get the line in the file; nil when they do not map
    /// (the config was a quoted or folded string rather than a literal `|` block).
    var lineOffset: Int?

    /// The config texts in a file: the `data.config` of every ConfigMap that has one (in
    /// documents of a multi-document file, or among the `items` of a `kind: List`), or the whole
    /// file when it is a bare config (a single document with neither `kind` nor `apiVersion`).
    static func find(in text: String) -> Result<[ConfigDocument], ConfigError> {
        if let problem = YAMLInputGuard.problem(in: text, maxBytes: InputReader.maxBytes) { return .failure(problem) }
        var roots: [Node] = []
        do {
            for root in try Yams.compose_all(yaml: text) { roots.append(root) }
        } catch {
            return .failure(ConfigParser.describeYAMLError(error))
        }
        let objects = roots.filter { !isNull($0) }
        if objects.isEmpty { return .success([ConfigDocument(label: "config file", text: text, lineOffset: 0)]) }

        let looksLikeObject = objects.map { root in
            guard case .mapping(let m) = root else { return false }
            return m["kind"] != nil || m["apiVersion"] != nil
        }
        if !looksLikeObject.contains(true) {
            guard objects.count == 1 else {
                return .failure(ConfigError(
                    path: "", value: nil,
                    expected: "found \(objects.count) YAML documents and no ConfigMap; a bare config file holds one document"))
            }
            return .success([ConfigDocument(label: "config file", text: text, lineOffset: 0)])
        }

        var found: [ConfigDocument] = []
        var without: [String] = []
        var kinds: [String] = []
        func visit(_ node: Node, depth: Int) {
            guard case .mapping(let m) = node else { return }
            let kind = m["kind"]?.string ?? ""
            if kind == "ConfigMap" {
                let label = "ConfigMap " + name(m)
                if case .mapping(let data)? = m["data"], case .scalar(let config)? = data["config"] {
                    let offset = config.style == .literal ? config.mark?.line : nil
                    found.append(ConfigDocument(label: label, text: config.string, lineOffset: offset))
                } else {
                    without.append(label)
                }
            } else if depth == 0, case .sequence(let items)? = m["items"] {
                for item in items { visit(item, depth: 1) }
            } else if !kind.isEmpty {
                kinds.append(kind)
            }
        }
        for root in objects { visit(root, depth: 0) }
        if found.isEmpty {
            var why = "no ConfigMap with a data.config key found"
            if !without.isEmpty { why += "; \(without.joined(separator: ", ")) has no data.config" }
            if !kinds.isEmpty { why += "; found kinds: \(kinds.joined(separator: ", "))" }
            return .failure(ConfigError(path: "", value: nil, expected: why))
        }
        return .success(found)
    }

    private static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// `namespace/name` from `metadata`, with `?` for what is missing.
    private static func name(_ object: Node.Mapping) -> String {
        guard case .mapping(let meta)? = object["metadata"] else { return "?" }
        let name = meta["name"]?.string ?? "?"
        if let ns = meta["namespace"]?.string { return "\(ns)/\(name)" }
        return name
    }
}
