/// How a list field merges, from the Go struct tags (`patchStrategy`, `patchMergeKey`) used by
/// strategic merge patch and the `x-kubernetes-list-*` markers used by server-side apply.
public enum ListStrategy: Sendable, Equatable {
    /// The patch's list replaces the old one (no strategy / `listType=atomic`).
    case replace
    /// Lists of objects merged element by element, matched on these keys.
    case mergeByKeys([String])
    /// Lists of scalars merged as a set (`patchStrategy:"merge"` on `[]string`, `listType=set`).
    case set

    /// The strategic-merge-patch strategy of the list at `path` (field names, list levels skipped).
    public static func strategic(_ type: ResourceType, _ path: [String]) -> ListStrategy {
        switch path {
        case ["metadata", "finalizers"]: return .set
        case ["metadata", "ownerReferences"]: return .mergeByKeys(["uid"])
        default: break
        }
        switch (type, path) {
        case (.services, ["spec", "ports"]): return .mergeByKeys(["port"])
        case (.services, ["status", "conditions"]), (.namespaces, ["status", "conditions"]): return .mergeByKeys(["type"])
        case (.nodes, ["status", "conditions"]), (.nodes, ["status", "addresses"]): return .mergeByKeys(["type"])
        case (.nodes, ["spec", "podCIDRs"]): return .set
        default: return .replace
        }
    }

    /// The server-side apply list type of the list at `path`.
    public static func apply(_ type: ResourceType, _ path: [String]) -> ListStrategy {
        switch path {
        case ["metadata", "finalizers"]: return .set
        case ["metadata", "ownerReferences"]: return .mergeByKeys(["uid"])
        default: break
        }
        switch (type, path) {
        case (.services, ["spec", "ports"]): return .mergeByKeys(["port", "protocol"])
        case (.services, ["status", "conditions"]), (.namespaces, ["status", "conditions"]): return .mergeByKeys(["type"])
        case (.nodes, ["status", "conditions"]), (.nodes, ["status", "addresses"]): return .mergeByKeys(["type"])
        case (.nodes, ["spec", "podCIDRs"]):
            return .set
        default: return .replace
        }
    }
}
