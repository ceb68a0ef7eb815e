/// RFC 7386 JSON Merge Patch: objects merge recursively, `null` deletes, anything else replaces.
public enum MergePatch {
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in patchObject {
            if value.isNull {
                result[key] = nil
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}
