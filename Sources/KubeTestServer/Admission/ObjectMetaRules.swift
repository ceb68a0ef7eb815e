import Foundation

/// `metadata` handling common to every kind: server-set fields on create, immutable fields on update,
/// and the validation of names, labels, annotations and finalizers.
enum ObjectMetaRules {
    /// Sets the server-owned fields of a new object.
    static func prepareForCreate(_ object: inout JSONValue, type: ResourceType, now: Date) {
        var meta = object["metadata"]?.objectValue ?? [:]
        meta["uid"] = .string(UUID().uuidString.lowercased())
        meta["creationTimestamp"] = .string(Timestamp.format(now))
        meta["deletionTimestamp"] = nil
        meta["deletionGracePeriodSeconds"] = nil
        meta["selfLink"] = nil
        meta["resourceVersion"] = nil
        meta["managedFields"] = nil
        if type == .endpointSlices { meta["generation"] = 1 } else { meta["generation"] = nil }
        if !type.namespaced { meta["namespace"] = nil }
        object["metadata"] = .object(meta)
    }

    /// Carries the fields a client may not change from the stored object into the new one.
    static func prepareForUpdate(_ object: inout JSONValue, old: JSONValue, type: ResourceType) {
        var meta = object["metadata"]?.objectValue ?? [:]
        let oldMeta = old["metadata"]?.objectValue ?? [:]
        for key in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace", "name",
                    "generation"] {
            meta[key] = oldMeta[key]
        }
        meta["selfLink"] = nil
        meta["managedFields"] = nil
        if type == .endpointSlices {
            var a = object, b = old
            a["metadata"] = nil
            b["metadata"] = nil
            if a != b { meta["generation"] = .int((oldMeta["generation"]?.intValue ?? 0) + 1) }
        }
        object["metadata"] = .object(meta)
    }

    /// Name, labels, annotations, finalizers and ownerReferences errors.
    static func validate(_ object: JSONValue, type: ResourceType, old: JSONValue?) -> [FieldError] {
        var errors: [FieldError] = []
        let meta = object["metadata"] ?? .emptyObject
        let name = meta["name"]?.stringValue ?? ""
        if old == nil {
            if name.isEmpty {
                errors.append(.required("metadata.name", "name or generateName is required"))
            } else {
                for message in nameErrors(name, type: type) {
                    errors.append(.invalid("metadata.name", .string(name), message))
                }
            }
        }
        if let labels = meta["labels"], !labels.isNull {
            guard let dict = labels.objectValue else {
                return errors + [.invalid("metadata.labels", labels, "must be a map of strings")]
            }
            for (key, value) in dict.sorted(by: { $0.key < $1.key }) {
                for message in NameRules.qualifiedNameErrors(key) {
                    errors.append(.invalid("metadata.labels", .string(key), message))
                }
                guard let text = value.stringValue else {
                    errors.append(.invalid("metadata.labels", value, "must be a string"))
                    continue
                }
                for message in NameRules.labelValueErrors(text) {
                    errors.append(.invalid("metadata.labels", .string(text), message))
                }
            }
        }
        if let annotations = meta["annotations"], !annotations.isNull {
            guard let dict = annotations.objectValue else {
                return errors + [.invalid("metadata.annotations", annotations, "must be a map of strings")]
            }
            var total = 0
            for (key, value) in dict.sorted(by: { $0.key < $1.key }) {
                for message in NameRules.qualifiedNameErrors(key.lowercased()) {
                    errors.append(.invalid("metadata.annotations", .string(key), message))
                }
                total += key.utf8.count + (value.stringValue?.utf8.count ?? 0)
                if value.stringValue == nil { errors.append(.invalid("metadata.annotations", value, "must be a string")) }
            }
            if total > 262_144 {
                errors.append(FieldError(.tooLong, "metadata.annotations", "must have at most 262144 bytes"))
            }
        }
        if let finalizers = meta["finalizers"], !finalizers.isNull {
            let list = finalizers.arrayValue ?? []
            for (i, f) in list.enumerated() {
                let text = f.stringValue ?? ""
                for message in NameRules.qualifiedNameErrors(text) {
                    errors.append(.invalid("metadata.finalizers[\(i)]", f, message))
                }
            }
            if let old, old[path: ["metadata", "deletionTimestamp"]] != nil {
                let before = Set((old[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue))
                let added = list.compactMap(\.stringValue).filter { !before.contains($0) }
                if !added.isEmpty {
                    let rendered = added.map { "\"\($0)\"" }.joined(separator: ", ")
                    errors.append(.forbidden("metadata.finalizers",
                        "no new finalizers can be added if the object is being deleted, found new finalizers []string{\(rendered)}"))
                }
            }
        }
        if let owners = meta["ownerReferences"]?.arrayValue {
            for (i, owner) in owners.enumerated() {
                for field in ["apiVersion", "kind", "name", "uid"] where (owner[field]?.stringValue ?? "").isEmpty {
                    errors.append(.invalid("metadata.ownerReferences[\(i)].\(field)", owner[field] ?? .string(""),
                                           "\(field) must not be empty"))
                }
            }
        }
        return errors
    }

    static func nameErrors(_ name: String, type: ResourceType) -> [String] {
        switch type {
        case .services: return NameRules.dns1035LabelErrors(name)
        case .namespaces: return NameRules.dns1123LabelErrors(name)
        default:
            if name == "." || name == ".." { return ["may not be '\(name)'"] }
            if name.contains("/") { return ["may not contain '/'"] }
            if name.contains("%") { return ["may not contain '%'"] }
            // RBAC objects take any path segment name (ValidateRBACName = path.ValidatePathSegmentName):
            // `system:controller:...` and `ironlb:speaker` are valid there.
            if type.group == "rbac.authorization.k8s.io" { return [] }
            return NameRules.dns1123SubdomainErrors(name)
        }
    }

    /// Replaces `generateName` with a generated name, five random lowercase alphanumerics as
    /// apiserver's `names.SimpleNameGenerator`.
    static func applyGenerateName(_ object: inout JSONValue) {
        guard (object[path: ["metadata", "name"]]?.stringValue ?? "").isEmpty,
              let base = object[path: ["metadata", "generateName"]]?.stringValue, !base.isEmpty else { return }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        let suffix = String((0..<5).map { _ in alphabet.randomElement() ?? "x" })
        object[path: ["metadata", "name"]] = .string(String(base.prefix(58)) + suffix)
    }
}
