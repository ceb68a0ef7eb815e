import Foundation

/// ConfigMap and Secret rules: key syntax, sizes, `immutable`, Secret `type` and `stringData`.
enum ConfigDataRules {
    static let maxSize = 1_048_576

    static func keyErrors(_ key: String) -> [String] {
        var errors: [String] = []
        if key.count > 253 { errors.append("must be no more than 253 characters") }
        if key.isEmpty || !key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) {
            errors.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
        }
        if key == "." || key == ".." { errors.append("must not be '\(key)'") } else if key.hasPrefix("..") { errors.append("must not start with '..'") }
        return errors
    }

    static func validateConfigMap(_ cm: JSONValue, old: JSONValue?) -> [FieldError] {
        var errors: [FieldError] = []
        var size = 0
        let data = cm["data"]?.objectValue ?? [:]
        let binary = cm["binaryData"]?.objectValue ?? [:]
        for (key, value) in data.sorted(by: { $0.key < $1.key }) {
            for message in keyErrors(key) { errors.append(.invalid("data[\(key)]", .string(key), message)) }
            if binary[key] != nil { errors.append(.invalid("data[\(key)]", .string(key), "duplicate of key present in binaryData")) }
            size += key.utf8.count + (value.stringValue?.utf8.count ?? 0)
        }
        for (key, value) in binary.sorted(by: { $0.key < $1.key }) {
            for message in keyErrors(key) { errors.append(.invalid("binaryData[\(key)]", .string(key), message)) }
            size += key.utf8.count + (value.stringValue.flatMap { Data(base64Encoded: $0)?.count } ?? 0)
        }
        if size > maxSize { errors.append(FieldError(.tooLong, "", "must have at most \(maxSize) bytes")) }
        errors += immutabilityErrors(cm, old: old, fields: ["data", "binaryData"])
        return errors
    }

    static func immutabilityErrors(_ object: JSONValue, old: JSONValue?, fields: [String]) -> [FieldError] {
        guard let old, old["immutable"] == .bool(true) else { return [] }
        var errors: [FieldError] = []
        if object["immutable"] != .bool(true) {
            errors.append(.forbidden("immutable", "field is immutable when `immutable` is set"))
        }
        for field in fields where (object[field] ?? .emptyObject) != (old[field] ?? .emptyObject) {
            errors.append(.forbidden(field, "field is immutable when `immutable` is set"))
        }
        return errors
    }

    /// Defaults `type` to Opaque, checks that `data` is base64 (a decode error, 400) and folds the
    /// write-only `stringData` into `data`.
    static func prepareSecret(_ secret: inout JSONValue) throws(APIError) {
        if (secret["type"]?.stringValue ?? "").isEmpty { secret["type"] = "Opaque" }
        var data = secret["data"]?.objectValue ?? [:]
        for (key, value) in data {
            guard let text = value.stringValue, Data(base64Encoded: text) != nil else {
                throw APIError.badRequest("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0 (key \(key))")
            }
        }
        if let stringData = secret["stringData"]?.objectValue {
            for (key, value) in stringData {
                data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
            }
            secret["stringData"] = nil
        }
        if !data.isEmpty || secret["data"] != nil { secret["data"] = .object(data) }
    }

    static func validateSecret(_ secret: JSONValue, old: JSONValue?) -> [FieldError] {
        var errors: [FieldError] = []
        let data = secret["data"]?.objectValue ?? [:]
        var size = 0
        for (key, value) in data.sorted(by: { $0.key < $1.key }) {
            for message in keyErrors(key) { errors.append(.invalid("data[\(key)]", .string(key), message)) }
            size += value.stringValue.flatMap { Data(base64Encoded: $0)?.count } ?? 0
        }
        if size > maxSize { errors.append(FieldError(.tooLong, "data", "must have at most \(maxSize) bytes")) }
        let type = secret["type"]?.stringValue ?? "Opaque"
        switch type {
        case "kubernetes.io/tls":
            for key in ["tls.crt", "tls.key"] where data[key] == nil { errors.append(.required("data[\(key)]")) }
        case "kubernetes.io/dockerconfigjson":
            if data[".dockerconfigjson"] == nil { errors.append(.required("data[.dockerconfigjson]")) }
        case "kubernetes.io/service-account-token":
            if (secret[path: ["metadata", "annotations", "kubernetes.io/service-account.name"]]?.stringValue ?? "").isEmpty {
                errors.append(.required("metadata.annotations[kubernetes.io/service-account.name]"))
            }
        default: break
        }
        if let old, let before = old["type"], before != secret["type"] {
            errors.append(.invalid("type", secret["type"], "field is immutable"))
        }
        errors += immutabilityErrors(secret, old: old, fields: ["data"])
        return errors
    }
}
