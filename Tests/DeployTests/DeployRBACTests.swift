import Foundation
import Testing

/// Least privilege, checked on the rendered RBAC objects: what each service account may do is
/// computed from its bindings and compared with exactly what its binary needs (see the comment
/// at the top of deploy/rbac.yaml for the code path behind each permission). Any extra grant,
/// a wildcard, or Secrets readable cluster-wide fails.
@Suite(.enabled(if: DeployPrerequisites.kubectlUsable,
                "needs kubectl on PATH (IRONLB_REQUIRE_LAB=1 makes its absence fail)"))
struct DeployRBACTests {
    /// One permission: `SCOPE GROUP/RESOURCE[NAME] VERB`, SCOPE `cluster` or a namespace,
    /// GROUP empty for the core group, `[NAME]` only for rules limited by resourceNames.
    static func permission(scope: String, group: String, resource: String, name: String?, verb: String) -> String {
        "\(scope) \(group)/\(resource)\(name.map { "[\($0)]" } ?? "") \(verb)"
    }

    static func permissions(of rules: [[String: Any]], scope: String) -> Set<String> {
        var result: Set<String> = []
        for rule in rules {
            let names = rule["resourceNames"] as? [String]
            for group in rule["apiGroups"] as? [String] ?? [] {
                for resource in rule["resources"] as? [String] ?? [] {
                    for verb in rule["verbs"] as? [String] ?? [] {
                        for name in names.map({ $0.map(Optional.some) }) ?? [nil] {
                            result.insert(permission(scope: scope, group: group, resource: resource, name: name, verb: verb))
                        }
                    }
                }
            }
        }
        return result
    }

    /// Everything the service account `ironlb-system/account` is granted by the rendered bindings.
    static func granted(to account: String, in manifests: RenderedManifests) throws -> Set<String> {
        var result: Set<String> = []
        for binding in manifests.objects where ["ClusterRoleBinding", "RoleBinding"].contains(binding.kind) {
            let subjects = binding.list("subjects")
            guard subjects.contains(where: {
                $0["kind"] as? String == "ServiceAccount" && $0["name"] as? String == account
                    && $0["namespace"] as? String == "ironlb-system"
            }) else { continue }
            let roleKind = binding["roleRef.kind"] as? String ?? ""
            let role = try manifests.object(roleKind, binding["roleRef.name"] as? String ?? "")
            let scope = binding.kind == "ClusterRoleBinding" ? "cluster" : (binding.namespace ?? "?")
            result.formUnion(permissions(of: role.list("rules"), scope: scope))
        }
        return result
    }

    static func expand(_ scope: String, _ group: String, _ resources: [String], name: String? = nil,
                       _ verbs: [String]) -> [String] {
        resources.flatMap { resource in
            verbs.map { permission(scope: scope, group: group, resource: resource, name: name, verb: $0) }
        }
    }

    static let events = expand("cluster", "", ["events"], ["create", "patch"])
        + expand("cluster", "events.k8s.io", ["events"], ["create", "patch"])

    /// The controller: Services (read, patch its annotation, write status), Events, its
    /// ConfigMap by name, the leader Lease by name (create cannot be limited by name).
    static let controllerNeeds = Set(
        expand("cluster", "", ["services"], ["get", "list", "watch", "patch"])
            + expand("cluster", "", ["services/status"], ["update", "patch"])
            + events
            + expand("ironlb-system", "", ["configmaps"], name: "config", ["get", "list", "watch"])
            + expand("ironlb-system", "coordination.k8s.io", ["leases"], ["create"])
            + expand("ironlb-system", "coordination.k8s.io", ["leases"], name: "ironlb-controller", ["get", "update"]))

    /// The speaker: read Services, EndpointSlices, Nodes; Events; its ConfigMap and its Secret
    /// by name; the speaker Leases in its namespace only.
    static let speakerNeeds = Set(
        expand("cluster", "", ["services", "nodes"], ["get", "list", "watch"])
            + expand("cluster", "discovery.k8s.io", ["endpointslices"], ["get", "list", "watch"])
            + events
            + expand("ironlb-system", "", ["configmaps"], name: "config", ["get", "list", "watch"])
            + expand("ironlb-system", "", ["secrets"], name: "memberlist", ["get"])
            + expand("ironlb-system", "coordination.k8s.io", ["leases"], ["get", "list", "watch", "create", "update", "patch"]))

