/// One kind the server stores: its REST name, Kind, scope and what discovery says about it.
public struct ResourceType: Sendable, Hashable, CustomStringConvertible {
    /// API group; empty for the core (legacy) group served under `/api`.
    public let group: String
    public let version: String
    /// The plural REST name (`services`).
    public let resource: String
    public let singular: String
    public let kind: String
    public let namespaced: Bool
    public let shortNames: [String]
    public let categories: [String]
    /// Whether the `/status` subresource exists (spec and status are written separately).
    public let hasStatus: Bool
    /// Field selector labels beyond `metadata.name` and `metadata.namespace`, mapped to the JSON path
    /// they read (`spec.type` -> ["spec", "type"]). Anything else is a 400.
    public let selectableFields: [String: [String]]
    /// Whether a PUT must carry `metadata.resourceVersion` (Leases: `AllowUnconditionalUpdate` false).
    public let requiresResourceVersionOnUpdate: Bool
    /// Whether a PUT to a missing object creates it (`AllowCreateOnUpdate`).
    public let allowsCreateOnUpdate: Bool

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var listKind: String { kind + "List" }
    /// `services` or `leases.coordination.k8s.io`, as error messages name a resource.
    public var qualifiedResource: String { group.isEmpty ? resource : "\(resource).\(group)" }
    public var description: String { qualifiedResource }

    /// The path prefix of this group-version: `/api/v1` or `/apis/coordination.k8s.io/v1`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    public static let verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
}

extension ResourceType {
    public static let namespaces = ResourceType(
        group: "", version: "v1", resource: "namespaces", singular: "namespace", kind: "Namespace",
        namespaced: false, shortNames: ["ns"], categories: [], hasStatus: true,
        selectableFields: ["status.phase": ["status", "phase"]],
        requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: false)

    public static let services = ResourceType(
        group: "", version: "v1", resource: "services", singular: "service", kind: "Service",
        namespaced: true, shortNames: ["svc"], categories: ["all"], hasStatus: true,
        selectableFields: ["spec.clusterIP": ["spec", "clusterIP"], "spec.type": ["spec", "type"]],
        requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: true)

    public static let nodes = ResourceType(
        group: "", version: "v1", resource: "nodes", singular: "node", kind: "Node",
        namespaced: false, shortNames: ["no"], categories: [], hasStatus: true,
        selectableFields: ["spec.unschedulable": ["spec", "unschedulable"]],
        requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: false)

    public static let configMaps = ResourceType(
        group: "", version: "v1", resource: "configmaps", singular: "configmap", kind: "ConfigMap",
        namespaced: true, shortNames: ["cm"], categories: [], hasStatus: false, selectableFields: [:],
        requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: true)

    public static let secrets = ResourceType(
        group: "", version: "v1", resource: "secrets", singular: "secret", kind: "Secret",
        namespaced: true, shortNames: [], categories: [], hasStatus: false, selectableFields: ["type": ["type"]],
        requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: true)

    public static let events = ResourceType(
        group: "", version: "v1", resource: "events", singular: "event", kind: "Event",
        namespaced: true, shortNames: ["ev"], categories: [], hasStatus: false,
        selectableFields: [
            "involvedObject.kind": ["involvedObject", "kind"],
            "involvedObject.namespace": ["involvedObject", "namespace"],
            "involvedObject.name": ["involvedObject", "name"],
            "involvedObject.uid": ["involvedObject", "uid"],
            "involvedObject.apiVersion": ["involvedObject", "apiVersion"],
            "involvedObject.resourceVersion": ["involvedObject", "resourceVersion"],
            "involvedObject.fieldPath": ["involvedObject", "fieldPath"],
            "reason": ["reason"],
            "reportingComponent": ["reportingComponent"],
            "source": ["source", "component"],
            "type": ["type"],
        ],
        requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: true)

    /// events.k8s.io/v1 Events: the same objects as core/v1 Events, in the newer shape
    /// (`regarding`, `note`, `reportingController`, `deprecated*`); stored as core Events.
    public static let eventsV1 = ResourceType(
        group: "events.k8s.io", version: "v1", resource: "events", singular: "event", kind: "Event",
        namespaced: true, shortNames: ["ev"], categories: [], hasStatus: false, selectableFields: [:],
        requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: true)

