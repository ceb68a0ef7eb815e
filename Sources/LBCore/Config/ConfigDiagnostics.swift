/// What one parse has found so far, shared by every reader of that parse: the errors, and the
/// budget of YAML nodes still to visit.
///
/// The budget exists because aliases let a small text describe a huge tree (a list of 10 aliases
/// to a list of 10 aliases to ...); the walk stops, with one error, once it has looked at more
/// nodes than any real config has. Errors are capped for the same reason: the first few hundred
/// tell a user everything a million would.
final class ConfigDiagnostics {
    static let defaultNodeBudget = 250_000
    static let maxErrors = 500

    private(set) var errors: [ConfigError] = []
    private var budget: Int
    private(set) var exhausted = false
    private var dropped = 0

    init(nodeBudget: Int = defaultNodeBudget) { self.budget = nodeBudget }

    func add(_ error: ConfigError) {
        guard errors.count < ConfigDiagnostics.maxErrors else {
            dropped += 1
            return
        }
        errors.append(error)
    }

    /// Takes `count` nodes from the budget; false (and one error) once it is spent.
    func spend(_ count: Int = 1, line: Int?) -> Bool {
        if exhausted { return false }
        budget -= count
        if budget >= 0 { return true }
        exhausted = true
        add(ConfigError(
            path: "", value: nil,
            expected: "the document expands to more than \(ConfigDiagnostics.defaultNodeBudget) YAML nodes "
                + "(through aliases?); no real config is that large", line: line))
        return false
    }

    /// The errors in document order (by line; errors without a line last), with a final note
    /// when some were left out.
    func finished() -> [ConfigError] {
        var numbered = errors.enumerated().map { ($0.offset, $0.element) }
        numbered.sort { a, b in
            let la = a.1.line ?? Int.max, lb = b.1.line ?? Int.max
            return la != lb ? la < lb : a.0 < b.0
        }
        var out = numbered.map(\.1)
        if dropped > 0 {
            out.append(ConfigError(path: "", value: nil, expected: "\(dropped) more errors not shown"))
        }
        return out
    }
}
