import Yams

/// A YAML node at a known path of the config, with typed reads that report what they cannot
/// read instead of throwing: the walk carries on, so one parse finds every error.
///
/// Scalars are read as Go's yaml.v2 (MetalLB v0.12's YAML library) read them into typed fields:
/// a string field takes any scalar's text; a bool is one of `true/false/yes/no/on/off/y/n` in
/// lower, Capitalized or UPPER case; an integer is a plain scalar in decimal, `0x` hex, `0o` or
/// leading-zero octal or `0b` binary, `_` separators allowed; null (`~`, `null`, empty) means the
/// key was not given. Quoted scalars are strings, never numbers or bools, as in yaml.v2.
struct ConfigNode {
    let node: Node
    let path: String
    let diagnostics: ConfigDiagnostics

    var line: Int? { node.mark?.line }

    // MARK: What the node is

    var scalar: Node.Scalar? {
        if case .scalar(let s) = node { return s }
        return nil
    }

    var isNull: Bool {
        guard let s = scalar, s.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// "a mapping", "a list", "null" or "a string" / "a number" / "true or false" for scalars.
    var kindName: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            if isNull { return "null" }
            if scalar?.style != .plain { return "a quoted string" }
            if plainBool != nil { return "a boolean" }
            if case .value = plainInteger { return "an integer" }
            return "a string"
        }
    }

    /// The scalar text, shortened for messages; nil for collections.
    var shownValue: String? { scalar.map { ConfigError.shortened($0.string) } }

    // MARK: Reporting

    /// Reports a problem with this node. `value` defaults to the node's own text.
    func report(_ expected: String, value: String?? = nil) {
        let shown: String? = value ?? shownValue
        diagnostics.add(ConfigError(path: path, value: shown, expected: expected, line: line))
    }

    /// Reports that this node is not of the type the schema wants.
    func reportType(_ wanted: String) {
        report("expected \(wanted), got \(kindName)", value: .some(shownValue))
    }

    func child(_ key: String, _ node: Node) -> ConfigNode {
        ConfigNode(node: node, path: ConfigNode.join(path, key), diagnostics: diagnostics)
    }

    func element(_ index: Int, _ node: Node) -> ConfigNode {
        ConfigNode(node: node, path: "\(path)[\(index)]", diagnostics: diagnostics)
    }

    /// `a.b`, or `a["kubernetes.io/hostname"]` when the key is not a plain word (letters,
    /// digits, `-`, `_`, not starting with `-`).
    static func join(_ path: String, _ key: String) -> String {
        let plain = key.utf8.first.map { $0 != UInt8(ascii: "-") } == true && key.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
        }
        if plain { return path.isEmpty ? key : "\(path).\(key)" }
        return "\(path)[\"\(ConfigError.escaped(ConfigError.shortened(key)))\"]"
    }

    // MARK: Collections

    /// The entries of a mapping whose keys come from a schema. Unknown keys are reported (with
    /// the allowed ones and a likely intended one); null reads as an empty mapping; anything
    /// else is reported and gives nil. YAML merge keys (`<<: *base`) are applied as yaml.v2 does:
    /// keys written in the mapping win over merged ones.
    func mapping(allowed: [String]) -> ConfigEntries? {
        guard let pairs = stringPairs() else { return nil }
        var entries = ConfigEntries(parent: self)
        for (key, keyNode, value) in pairs {
            guard allowed.contains(key) else {
                var message = "unknown key"
                if let guess = ConfigNode.closest(to: key, in: allowed) { message += " (did you mean \"\(guess)\"?)" }
                message += "; allowed keys here: " + allowed.joined(separator: ", ")
                diagnostics.add(ConfigError(
                    path: ConfigNode.join(path, key), value: ConfigError.shortened(key), expected: message,
                    line: keyNode.mark?.line))
                continue
            }
            entries.values[key] = child(key, value)
        }
        return entries
    }

    /// The entries of a mapping with free keys (`match-labels`, `bgp-communities`), in order.
    func stringPairs() -> [(key: String, keyNode: Node, value: Node)]? {
        if isNull { return [] }
        var out: [(String, Node, Node)] = []
        var seen = Set<String>()
        guard collectPairs(into: &out, seen: &seen, depth: 0) else { return nil }
        return out
    }

    private func collectPairs(into out: inout [(String, Node, Node)], seen: inout Set<String>, depth: Int) -> Bool {
        guard case .mapping(let mapping) = node else {
            reportType("a mapping")
            return false
        }
        guard diagnostics.spend(mapping.count + 1, line: line) else { return false }
        var merges: [ConfigNode] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                diagnostics.add(ConfigError(
                    path: path, value: nil,
                    expected: "mapping keys must be strings, got \(ConfigNode(node: keyNode, path: path, diagnostics: diagnostics).kindName)",
                    line: keyNode.mark?.line ?? line))
                continue
            }
            if key.string == "<<" && key.style == .plain {
                merges.append(child("<<", value))
                continue
            }
            if seen.insert(key.string).inserted { out.append((key.string, keyNode, value)) }
        }
        // Merged keys never override the mapping's own keys, nor those of earlier merges.
        for merge in merges {
            guard depth < 8 else {
                merge.report("merge keys (<<) nested more than 8 deep", value: .some(nil))
                return false
            }
            switch merge.node {
            case .mapping:
                _ = merge.collectPairs(into: &out, seen: &seen, depth: depth + 1)
            case .sequence(let list):
                for (i, item) in list.enumerated() {
                    let m = merge.element(i, item)
                    guard case .mapping = item else {
                        m.reportType("a mapping to merge")
                        continue
                    }
                    _ = m.collectPairs(into: &out, seen: &seen, depth: depth + 1)
                }
            default:
                merge.reportType("a mapping or a list of mappings to merge")
            }
        }
        return true
    }

    /// The items of a list; null reads as an empty list.
    func sequence() -> [ConfigNode]? {
        if isNull { return [] }
        guard case .sequence(let list) = node else {
            reportType("a list")
            return nil
        }
        guard diagnostics.spend(list.count + 1, line: line) else { return nil }
        return list.enumerated().map { element($0.offset, $0.element) }
    }

    // MARK: Scalars

    /// A scalar's text (any scalar, as yaml.v2 reads into a string field); nil for null.
    func string() -> String? {
        if isNull { return nil }
        guard let s = scalar else {
            reportType("a string")
            return nil
        }
        return s.string
    }

    /// A list of strings; null items are reported.
    func strings() -> [(String, ConfigNode)]? {
        guard let items = sequence() else { return nil }
        var out: [(String, ConfigNode)] = []
        for item in items {
            if item.isNull {
                item.reportType("a string")
                continue
            }
            if let s = item.string() { out.append((s, item)) }
        }
        return out
    }

    var plainBool: Bool? {
        guard let s = scalar, s.style == .plain else { return nil }
        switch s.string {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N": return false
        default: return nil
        }
    }

    func bool() -> Bool? {
        if isNull { return nil }
        guard let b = plainBool else {
            reportType("true or false")
            return nil
        }
        return b
    }

    enum IntegerRead: Equatable {
        case value(Int64)
        case outOfRange
        case notInteger
    }

    var plainInteger: IntegerRead {
        guard let s = scalar, s.style == .plain else { return .notInteger }
        return ConfigNode.readInteger(s.string)
    }

    /// An integer within `range`; `meaning` completes "must be ..." (e.g. "an AS number
    /// 1-4294967295").
    func integer(_ range: ClosedRange<Int64>, _ meaning: String) -> Int64? {
        if isNull { return nil }
        switch plainInteger {
        case .value(let v) where range.contains(v):
            return v
        case .value, .outOfRange:
            report("must be \(meaning)")
        case .notInteger:
            report("expected \(meaning), got \(kindName)")
        }
        return nil
    }

    /// Reads an integer as yaml.v2 resolves a plain scalar (Go's `strconv.ParseInt(s, 0, 64)`
    /// after removing `_`).
    static func readInteger(_ text: String) -> IntegerRead {
        var digits = Array(text.utf8.filter { $0 != UInt8(ascii: "_") })
        var negative = false
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            digits.removeFirst()
        }
        guard !digits.isEmpty else { return .notInteger }
        var radix: UInt64 = 10
        if digits.count > 1 && digits[0] == UInt8(ascii: "0") {
            switch digits[1] {
            case UInt8(ascii: "x"), UInt8(ascii: "X"): radix = 16; digits.removeFirst(2)
            case UInt8(ascii: "o"), UInt8(ascii: "O"): radix = 8; digits.removeFirst(2)
            case UInt8(ascii: "b"), UInt8(ascii: "B"): radix = 2; digits.removeFirst(2)
            default: radix = 8; digits.removeFirst()
            }
            if digits.isEmpty { return .notInteger }
        }
        var magnitude: UInt64 = 0
        var overflow = false
        for b in digits {
            let d: UInt64
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt64(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt64(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt64(b - UInt8(ascii: "A") + 10)
            default: return .notInteger
            }
            guard d < radix else { return .notInteger }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: radix)
            let (a, o2) = m.addingReportingOverflow(d)
            if o1 || o2 { overflow = true }
            magnitude = a
        }
        if overflow { return .outOfRange }
        if negative {
            if magnitude > UInt64(Int64.max) + 1 { return .outOfRange }
            return .value(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
        }
        if magnitude > UInt64(Int64.max) { return .outOfRange }
        return .value(Int64(magnitude))
    }

    // MARK: Suggestions

    /// The allowed key closest to a misspelt one (edit distance at most 2), if any.
    static func closest(to key: String, in allowed: [String]) -> String? {
        let k = Array(key.utf8.prefix(64))
        var best: (String, Int)?
        for candidate in allowed {
            let d = distance(k, Array(candidate.utf8))
            if d <= 2 && d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    private static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// The known keys of one mapping, read through `ConfigNode.mapping(allowed:)`.
struct ConfigEntries {
    let parent: ConfigNode
    var values: [String: ConfigNode] = [:]

    init(parent: ConfigNode) { self.parent = parent }

    /// The value of `key`; nil when absent or null (yaml.v2 leaves such a field unset).
    subscript(_ key: String) -> ConfigNode? {
        guard let v = values[key], !v.isNull else { return nil }
        return v
    }

    /// The value of a required key; reports it missing (at the key's path) when absent or null.
    func required(_ key: String, _ expected: String) -> ConfigNode? {
        if let v = self[key] { return v }
        parent.diagnostics.add(ConfigError(
            path: ConfigNode.join(parent.path, key), value: nil, expected: "missing: expected \(expected)",
            line: values[key]?.line ?? parent.line))
        return nil
    }
}
