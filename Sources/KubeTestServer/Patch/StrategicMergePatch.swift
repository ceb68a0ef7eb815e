/// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`), as kubectl's
/// client-side apply, `kubectl patch` and `kubectl edit` send it: lists merge by their merge key,
/// `$patch: replace|delete|merge`, `$retainKeys`, `$setElementOrder/<list>` and
/// `$deleteFromPrimitiveList/<list>` directives, `null` deletes.
public enum StrategicMergePatch {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public static func apply(_ patch: JSONValue, to original: JSONValue, type: ResourceType) throws(Failure) -> JSONValue {
        guard case .object(let patchMap) = patch else { throw Failure(description: "unable to find api field in struct for patch: not a map") }
        return try mergeMap(original.objectValue ?? [:], patchMap, path: [], type: type) ?? .emptyObject
    }

    /// Returns nil when the map is deleted by `$patch: delete`.
    static func mergeMap(_ original: [String: JSONValue], _ patchIn: [String: JSONValue], path: [String],
                         type: ResourceType) throws(Failure) -> JSONValue? {
        var patch = patchIn
        if let directive = patch.removeValue(forKey: "$patch") {
            switch directive.stringValue {
            case "replace": return strip(.object(patch))
            case "delete": return nil
            case "merge": break
            default: throw Failure(description: "Unknown patch type: \(directive.stringValue ?? directive.serialized()) in map: \(JSONValue.object(patchIn))")
            }
        }
        let retainKeys = patch.removeValue(forKey: "$retainKeys").map { ($0.arrayValue ?? []).compactMap(\.stringValue) }
        var orders: [String: [JSONValue]] = [:]
        var primitiveDeletions: [String: [JSONValue]] = [:]
        for key in patch.keys where key.hasPrefix("$") {
            let value = patch.removeValue(forKey: key)?.arrayValue ?? []
            if key.hasPrefix("$setElementOrder/") {
                orders[String(key.dropFirst("$setElementOrder/".count))] = value
            } else if key.hasPrefix("$deleteFromPrimitiveList/") {
                primitiveDeletions[String(key.dropFirst("$deleteFromPrimitiveList/".count))] = value
            } else {
                throw Failure(description: "unknown patch directive \(key)")
            }
        }
        var result = original
        for (key, value) in patch {
            let childPath = path + [key]
            switch (result[key], value) {
            case (_, .null):
                result[key] = nil
            case (.object(let o)?, .object(let p)):
                result[key] = try mergeMap(o, p, path: childPath, type: type)
            case (_, .object(let p)):
                result[key] = try mergeMap([:], p, path: childPath, type: type)
            case (let old, .array(let p)):
                result[key] = try mergeList(old?.arrayValue ?? [], p, path: childPath, type: type)
            default:
                result[key] = value
            }
        }
        for (field, values) in primitiveDeletions {
            if let list = result[field]?.arrayValue { result[field] = .array(list.filter { !values.contains($0) }) }
        }
        for (field, order) in orders {
            if let list = result[field]?.arrayValue {
                result[field] = .array(reorder(list, by: order, strategy: ListStrategy.strategic(type, path + [field])))
            }
        }
        if let retainKeys { result = result.filter { retainKeys.contains($0.key) } }
        return .object(result)
    }

    static func mergeList(_ original: [JSONValue], _ patch: [JSONValue], path: [String], type: ResourceType) throws(Failure) -> JSONValue {
        if patch.contains(where: { $0["$patch"] == "replace" && $0.objectValue?.count == 1 }) {
            return strip(.array(patch.filter { !($0["$patch"] == "replace" && $0.objectValue?.count == 1) }))
        }
        switch ListStrategy.strategic(type, path) {
        case .replace:
            return strip(.array(patch))
        case .set:
            var result = original
            for element in patch where !result.contains(element) { result.append(element) }
            return .array(result)
        case .mergeByKeys(let keys):
            let mergeKey = keys[0]
            var result = original
            for element in patch {
                guard case .object(let map) = element else {
                    throw Failure(description: "expected a map in list \(path.joined(separator: ".")), got \(element.typeName)")
                }
                guard let keyValue = map[mergeKey] else {
                    if map["$patch"] == "delete" || map.keys.allSatisfy({ $0.hasPrefix("$") }) { continue }
                    throw Failure(description: "map: \(element) does not contain declared merge key: \(mergeKey)")
                }
                let index = result.firstIndex { $0[mergeKey] == keyValue }
                if map["$patch"] == "delete" {
                    result.removeAll { $0[mergeKey] == keyValue }
                    continue
                }
                if let index {
                    if let merged = try mergeMap(result[index].objectValue ?? [:], map, path: path, type: type) {
                        result[index] = merged
                    } else {
                        result.remove(at: index)
                    }
                } else if let added = try mergeMap([:], map, path: path, type: type) {
                    result.append(added)
                }
            }
            return .array(result)
        }
    }

    /// Applies `$setElementOrder`: listed elements first in that order, the rest after, as they were.
    static func reorder(_ list: [JSONValue], by order: [JSONValue], strategy: ListStrategy) -> [JSONValue] {
        var remaining = list
        var result: [JSONValue] = []
        for entry in order {
            let index: Int?
            if case .mergeByKeys(let keys) = strategy {
                index = remaining.firstIndex { element in keys.allSatisfy { entry[$0] == nil || element[$0] == entry[$0] } }
            } else {
                index = remaining.firstIndex(of: entry)
            }
            if let index { result.append(remaining.remove(at: index)) }
        }
        return result + remaining
    }

    /// Drops directive keys from a value that is copied in whole.
    static func strip(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o):
            var out: [String: JSONValue] = [:]
            for (k, v) in o where !k.hasPrefix("$") { out[k] = strip(v) }
            return .object(out)
        case .array(let a):
            return .array(a.map(strip))
        default:
            return value
        }
    }
}
