/// The OpenAPI v3 documents kubectl reads before `apply`: the root index and one document per
/// group-version with a PATCH operation per kind, carrying `x-kubernetes-group-version-kind` and the
/// `fieldValidation` query parameter, so kubectl sends `fieldValidation=Strict` and lets the server
/// validate. The request bodies do not list strategic merge patch, so kubectl builds its patch from
/// its compiled-in types (the same merge keys) instead of from schemas this server does not publish.
enum OpenAPIDocument {
    static let hash = "ironlb-kube-test-server-1"

    static var root: JSONValue {
        var paths: [String: JSONValue] = ["api/v1": ["serverRelativeURL": .string("/openapi/v3/api/v1?hash=\(hash)")]]
        for (group, version) in ResourceType.groups {
            paths["apis/\(group)/\(version)"] = ["serverRelativeURL": .string("/openapi/v3/apis/\(group)/\(version)?hash=\(hash)")]
        }
        return ["paths": .object(paths)]
    }

    static func document(group: String, version: String) -> JSONValue? {
        let types = Discovery.types(group: group, version: version)
        guard !types.isEmpty else { return nil }
        var paths: [String: JSONValue] = [:]
        for type in types {
            let prefix = type.groupVersionPath + (type.namespaced ? "/namespaces/{namespace}" : "")
            let gvk: JSONValue = ["group": .string(group), "version": .string(version), "kind": .string(type.kind)]
            paths["\(prefix)/\(type.resource)/{name}"] = ["patch": patchOperation(type, gvk: gvk, status: false)]
            if type.hasStatus {
                paths["\(prefix)/\(type.resource)/{name}/status"] = ["patch": patchOperation(type, gvk: gvk, status: true)]
            }
        }
        return ["openapi": "3.0.0", "info": ["title": "Kubernetes", "version": .string(Discovery.gitVersion)],
                "paths": .object(paths), "components": ["schemas": .emptyObject]]
    }

    static func patchOperation(_ type: ResourceType, gvk: JSONValue, status: Bool) -> JSONValue {
        func query(_ name: String, _ description: String) -> JSONValue {
            ["name": .string(name), "in": "query", "description": .string(description), "schema": ["type": "string", "uniqueItems": true]]
        }
        var parameters: [JSONValue] = [
            ["name": "name", "in": "path", "required": true, "schema": ["type": "string", "uniqueItems": true]],
            query("dryRun", "When present, indicates that modifications should not be persisted."),
            query("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
            query("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict."),
            ["name": "force", "in": "query", "schema": ["type": "boolean", "uniqueItems": true]],
        ]
        if type.namespaced {
            parameters.insert(["name": "namespace", "in": "path", "required": true, "schema": ["type": "string", "uniqueItems": true]], at: 1)
        }
        let body: JSONValue = ["schema": ["type": "object"]]
        return [
            "operationId": .string("patch\(type.group.isEmpty ? "Core" : "")\(type.version.capitalized)\(type.namespaced ? "Namespaced" : "")\(type.kind)\(status ? "Status" : "")"),
            "parameters": .array(parameters),
            "requestBody": ["content": ["application/json-patch+json": body, "application/merge-patch+json": body,
                                        "application/apply-patch+yaml": body], "required": true],
            "responses": ["200": ["description": "OK"], "201": ["description": "Created"], "401": ["description": "Unauthorized"]],
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": gvk,
        ]
    }
}
