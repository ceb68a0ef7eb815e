/// A list of node selectors compiled for one question: can it and another list both match one
/// node? Decided from the selectors alone (no node list), to refuse two peers that would give a
/// node two sessions to the same router. The answer errs towards "may overlap": it is "no" only
/// when every pair of selectors has a key on which their requirements contradict each other.
struct CompiledSelectors {
    /// What one key must look like on a node that matches a set of requirements.
    struct KeyConstraint {
        /// The values the key may have; nil means any (or none at all, unless `mustExist`).
        var allowed: Set<String>?
        var excluded: Set<String> = []
        var mustExist = false
        var mustNotExist = false

        mutating func add(_ r: LabelSelector.Requirement) {
            switch r.operator {
            case .in:
                allowed = allowed.map { $0.intersection(r.values) } ?? Set(r.values)
                mustExist = true
            case .notIn: excluded.formUnion(r.values)
            case .exists: mustExist = true
            case .doesNotExist: mustNotExist = true
            }
        }

        /// Whether no value (nor absence) of the key satisfies both constraints.
        func contradicts(_ other: KeyConstraint) -> Bool {
            let exist = mustExist || other.mustExist
            if exist && (mustNotExist || other.mustNotExist) { return true }
            // Only an explicit list of allowed values can run out.
            let lists = [allowed, other.allowed].compactMap { $0 }
            guard let smallest = lists.min(by: { $0.count < $1.count }) else { return false }
            return !smallest.contains { v in
                lists.allSatisfy { $0.contains(v) } && !excluded.contains(v) && !other.excluded.contains(v)
            }
        }
    }

    /// One selector: its constraints per key, and whether it can match anything at all.
    struct Selector {
        var keys: [String: KeyConstraint] = [:]
        var impossible = false
    }

    let selectors: [Selector]

    /// An empty list selects every node, like one empty selector.
    init(_ list: [LabelSelector]) {
        selectors = (list.isEmpty ? [LabelSelector()] : list).map { s in
            var compiled = Selector()
            for (k, v) in s.matchLabels {
                compiled.keys[k, default: KeyConstraint()].add(.init(key: k, operator: .in, values: [v]))
            }
            for r in s.matchExpressions { compiled.keys[r.key, default: KeyConstraint()].add(r) }
            compiled.impossible = compiled.keys.values.contains { $0.contradicts(KeyConstraint()) }
            return compiled
        }
    }

    /// Whether some node may match both lists; nil when `work` (a count of steps, shared
    /// across calls) runs out first, as it may for lists built up with YAML aliases.
    func mayOverlap(_ other: CompiledSelectors, work: inout Int) -> Bool? {
        for a in selectors where !a.impossible {
            for b in other.selectors where !b.impossible {
                let (small, large) = a.keys.count <= b.keys.count ? (a.keys, b.keys) : (b.keys, a.keys)
                work -= 1 + small.count
                if work < 0 { return nil }
                let clash = small.contains { key, constraint in large[key].map { constraint.contradicts($0) } ?? false }
                if !clash { return true }
            }
        }
        return false
    }
}
