/// The endpoint a request path names.
public enum Route: Sendable, Equatable {
    case root
    case version
    case health(String)
    case coreVersions
    case groups
    case group(String)
    case resourceList(group: String, version: String)
    case openAPIV3Root
    case openAPIV3(group: String, version: String)
    case openAPIV2
    case resource(ResourceRequest)
    case testHook([String])
    case unknownGroupVersion
    case notFound

    /// A request for objects of one resource.
    public struct ResourceRequest: Sendable, Equatable {
        public var type: ResourceType
        public var namespace: String?
        public var name: String?
        public var subresource: String?
        /// The deprecated `/api/v1/watch/...` form.
        public var legacyWatch: Bool = false
    }

    public static func parse(_ path: String) -> Route {
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if path.hasSuffix("/"), path != "/" { return .notFound }
        guard let first = segments.first else { return .root }
        switch first {
        case "version" where segments.count == 1: return .version
        case "healthz", "livez", "readyz": return .health(path)
        case "__test": return .testHook(Array(segments.dropFirst()))
        case "openapi":
            if segments == ["openapi", "v3"] { return .openAPIV3Root }
            if segments == ["openapi", "v2"] { return .openAPIV2 }
            if segments.count == 4, segments[1] == "v3", segments[2] == "api" { return .openAPIV3(group: "", version: segments[3]) }
            if segments.count == 5, segments[1] == "v3", segments[2] == "apis" {
                return .openAPIV3(group: segments[3], version: segments[4])
            }
            return .notFound
        case "api":
            if segments.count == 1 { return .coreVersions }
            guard segments[1] == "v1" else { return .notFound }
            segments.removeFirst(2)
            return resource(group: "", version: "v1", segments)
        case "apis":
            if segments.count == 1 { return .groups }
            let group = segments[1]
            guard ResourceType.groups.contains(where: { $0.group == group }) else { return .notFound }
            if segments.count == 2 { return .group(group) }
            let version = segments[2]
            guard ResourceType.groups.contains(where: { $0.group == group && $0.version == version }) else { return .notFound }
            segments.removeFirst(3)
            return resource(group: group, version: version, segments)
        default:
            return .notFound
        }
    }

    private static func resource(group: String, version: String, _ rest: [String]) -> Route {
        var rest = rest
        if rest.isEmpty { return .resourceList(group: group, version: version) }
        var legacyWatch = false
        if rest.first == "watch" {
            legacyWatch = true
            rest.removeFirst()
        }
        var namespace: String?
        if rest.count >= 3, rest[0] == "namespaces" {
            namespace = rest[1]
            rest.removeFirst(2)
        } else if rest.first == "namespaces", group.isEmpty {
            // /api/v1/namespaces[/name[/status|finalize]] addresses Namespace objects themselves.
            let name = rest.count > 1 ? rest[1] : nil
            let sub = rest.count > 2 ? rest[2] : nil
            guard rest.count <= 3, sub == nil || sub == "status" || sub == "finalize" else { return .notFound }
            return .resource(ResourceRequest(type: .namespaces, name: name, subresource: sub, legacyWatch: legacyWatch))
        }
        guard let resourceName = rest.first,
              let type = ResourceType.find(group: group, version: version, resource: resourceName),
              type != .namespaces || namespace == nil else { return .notFound }
        if namespace != nil, !type.namespaced { return .notFound }
        let name = rest.count > 1 ? rest[1] : nil
        let sub = rest.count > 2 ? rest[2] : nil
        if rest.count > 3 { return .notFound }
        if let sub, !(sub == "status" && type.hasStatus) { return .notFound }
        if type.namespaced, namespace == nil, name != nil { return .notFound }
        return .resource(ResourceRequest(type: type, namespace: namespace, name: name, subresource: sub, legacyWatch: legacyWatch))
    }
}
