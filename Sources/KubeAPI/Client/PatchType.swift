/// The PATCH flavours the API server accepts, by Content-Type.
public enum PatchType: Sendable, Hashable {
    /// RFC 7386 JSON merge patch: objects merge, `null` deletes, lists are replaced whole.
    case merge
    /// RFC 6902 JSON patch: a list of operations (`test` makes it conditional).
    case jsonPatch
    /// Kubernetes strategic merge patch: lists with merge keys (ports, conditions) merge by key.
    case strategicMerge
    /// Server-side apply: the body is the caller's whole intent for the fields it manages.
    case apply(fieldManager: String, force: Bool = false)

    public var contentType: String {
        switch self {
        case .merge: return "application/merge-patch+json"
        case .jsonPatch: return "application/json-patch+json"
        case .strategicMerge: return "application/strategic-merge-patch+json"
        case .apply: return "application/apply-patch+yaml"
        }
    }
}

/// `metav1.DeleteOptions` members IronLB uses, sent as query parameters.
public struct DeleteOptions: Sendable, Hashable {
    /// `Orphan`, `Background` or `Foreground`.
    public var propagationPolicy: String?
    public var gracePeriodSeconds: Int?

    public init(propagationPolicy: String? = nil, gracePeriodSeconds: Int? = nil) {
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
    }
}
