import Foundation

/// The whole API server minus the network: routing, verbs, watch fan-out, test hooks and counters.
///
/// Not thread-safe by itself; ``KubeTestServer`` keeps it behind a mutex, so every request is handled
/// atomically and watch events are sent in version order.
public final class APIServerCore {
    public struct Settings: Sendable {
        public var historyLimit: Int = 1000
        public var network: ClusterNetwork = .standard
        /// Used when a watch gives no `timeoutSeconds` (the real server picks 30-60 minutes).
        public var defaultWatchTimeoutSeconds: Int = 1800
        /// Whether to create `default/kubernetes` like a real cluster has.
        public var seedKubernetesService: Bool = true
        public init() {}
    }

    public var store: ObjectStore
    public let settings: Settings
    let clock: @Sendable () -> Date
    var watchers: [Int: WatchRegistration] = [:]
    var nextWatchID = 1
    public internal(set) var requestCounts: [String: Int] = [:]
    var hooks = HookState()
    /// The last configuration each field manager applied with server-side apply, per object.
    var appliedConfigurations: [ResourceType: [ObjectKey: [String: JSONValue]]] = [:]
    /// Set while an events.k8s.io/v1 request runs as a core one: patches apply to the v1 shape.
    var eventsV1View = false

    public init(settings: Settings = Settings(), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.clock = clock
        self.store = ObjectStore(historyLimit: settings.historyLimit)
        seed()
    }

    var now: Date { clock() }

    var admissionContext: AdmissionContext {
        AdmissionContext(now: now, store: store, network: settings.network)
    }

    private func seed() {
        for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            var ns: JSONValue = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
            try? Admission.prepareForCreate(&ns, type: .namespaces, context: admissionContext)
            commit(.namespaces, ns)
        }
        if settings.seedKubernetesService, let cidr = settings.network.serviceCIDRs.first {
            let ip = cidr.address.adding(1).text
            var svc: JSONValue = [
                "apiVersion": "v1", "kind": "Service",
                "metadata": ["name": "kubernetes", "namespace": "default",
                             "labels": ["component": "apiserver", "provider": "kubernetes"]],
                "spec": ["clusterIP": .string(ip), "ports": [["name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443]]],
            ]
            try? Admission.prepareForCreate(&svc, type: .services, context: admissionContext)
            commit(.services, svc)
        }
    }

    // MARK: - Dispatch

    /// Handles one request. Watches come back as `.watch` for the caller to start with `startWatch`.
    public func handle(_ request: APIRequest) -> APIResponse {
        do {
            return try route(request)
        } catch {
            return .error(error)
        }
    }

    private func route(_ request: APIRequest) throws(APIError) -> APIResponse {
        let route = Route.parse(request.path)
        if case .resource(let rr) = route { return try resource(rr, request) }
        if case .testHook(let segments) = route { return try testHook(segments, request) }
        if case .notFound = route { throw APIError.pageNotFound(request.path) }
        count("get", route: "discovery")
        guard request.method == "GET" || request.method == "HEAD" else {
            throw APIError.methodNotAllowed(request.method, request.path)
        }
        switch route {
        case .root:
            return .ok(["paths": .array(Discovery.allPaths.map { .string($0) })])
        case .version:
            return .ok(Discovery.version)
        case .health:
            return .text(status: 200, body: "ok", contentType: "text/plain; charset=utf-8")
        case .coreVersions, .groups, .group, .resourceList:
            return try Discovery.respond(route, accept: request.accept)
        case .openAPIV3Root:
            return .ok(OpenAPIDocument.root)
        case .openAPIV3(let group, let version):
            guard let doc = OpenAPIDocument.document(group: group, version: version) else {
                throw APIError.pageNotFound(request.path)
            }
            return .ok(doc)
        case .openAPIV2:
            throw APIError.pageNotFound(request.path)
        default:
            throw APIError.pageNotFound(request.path)
        }
    }

    func resource(_ rr: Route.ResourceRequest, _ request: APIRequest) throws(APIError) -> APIResponse {
        if rr.type == .eventsV1 { return try eventsV1(rr, request) }
        let query = request.query
        let sub = rr.subresource.map { "/" + $0 } ?? ""
        let isWatch = rr.legacyWatch || query.flag("watch")
        switch (request.method, rr.name) {
        case ("GET", nil), ("HEAD", nil):
            count(isWatch ? "watch" : "list", rr.type.resource)
            return isWatch ? try watch(rr, request) : try list(rr, request)
        case ("GET", _?), ("HEAD", _?):
            if isWatch {
                count("watch", rr.type.resource)
                return try watch(rr, request)
            }
            count("get", rr.type.resource + sub)
            return try get(rr, request)
        case ("POST", nil):
            count("create", rr.type.resource)
            return try create(rr, request)
        case ("PUT", _?):
            count("update", rr.type.resource + sub)
            return try update(rr, request)
        case ("PATCH", _?):
            count("patch", rr.type.resource + sub)
            return try patch(rr, request)
        case ("DELETE", _?) where rr.subresource == nil:
            count("delete", rr.type.resource)
            return try delete(rr, request)
        case ("DELETE", nil):
            count("deletecollection", rr.type.resource)
            return try deleteCollection(rr, request)
        default:
            throw APIError.methodNotAllowed(request.method, rr.type.qualifiedResource)
        }
    }

    func count(_ verb: String, _ resource: String = "", route: String = "") {
        let key = route.isEmpty ? "\(verb) \(resource)" : "\(verb) \(route)"
        requestCounts[key, default: 0] += 1
    }

    // MARK: - Committing changes

    /// Stores an object and tells the watchers; returns the stored object (unchanged on a no-op).
    @discardableResult
    func commit(_ type: ResourceType, _ object: JSONValue) -> JSONValue {
        var typed = object
        typed["kind"] = .string(type.kind)
        typed["apiVersion"] = .string(type.apiVersion)
        guard let change = store.put(type, typed) else {
            return store.get(type, ObjectKey(of: typed)) ?? typed
        }
        notify(change)
        return change.object
    }

    @discardableResult
    func remove(_ type: ResourceType, _ key: ObjectKey) -> JSONValue? {
        guard let change = store.remove(type, key) else { return nil }
        appliedConfigurations[type]?[key] = nil
        notify(change)
        return change.object
    }
}
