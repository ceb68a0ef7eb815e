/// Discovery documents: legacy (`APIVersions`, `APIGroupList`, `APIGroup`, `APIResourceList`) and
/// aggregated (`APIGroupDiscoveryList` v2/v2beta1), chosen by the Accept header like the real server.
enum Discovery {
    static let gitVersion = "v1.32.5"

    static let version: JSONValue = [
        "major": "1", "minor": "32", "gitVersion": .string(gitVersion),
        "gitCommit": "9894294ef13a5b32803e3ca2c0d620a088cc84d1", "gitTreeState": "clean",
        "buildDate": "2025-05-15T09:50:53Z", "goVersion": "go1.23.8", "compiler": "gc", "platform": "linux/amd64",
    ]

    static var allPaths: [String] {
        var paths = ["/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v2", "/openapi/v3", "/readyz", "/version"]
        for (group, version) in ResourceType.groups { paths += ["/apis/\(group)", "/apis/\(group)/\(version)"] }
        return paths.sorted()
    }

    static func respond(_ route: Route, accept: String) throws(APIError) -> APIResponse {
        let aggregatedAllowed: Bool
        switch route {
        case .coreVersions, .groups: aggregatedAllowed = true
        default: aggregatedAllowed = false
        }
        guard let format = ResponseFormat.negotiate(accept, discovery: aggregatedAllowed) else { throw APIError.notAcceptable() }
        if case .aggregatedDiscovery(let version) = format {
            let core: Bool
            if case .coreVersions = route { core = true } else { core = false }
            return .ok(aggregated(core: core, version: version), contentType: format.contentType)
        }
        switch route {
        case .coreVersions:
            return .ok(["kind": "APIVersions", "versions": ["v1"],
                        "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": ""]]])
        case .groups:
            return .ok(["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(ResourceType.groups.map { apiGroup($0.group, $0.version) })])
        case .group(let group):
            guard let entry = ResourceType.groups.first(where: { $0.group == group }) else {
                throw APIError.pageNotFound("/apis/\(group)")
            }
            var doc = apiGroup(entry.group, entry.version)
            doc["kind"] = "APIGroup"
            doc["apiVersion"] = "v1"
            return .ok(doc)
        case .resourceList(let group, let version):
            var doc: JSONValue = ["kind": "APIResourceList", "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"),
                                  "resources": .array(resources(group: group, version: version))]
            if !group.isEmpty { doc["apiVersion"] = "v1" }
            return .ok(doc)
        default:
            throw APIError.pageNotFound("")
        }
    }

    static func apiGroup(_ group: String, _ version: String) -> JSONValue {
        let gv: JSONValue = ["groupVersion": .string("\(group)/\(version)"), "version": .string(version)]
        return ["name": .string(group), "versions": [gv], "preferredVersion": gv]
    }

    static func types(group: String, version: String) -> [ResourceType] {
        ResourceType.all.filter { $0.group == group && $0.version == version }
    }

    static func resources(group: String, version: String) -> [JSONValue] {
        var result: [JSONValue] = []
        for type in types(group: group, version: version) {
            var entry: JSONValue = [
                "name": .string(type.resource), "singularName": .string(type.singular), "namespaced": .bool(type.namespaced),
                "kind": .string(type.kind), "verbs": .array(ResourceType.verbs.map { .string($0) }),
            ]
            if type == .namespaces { entry["verbs"] = ["create", "delete", "get", "list", "patch", "update", "watch"] }
            if !type.shortNames.isEmpty { entry["shortNames"] = .array(type.shortNames.map { .string($0) }) }
            if !type.categories.isEmpty { entry["categories"] = .array(type.categories.map { .string($0) }) }
            result.append(entry)
            for sub in subresources(type) {
                result.append(["name": .string("\(type.resource)/\(sub.name)"), "singularName": "", "namespaced": .bool(type.namespaced),
                               "kind": .string(type.kind), "verbs": .array(sub.verbs.map { .string($0) })])
            }
        }
        return result
    }

    static func subresources(_ type: ResourceType) -> [(name: String, verbs: [String])] {
        var subs: [(String, [String])] = []
        if type == .namespaces { subs.append(("finalize", ["update"])) }
        if type.hasStatus { subs.append(("status", ["get", "patch", "update"])) }
        return subs
    }

    static func aggregated(core: Bool, version: String) -> JSONValue {
        let groups: [(String, String)] = core ? [("", "v1")] : ResourceType.groups.map { ($0.group, $0.version) }
        let items: [JSONValue] = groups.map { group, groupVersion in
            var metadata: JSONValue = ["creationTimestamp": .null]
            if !group.isEmpty { metadata["name"] = .string(group) }
            let resources: [JSONValue] = types(group: group, version: groupVersion).map { type in
                let responseKind: JSONValue = ["group": .string(group), "version": .string(groupVersion), "kind": .string(type.kind)]
                var entry: JSONValue = [
                    "resource": .string(type.resource), "responseKind": responseKind,
                    "scope": type.namespaced ? "Namespaced" : "Cluster", "singularResource": .string(type.singular),
                    "verbs": .array(ResourceType.verbs.map { .string($0) }),
                ]
                if type == .namespaces { entry["verbs"] = ["create", "delete", "get", "list", "patch", "update", "watch"] }
                if !type.shortNames.isEmpty { entry["shortNames"] = .array(type.shortNames.map { .string($0) }) }
                if !type.categories.isEmpty { entry["categories"] = .array(type.categories.map { .string($0) }) }
                let subs = subresources(type)
                if !subs.isEmpty {
                    entry["subresources"] = .array(subs.map {
                        ["subresource": .string($0.name), "responseKind": responseKind, "verbs": .array($0.verbs.map { .string($0) })]
                    })
                }
                return entry
            }
            return ["metadata": metadata,
                    "versions": [["version": .string(groupVersion), "resources": .array(resources), "freshness": "Current"]]]
        }
        return ["kind": "APIGroupDiscoveryList", "apiVersion": .string("apidiscovery.k8s.io/\(version)"),
                "metadata": .emptyObject, "items": .array(items)]
    }
}