    @Test func controllerHasExactlyWhatItNeeds() async throws {
        let manifests = try await RenderedManifests.render(kubectl: try DeployPrerequisites.requireKubectl())
        defer { manifests.remove() }
        let granted = try Self.granted(to: "controller", in: manifests)
        #expect(granted.subtracting(Self.controllerNeeds).isEmpty,
                "more than the controller needs: \(granted.subtracting(Self.controllerNeeds).sorted())")
        #expect(Self.controllerNeeds.subtracting(granted).isEmpty,
                "the controller lacks: \(Self.controllerNeeds.subtracting(granted).sorted())")
    }

    @Test func speakerHasExactlyWhatItNeeds() async throws {
        let manifests = try await RenderedManifests.render(kubectl: try DeployPrerequisites.requireKubectl())
        defer { manifests.remove() }
        let granted = try Self.granted(to: "speaker", in: manifests)
        #expect(granted.subtracting(Self.speakerNeeds).isEmpty,
                "more than the speaker needs: \(granted.subtracting(Self.speakerNeeds).sorted())")
        #expect(Self.speakerNeeds.subtracting(granted).isEmpty,
                "the speaker lacks: \(Self.speakerNeeds.subtracting(granted).sorted())")
    }

    /// Rules that hold whatever the exact tables say: no wildcards, no ClusterRole that mentions
    /// Secrets, every Secret rule limited by name, Leases only in Roles, and every binding's
    /// subjects are IronLB's own service accounts.
    @Test func noWildcardsAndNoSecretsClusterWide() async throws {
        let manifests = try await RenderedManifests.render(kubectl: try DeployPrerequisites.requireKubectl())
        defer { manifests.remove() }
        let roles = manifests.objects.filter { ["ClusterRole", "Role"].contains($0.kind) }
        #expect(roles.count == 4, "\(roles.map(\.id))")
        for role in roles {
            #expect(role["aggregationRule"] == nil, "\(role.id) aggregates other roles")
            for rule in role.list("rules") {
                let fields = ["apiGroups", "resources", "verbs", "resourceNames"].flatMap { rule[$0] as? [String] ?? [] }
                #expect(!fields.contains("*"), "\(role.id) has a wildcard: \(rule)")
                #expect(rule["nonResourceURLs"] == nil, "\(role.id): \(rule)")
                let resources = rule["resources"] as? [String] ?? []
                if role.kind == "ClusterRole" {
                    #expect(!resources.contains { $0.hasPrefix("secrets") }, "\(role.id) grants Secrets cluster-wide: \(rule)")
                    #expect(!resources.contains("leases"), "\(role.id) grants Leases cluster-wide: \(rule)")
                }
                if resources.contains(where: { $0.hasPrefix("secrets") }) {
                    #expect(rule["resourceNames"] as? [String] == ["memberlist"], "\(role.id): \(rule)")
                    #expect(rule["verbs"] as? [String] == ["get"], "\(role.id): \(rule)")
                }
            }
        }
        for binding in manifests.objects where binding.kind.hasSuffix("RoleBinding") {
            for subject in binding.list("subjects") {
                #expect(subject["kind"] as? String == "ServiceAccount" && subject["namespace"] as? String == "ironlb-system"
                        && ["controller", "speaker"].contains(subject["name"] as? String ?? ""),
                        "\(binding.id) binds \(subject)")
            }
            #expect(binding["roleRef.name"] as? String != "cluster-admin", "\(binding.id)")
        }
    }

    /// The permission arithmetic itself: a rule list with a Secret rule and a named rule expands
    /// as the tables above assume.
    @Test func permissionExpansion() {
        let rules: [[String: Any]] = [
            ["apiGroups": [""], "resources": ["secrets"], "resourceNames": ["a", "b"], "verbs": ["get"]],
            ["apiGroups": ["apps", "batch"], "resources": ["jobs"], "verbs": ["list", "watch"]],
        ]
        #expect(Self.permissions(of: rules, scope: "ns") == [
            "ns /secrets[a] get", "ns /secrets[b] get", "ns apps/jobs list", "ns apps/jobs watch",
            "ns batch/jobs list", "ns batch/jobs watch",
        ])
    }
}