    public static let endpointSlices = ResourceType(
        group: "discovery.k8s.io", version: "v1", resource: "endpointslices", singular: "endpointslice",
        kind: "EndpointSlice", namespaced: true, shortNames: [], categories: [], hasStatus: false,
        selectableFields: [:], requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: false)

    public static let leases = ResourceType(
        group: "coordination.k8s.io", version: "v1", resource: "leases", singular: "lease", kind: "Lease",
        namespaced: true, shortNames: [], categories: [], hasStatus: false, selectableFields: [:],
        requiresResourceVersionOnUpdate: true, allowsCreateOnUpdate: true)

    // The kinds `kubectl apply -k deploy/` installs besides the ones above. Stored and served
    // like any other (CRUD, watch, patch, apply), without kind-specific validation: nothing in
    // this server runs Pods, so they are only records (their schemas are `.any`).

    public static let serviceAccounts = ResourceType(
        group: "", version: "v1", resource: "serviceaccounts", singular: "serviceaccount", kind: "ServiceAccount",
        namespaced: true, shortNames: ["sa"], categories: [], hasStatus: false, selectableFields: [:],
        requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: true)

    public static let deployments = ResourceType(
        group: "apps", version: "v1", resource: "deployments", singular: "deployment", kind: "Deployment",
        namespaced: true, shortNames: ["deploy"], categories: ["all"], hasStatus: true, selectableFields: [:],
        requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: false)

    public static let daemonSets = ResourceType(
        group: "apps", version: "v1", resource: "daemonsets", singular: "daemonset", kind: "DaemonSet",
        namespaced: true, shortNames: ["ds"], categories: ["all"], hasStatus: true, selectableFields: [:],
        requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: false)

    public static let roles = ResourceType(
        group: "rbac.authorization.k8s.io", version: "v1", resource: "roles", singular: "role", kind: "Role",
        namespaced: true, shortNames: [], categories: [], hasStatus: false, selectableFields: [:],
        requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: true)

    public static let roleBindings = ResourceType(
        group: "rbac.authorization.k8s.io", version: "v1", resource: "rolebindings", singular: "rolebinding",
        kind: "RoleBinding", namespaced: true, shortNames: [], categories: [], hasStatus: false, selectableFields: [:],
        requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: true)

    public static let clusterRoles = ResourceType(
        group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles", singular: "clusterrole",
        kind: "ClusterRole", namespaced: false, shortNames: [], categories: [], hasStatus: false, selectableFields: [:],
        requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: true)

    public static let clusterRoleBindings = ResourceType(
        group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterrolebindings",
        singular: "clusterrolebinding", kind: "ClusterRoleBinding", namespaced: false, shortNames: [], categories: [],
        hasStatus: false, selectableFields: [:], requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: true)

    public static let podDisruptionBudgets = ResourceType(
        group: "policy", version: "v1", resource: "poddisruptionbudgets", singular: "poddisruptionbudget",
        kind: "PodDisruptionBudget", namespaced: true, shortNames: ["pdb"], categories: [], hasStatus: true,
        selectableFields: [:], requiresResourceVersionOnUpdate: false, allowsCreateOnUpdate: false)

    /// Every kind served, in discovery order.
    public static let all: [ResourceType] = [
        .namespaces, .services, .nodes, .configMaps, .secrets, .events, .endpointSlices, .leases, .eventsV1,
        .serviceAccounts, .deployments, .daemonSets, .roles, .roleBindings, .clusterRoles, .clusterRoleBindings,
        .podDisruptionBudgets,
    ]

    /// The groups served under `/apis`, in discovery order.
    public static let groups: [(group: String, version: String)] = [
        ("discovery.k8s.io", "v1"), ("coordination.k8s.io", "v1"), ("events.k8s.io", "v1"), ("apps", "v1"),
        ("rbac.authorization.k8s.io", "v1"), ("policy", "v1"),
    ]

    /// Looks a resource up by group, version and plural name.
    public static func find(group: String, version: String, resource: String) -> ResourceType? {
        all.first { $0.group == group && $0.version == version && $0.resource == resource }
    }

    /// Looks a resource up by its Kind (first match across groups).
    public static func find(kind: String) -> ResourceType? {
        all.first { $0.kind == kind }
    }
}
