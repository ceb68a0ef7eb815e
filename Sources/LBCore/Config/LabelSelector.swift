/// A Kubernetes label selector (`matchLabels` + `matchExpressions`), as used by MetalLB's
/// `node-selectors` and by IronLB's pool `node-selectors`. All requirements must hold.
public struct LabelSelector: Sendable, Hashable {
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case `in` = "In"
        case notIn = "NotIn"
        case exists = "Exists"
        case doesNotExist = "DoesNotExist"
    }

    public struct Requirement: Sendable, Hashable {
        public var key: String
        public var `operator`: Operator
        public var values: [String]

        public init(key: String, operator: Operator, values: [String] = []) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }

        public func matches(_ labels: [String: String]) -> Bool {
            switch `operator` {
            case .in: return labels[key].map { values.contains($0) } ?? false
            case .notIn: return labels[key].map { !values.contains($0) } ?? true
            case .exists: return labels[key] != nil
            case .doesNotExist: return labels[key] == nil
            }
        }
    }

    public var matchLabels: [String: String]
    public var matchExpressions: [Requirement]

    public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// An empty selector matches everything.
    public var isEmpty: Bool { matchLabels.isEmpty && matchExpressions.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        for (k, v) in matchLabels where labels[k] != v { return false }
        return matchExpressions.allSatisfy { $0.matches(labels) }
    }

    /// The first requirement `labels` fail, rendered for a user ("zone=a", "rack in (r1,r2)"),
    /// or nil when they match.
    public func firstMismatch(_ labels: [String: String]) -> String? {
        for (k, v) in matchLabels.sorted(by: { $0.key < $1.key }) where labels[k] != v { return "\(k)=\(v)" }
        for r in matchExpressions where !r.matches(labels) {
            switch r.operator {
            case .in: return "\(r.key) in (\(r.values.joined(separator: ",")))"
            case .notIn: return "\(r.key) notin (\(r.values.joined(separator: ",")))"
            case .exists: return r.key
            case .doesNotExist: return "!\(r.key)"
            }
        }
        return nil
    }
}

extension Array where Element == LabelSelector {
    /// A list of selectors matches when it is empty or any one selector matches (MetalLB's rule).
    public func matchesAny(_ labels: [String: String]) -> Bool {
        isEmpty || contains { $0.matches(labels) }
    }
}
