/// `ValidateLease` (coordination.k8s.io/v1).
enum LeaseRules {
    static func validate(_ lease: JSONValue) -> [FieldError] {
        var errors: [FieldError] = []
        if let duration = lease[path: ["spec", "leaseDurationSeconds"]], !duration.isNull, (duration.intValue ?? 0) <= 0 {
            errors.append(.invalid("spec.leaseDurationSeconds", duration, "must be greater than 0"))
        }
        if let transitions = lease[path: ["spec", "leaseTransitions"]], !transitions.isNull, (transitions.intValue ?? -1) < 0 {
            errors.append(.invalid("spec.leaseTransitions", transitions, "must be greater than or equal to 0"))
        }
        return errors
    }
}
