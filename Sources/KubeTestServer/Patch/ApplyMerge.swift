/// Server-side apply, simplified to what a test server needs: the applied configuration is merged
/// into the live object by the `x-kubernetes-list-*` rules; fields this manager applied before and
/// no longer applies are removed; a field another apply manager set to a different value is a
/// conflict unless `force=true`. (Ownership of fields written by plain updates is not tracked.)
public enum ApplyMerge {
    /// Leaf paths of an applied configuration, rendered like managedFields paths
    /// (`.spec.ports[port=80,protocol="TCP"].targetPort`), with their values.
    public static func leaves(_ value: JSONValue, type: ResourceType) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        collect(value, fieldPath: [], rendered: "", type: type, into: &out)
        return out
    }

    private static func collect(_ value: JSONValue, fieldPath: [String], rendered: String, type: ResourceType,
                                into out: inout [String: JSONValue]) {
        switch value {
        case .object(let o) where !o.isEmpty:
            for (k, v) in o where !(fieldPath.isEmpty && ["apiVersion", "kind"].contains(k))
                && !(fieldPath == ["metadata"] && ["name", "namespace"].contains(k)) {
                collect(v, fieldPath: fieldPath + [k], rendered: rendered + "." + k, type: type, into: &out)
            }
        case .array(let a):
            switch ListStrategy.apply(type, fieldPath) {
            case .replace:
                out[rendered] = value
            case .set:
                for element in a { out[rendered + "[v=\(element.serialized())]"] = element }
            case .mergeByKeys(let keys):
                for element in a {
                    let id = keys.map { "\($0)=\((element[$0] ?? (keys.count > 1 && $0 == "protocol" ? "TCP" : .null)).serialized())" }
                        .joined(separator: ",")
                    collect(element, fieldPath: fieldPath, rendered: rendered + "[\(id)]", type: type, into: &out)
                }
            }
        default:
            out[rendered] = value
        }
    }

    /// `live` with `applied` merged in and what `previous` had but `applied` dropped removed.
    public static func apply(_ applied: JSONValue, to live: JSONValue, previous: JSONValue?, type: ResourceType) -> JSONValue {
        var result = live
        if let previous { result = removeDropped(result, previous: previous, applied: applied, path: [], type: type) }
        return merge(applied, into: result, path: [], type: type)
    }

    static func elementMatches(_ a: JSONValue, _ b: JSONValue, keys: [String]) -> Bool {
        keys.allSatisfy { key in
            let defaultValue: JSONValue = key == "protocol" ? "TCP" : .null
            return (a[key] ?? defaultValue) == (b[key] ?? defaultValue)
        }
    }

    static func merge(_ applied: JSONValue, into live: JSONValue, path: [String], type: ResourceType) -> JSONValue {
        switch (applied, live) {
        case (.object(let a), .object(var l)):
            for (k, v) in a { l[k] = merge(v, into: l[k] ?? .null, path: path + [k], type: type) }
            return .object(l)
        case (.array(let a), .array(var l)):
            switch ListStrategy.apply(type, path) {
            case .replace:
                return applied
            case .set:
                for element in a where !l.contains(element) { l.append(element) }
                return .array(l)
            case .mergeByKeys(let keys):
                for element in a {
                    if let index = l.firstIndex(where: { elementMatches($0, element, keys: keys) }) {
                        l[index] = merge(element, into: l[index], path: path, type: type)
                    } else {
                        l.append(element)
                    }
                }
                return .array(l)
            }
        default:
            return applied
        }
    }

    static func removeDropped(_ live: JSONValue, previous: JSONValue, applied: JSONValue, path: [String], type: ResourceType) -> JSONValue {
        switch (previous, live) {
        case (.object(let p), .object(var l)):
            for (k, pv) in p where !(path.isEmpty && ["apiVersion", "kind"].contains(k)) {
                if let av = applied[k] {
                    if let lv = l[k] { l[k] = removeDropped(lv, previous: pv, applied: av, path: path + [k], type: type) }
                } else {
                    l[k] = nil
                }
            }
            return .object(l)
        case (.array(let p), .array(var l)):
            let a = applied.arrayValue ?? []
            switch ListStrategy.apply(type, path) {
            case .replace:
                return live
            case .set:
                return .array(l.filter { !(p.contains($0) && !a.contains($0)) })
            case .mergeByKeys(let keys):
                for pe in p {
                    if let ae = a.first(where: { elementMatches($0, pe, keys: keys) }) {
                        if let index = l.firstIndex(where: { elementMatches($0, pe, keys: keys) }) {
                            l[index] = removeDropped(l[index], previous: pe, applied: ae, path: path, type: type)
                        }
                    } else {
                        l.removeAll { elementMatches($0, pe, keys: keys) }
                    }
                }
                return .array(l)
            }
        default:
            return live
        }
    }
}
