/// Namespace preparation: `spec.finalizers` and `status` are owned by the server (and `/finalize`),
/// and every namespace carries the immutable `kubernetes.io/metadata.name` label (1.21+).
enum NamespaceRules {
    static func prepare(_ object: inout JSONValue, old: JSONValue?, subresource: String?) {
        if let old {
            if subresource != "finalize" { object[path: ["spec", "finalizers"]] = old[path: ["spec", "finalizers"]] }
            if subresource != "status" { object["status"] = old["status"] }
        } else {
            if object[path: ["spec", "finalizers"]] == nil { object[path: ["spec", "finalizers"]] = ["kubernetes"] }
            object["status"] = ["phase": "Active"]
        }
        if object["spec"] == nil { object["spec"] = .emptyObject }
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        if !name.isEmpty {
            var labels = object[path: ["metadata", "labels"]]?.objectValue ?? [:]
            labels["kubernetes.io/metadata.name"] = .string(name)
            object[path: ["metadata", "labels"]] = .object(labels)
        }
    }
}
