import Foundation
import Testing
@testable import KubeTestServer

/// The kinds `kubectl apply -k deploy/` installs (ServiceAccount, apps/v1 Deployment and
/// DaemonSet, RBAC, policy/v1 PodDisruptionBudget): stored and served like any other kind, with
/// the name rules the real API server applies to each.
@Suite struct InstallKindsTests {
    @Test func everyInstallKindIsDiscoverableAndStored() throws {
        let api = TestAPI()
        let objects: [(path: String, body: String)] = [
            ("/api/v1/namespaces/default/serviceaccounts",
             #"{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"speaker"}}"#),
            ("/apis/apps/v1/namespaces/default/deployments",
             #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"controller"},"spec":{"replicas":2}}"#),
            ("/apis/apps/v1/namespaces/default/daemonsets",
             #"{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"speaker"},"spec":{}}"#),
            ("/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
             #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"speaker"},"rules":[]}"#),
            ("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
             #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"speaker"}}"#),
            ("/apis/rbac.authorization.k8s.io/v1/clusterroles",
             #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"ironlb:speaker"}}"#),
            ("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
             #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"ironlb:speaker"}}"#),
            ("/apis/policy/v1/namespaces/default/poddisruptionbudgets",
             #"{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"controller"},"spec":{"minAvailable":1}}"#),
        ]
        for (path, body) in objects {
            let created = api.post(path, body)
            #expect(created.status == 201, "\(path): \(created.message)")
            let name = try #require(created["metadata", "name"]?.stringValue)
            #expect(api.get("\(path)/\(name)").body == created.body, "\(path)/\(name)")
            #expect(api.get(path)["items"]?.arrayValue?.count == 1, "\(path) list")
        }
        for group in ["apps", "rbac.authorization.k8s.io", "policy"] {
            #expect(api.get("/apis/\(group)").status == 200, "discovery of \(group)")
        }
        // Cluster-scoped RBAC kinds are not served under a namespace.
        #expect(api.get("/apis/rbac.authorization.k8s.io/v1/namespaces/default/clusterroles").status == 404)
    }

    @Test func nameRulesFollowTheKind() {
        let api = TestAPI()
        // RBAC names are path segments: colons are fine (system:controller:... exists in every cluster)...
        #expect(api.post("/apis/rbac.authorization.k8s.io/v1/clusterroles",
                         #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system:x"}}"#)
            .status == 201)
        // ...but not a slash; and a Deployment name must be a DNS subdomain.
        let slash = api.post("/apis/rbac.authorization.k8s.io/v1/clusterroles",
                             #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"a/b"}}"#)
        #expect(slash.status == 422 && slash.reason == "Invalid", "\(slash.status) \(slash.message)")
        let colon = api.post("/apis/apps/v1/namespaces/default/deployments",
                             #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a:b"}}"#)
        #expect(colon.status == 422 && colon.reason == "Invalid", "\(colon.message)")
    }

    @Test func statusIsASubresourceOfWorkloadsAndBudgets() throws {
        let api = TestAPI()
        api.post("/apis/apps/v1/namespaces/default/daemonsets",
                 #"{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"speaker"},"spec":{"a":1}}"#)
        let patched = api.patch("/apis/apps/v1/namespaces/default/daemonsets/speaker/status",
                                #"{"status":{"numberReady":3},"spec":{"a":2}}"#)
        #expect(patched.status == 200, "\(patched.message)")
        #expect(patched["status", "numberReady"] == 3)
        #expect(patched["spec", "a"] == 1, "a /status write does not change the spec")
    }
}
