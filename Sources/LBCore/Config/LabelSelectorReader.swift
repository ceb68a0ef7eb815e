/// Reads `node-selectors` (MetalLB's peers', and IronLB's pools'): a list of selectors, each
/// with `match-labels` (a map of label key to value) and `match-expressions` (a list of
/// `{key, operator, values}`), checked with Kubernetes' own syntax rules: label keys are
/// qualified names, values are label values, `In`/`NotIn` need values, `Exists`/`DoesNotExist`
/// take none.
enum LabelSelectorReader {
    static let selectorKeys = ["match-labels", "match-expressions"]
    static let expressionKeys = ["key", "operator", "values"]

    static func read(_ node: ConfigNode) -> [LabelSelector] {
        guard let items = node.sequence() else { return [] }
        var out: [LabelSelector] = []
        for item in items {
            guard let e = item.mapping(allowed: selectorKeys) else { continue }
            var selector = LabelSelector()
            if let labels = e["match-labels"], let pairs = labels.stringPairs() {
                for (key, keyNode, value) in pairs {
                    let v = labels.child(key, value)
                    if let problem = NameSyntax.labelKeyProblem(key) {
                        diagnosticsReport(v, key, problem, line: keyNode.mark?.line)
                        continue
                    }
                    // yaml.v2 reads a null into a map[string]string as "".
                    let text = v.isNull ? "" : v.string()
                    guard let text else { continue }
                    if let problem = NameSyntax.labelValueProblem(text) {
                        v.report(problem)
                        continue
                    }
                    selector.matchLabels[key] = text
                }
            }
            if let list = e["match-expressions"], let exprs = list.sequence() {
                for expr in exprs {
                    if let r = readRequirement(expr) { selector.matchExpressions.append(r) }
                }
            }
            out.append(selector)
        }
        return out
    }

    private static func readRequirement(_ node: ConfigNode) -> LabelSelector.Requirement? {
        guard let e = node.mapping(allowed: expressionKeys) else { return nil }
        var ok = true
        var key: String?
        if let k = e.required("key", "a label key"), let text = k.string() {
            if let problem = NameSyntax.labelKeyProblem(text) {
                k.report(problem)
                ok = false
            } else {
                key = text
            }
        }
        let operators = LabelSelector.Operator.allCases.map(\.rawValue).joined(separator: ", ")
        var op: LabelSelector.Operator?
        if let o = e.required("operator", "one of \(operators)"), let text = o.string() {
            op = LabelSelector.Operator(rawValue: text)
            if op == nil { o.report("unknown operator; expected one of \(operators)") }
        }
        var values: [String] = []
        if let list = e["values"], let items = list.strings() {
            for (text, item) in items {
                if let problem = NameSyntax.labelValueProblem(text) {
                    item.report(problem)
                    ok = false
                } else {
                    values.append(text)
                }
            }
        }
        guard let key, let op, ok else { return nil }
        let valuesNode = e.values["values"] ?? node
        switch op {
        case .in, .notIn:
            if values.isEmpty {
                valuesNode.report("operator \(op.rawValue) needs at least one value in values", value: .some(nil))
                return nil
            }
        case .exists, .doesNotExist:
            if !values.isEmpty {
                valuesNode.report("operator \(op.rawValue) takes no values", value: .some(nil))
                return nil
            }
        }
        return LabelSelector.Requirement(key: key, operator: op, values: values)
    }

    private static func diagnosticsReport(_ node: ConfigNode, _ key: String, _ problem: String, line: Int?) {
        node.diagnostics.add(ConfigError(path: node.path, value: ConfigError.shortened(key), expected: problem, line: line))
    }
}
