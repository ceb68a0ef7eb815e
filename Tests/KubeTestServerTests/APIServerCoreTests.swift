import Foundation
import Testing
@testable import KubeTestServer

@Suite struct APIServerCoreTests {
    static let cm = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1"}}"#

    @Test func crudWithResourceVersions() throws {
        let api = TestAPI()
        let created = api.post("/api/v1/namespaces/default/configmaps", Self.cm)
        #expect(created.status == 201)
        #expect(created["metadata", "namespace"] == "default")
        let rv = try #require(created["metadata", "resourceVersion"]?.stringValue)
        let got = api.get("/api/v1/namespaces/default/configmaps/cfg")
        #expect(got.status == 200 && got.body == created.body)
        #expect(got["kind"] == "ConfigMap" && got["apiVersion"] == "v1")
        var changed = got.body
        changed[path: ["data", "a"]] = "2"
        let updated = api.put("/api/v1/namespaces/default/configmaps/cfg", changed.serialized())
        #expect(updated.status == 200)
        #expect(updated["metadata", "resourceVersion"]?.stringValue != rv)
        // A no-op write keeps the version.
        let same = api.put("/api/v1/namespaces/default/configmaps/cfg", updated.body.serialized())
        #expect(same["metadata", "resourceVersion"] == updated["metadata", "resourceVersion"])
        let deleted = api.delete("/api/v1/namespaces/default/configmaps/cfg")
        #expect(deleted.status == 200)
        #expect(deleted["kind"] == "Status" && deleted["status"] == "Success")
        #expect(deleted["details", "uid"] == created["metadata", "uid"])
        #expect(api.get("/api/v1/namespaces/default/configmaps/cfg").status == 404)
    }

    @Test func deletingAServiceReturnsTheObject() {
        let api = TestAPI()
        api.post("/api/v1/namespaces/default/services", TestAPI.service("web"))
        let r = api.delete("/api/v1/namespaces/default/services/web")
        #expect(r.status == 200 && r["kind"] == "Service" && r["metadata", "name"] == "web")
    }

    @Test func errorsAreStatusObjects() {
        let api = TestAPI()
        let missing = api.get("/api/v1/namespaces/default/services/nope")
        #expect(missing.status == 404)
        #expect(missing.body == [
            "kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Failure",
            "message": "services \"nope\" not found", "reason": "NotFound", "code": 404,
            "details": ["name": "nope", "kind": "services"],
        ])
        api.post("/api/v1/namespaces/default/configmaps", Self.cm)
        let exists = api.post("/api/v1/namespaces/default/configmaps", Self.cm)
        #expect(exists.status == 409 && exists.reason == "AlreadyExists")
        #expect(exists.message == "configmaps \"cfg\" already exists")
        let noNamespace = api.post("/api/v1/namespaces/ghost/configmaps", Self.cm)
        #expect(noNamespace.status == 404 && noNamespace.message == "namespaces \"ghost\" not found")
        #expect(api.call("PATCH", "/api/v1/namespaces/default/configmaps/cfg", "{}", contentType: "text/plain").status == 415)
        #expect(api.call("POST", "/api/v1/namespaces/default/configmaps/cfg", "{}").status == 405)
        #expect(api.post("/api/v1/namespaces/default/configmaps", "{not json").status == 400)
        #expect(api.post("/api/v1/namespaces/default/configmaps", "[]").status == 400)
        #expect(api.get("/api/v1/namespaces/default/widgets").status == 404)
        #expect(api.get("/no/such/path").status == 404)
        #expect(api.get("/api/v1/namespaces/default/configmaps?labelSelector=a%20b").status == 400)
        let lease = api.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/x")
        #expect(lease.message == "leases.coordination.k8s.io \"x\" not found")
        #expect(lease["details", "group"] == "coordination.k8s.io")
        let wrongKind = api.post("/api/v1/namespaces/default/services", Self.cm)
        #expect(wrongKind.status == 400)
        let mismatch = api.post("/api/v1/namespaces/default/configmaps", #"{"metadata":{"name":"x","namespace":"other"}}"#)
        #expect(mismatch.status == 400)
        let withRV = api.post("/api/v1/namespaces/default/configmaps", #"{"metadata":{"name":"y","resourceVersion":"5"}}"#)
        #expect(withRV.status == 500)
        #expect(api.get("/api/v1/namespaces/default/configmaps", accept: "application/vnd.kubernetes.protobuf").status == 406)
    }

    @Test func stalePutIsAConflict() throws {
        let api = TestAPI()
        let created = api.post("/api/v1/namespaces/default/configmaps", Self.cm).body
        var first = created
        first[path: ["data", "a"]] = "2"
        #expect(api.put("/api/v1/namespaces/default/configmaps/cfg", first.serialized()).status == 200)
        var stale = created
        stale[path: ["data", "a"]] = "3"
        let r = api.put("/api/v1/namespaces/default/configmaps/cfg", stale.serialized())
        #expect(r.status == 409 && r.reason == "Conflict")
        #expect(r.message == "Operation cannot be fulfilled on configmaps \"cfg\": the object has been modified; please apply your changes to the latest version and try again")
        // ConfigMaps accept an unconditional PUT.
        stale[path: ["metadata", "resourceVersion"]] = nil
        #expect(api.put("/api/v1/namespaces/default/configmaps/cfg", stale.serialized()).status == 200)
        let wrongName = api.put("/api/v1/namespaces/default/configmaps/other", stale.serialized())
        #expect(wrongName.status == 400)
    }

    @Test func leasesNeedAResourceVersionOnUpdateButPutMayCreate() throws {
        let api = TestAPI()
        let path = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1"
        let body = #"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"node-1"},"spec":{"holderIdentity":"a","leaseDurationSeconds":10,"renewTime":"2026-06-14T10:00:00.000000Z"}}"#
        let created = api.put(path, body)
        #expect(created.status == 201)
        let unconditional = api.put(path, body)
        #expect(unconditional.status == 422)
        #expect(unconditional.message == "leases.coordination.k8s.io \"node-1\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update")
        var renewed = created.body
        renewed[path: ["spec", "renewTime"]] = "2026-06-14T10:00:05.000000Z"
        #expect(api.put(path, renewed.serialized()).status == 200)
        #expect(api.put(path, renewed.serialized()).status == 409)
    }

    @Test func microTimesMustHaveSixFractionDigits() {
        let api = TestAPI()
        let r = api.post("/apis/coordination.k8s.io/v1/namespaces/default/leases",
                         #"{"metadata":{"name":"l"},"spec":{"renewTime":"2026-06-14T10:00:00Z"}}"#)
        #expect(r.status == 400)
        let ok = api.post("/apis/coordination.k8s.io/v1/namespaces/default/leases",
                          #"{"metadata":{"name":"l"},"spec":{"renewTime":"2026-06-14T12:00:00.123456+02:00","leaseDurationSeconds":15}}"#)
        #expect(ok["spec", "renewTime"] == "2026-06-14T10:00:00.123456Z")
        let zero = api.post("/apis/coordination.k8s.io/v1/namespaces/default/leases", #"{"metadata":{"name":"z"},"spec":{"leaseDurationSeconds":0}}"#)
        #expect(zero.status == 422)
    }

    @Test func unknownFieldsAreDroppedOrRejectedPerFieldValidation() {
        let api = TestAPI()
        let body = #"{"metadata":{"name":"a"},"data":{"x":"1"},"bogus":1}"#
        let warn = api.post("/api/v1/namespaces/default/configmaps", body)
        #expect(warn.status == 201 && warn["bogus"] == nil)
        #expect(warn.warnings == [#"unknown field "bogus""#])
        let strict = api.post("/api/v1/namespaces/default/configmaps?fieldValidation=Strict", body.replacingOccurrences(of: "\"a\"", with: "\"b\""))
        #expect(strict.status == 400)
        #expect(strict.message == #"strict decoding error: unknown field "bogus""#)
    }

    @Test func patchesInAllFourTypes() throws {
        let api = TestAPI()
        api.post("/api/v1/namespaces/default/services", TestAPI.service("web"))
        let base = "/api/v1/namespaces/default/services/web"
        let merge = api.patch(base, #"{"metadata":{"labels":{"team":"net"}}}"#)
        #expect(merge.status == 200 && merge["metadata", "labels", "team"] == "net")
        let json = api.patch(base, #"[{"op":"replace","path":"/spec/sessionAffinity","value":"ClientIP"}]"#, type: "application/json-patch+json")
        #expect(json["spec", "sessionAffinity"] == "ClientIP", "\(json.message)")
        #expect(json["spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"] == 10800)
        let failed = api.patch(base, #"[{"op":"test","path":"/spec/type","value":"NodePort"}]"#, type: "application/json-patch+json")
        #expect(failed.status == 422)
        let strategic = api.patch(base, #"{"spec":{"ports":[{"port":443,"name":"https"}]}}"#, type: "application/strategic-merge-patch+json")
        #expect(strategic["spec", "ports"]?.arrayValue?.count == 2)
        let stale = api.patch(base, #"{"metadata":{"resourceVersion":"1"},"spec":{"sessionAffinity":"None"}}"#)
        #expect(stale.status == 409)
        #expect(api.patch("/api/v1/namespaces/default/services/ghost", "{}").status == 404)
    }

    @Test func serverSideApplyCreatesMergesAndRequiresAFieldManager() throws {
        let api = TestAPI()
        let path = "/api/v1/namespaces/default/configmaps/ssa"
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n  b: \"2\"\n"
        #expect(api.call("PATCH", path, yaml, contentType: "application/apply-patch+yaml").status == 400)
        let created = api.call("PATCH", path + "?fieldManager=tool", yaml, contentType: "application/apply-patch+yaml")
        #expect(created.status == 201)
        api.patch(path, #"{"data":{"c":"3"}}"#)
        let again = api.call("PATCH", path + "?fieldManager=tool", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n",
                             contentType: "application/apply-patch+yaml")
        #expect(again.status == 200)
        #expect(again["data"] == ["a": "1", "c": "3"])
        let other = api.call("PATCH", path + "?fieldManager=other", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"9\"\n",
                             contentType: "application/apply-patch+yaml")
        #expect(other.status == 409)
        #expect(other.message == #"Apply failed with 1 conflict: conflict with "tool" using v1: .data.a"#)
        let forced = api.call("PATCH", path + "?fieldManager=other&force=true", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"9\"\n",
                              contentType: "application/apply-patch+yaml")
        #expect(forced["data", "a"] == "9")
    }

    @Test func paginationWithContinueAndRemainingItemCount() throws {
        let api = TestAPI()
        for i in 0..<5 { api.post("/api/v1/namespaces/default/configmaps", #"{"metadata":{"name":"c\#(i)"}}"#) }
        let page1 = api.get("/api/v1/namespaces/default/configmaps?limit=2")
        #expect(page1["items"]?.arrayValue?.count == 2)
        #expect(page1["metadata", "remainingItemCount"] == 3)
        let token = try #require(page1["metadata", "continue"]?.stringValue)
        api.post("/api/v1/namespaces/default/configmaps", #"{"metadata":{"name":"c9"}}"#)  // not in the snapshot
        let page2 = api.get("/api/v1/namespaces/default/configmaps?limit=10&continue=\(token)")
        #expect(page2["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue } == ["c2", "c3", "c4"])
        #expect(page2["metadata", "continue"] == nil)
        #expect(page2["metadata", "resourceVersion"] == page1["metadata", "resourceVersion"])
        #expect(page1["items"]?.arrayValue?.first?["kind"] == nil)
    }

    @Test func tooOldListsAndContinueTokensAre410() throws {
        let api = TestAPI(historyLimit: 2)
        api.post("/api/v1/namespaces/default/configmaps", #"{"metadata":{"name":"a"}}"#)
        let page = api.get("/api/v1/namespaces/default/configmaps?limit=1")
        let token = try #require(page["metadata", "continue"]?.stringValue ?? Optional("x"))
        for i in 0..<3 { api.post("/api/v1/namespaces/default/configmaps", #"{"metadata":{"name":"n\#(i)"}}"#) }
        if page["metadata", "continue"] != nil {
            #expect(api.get("/api/v1/namespaces/default/configmaps?continue=\(token)").status == 410)
        }
        let exact = api.get("/api/v1/namespaces/default/configmaps?resourceVersion=1&resourceVersionMatch=Exact")
        #expect(exact.status == 410 && exact.reason == "Expired")
        let notOlder = api.get("/api/v1/namespaces/default/configmaps?resourceVersion=1")
        #expect(notOlder.status == 200)
        let future = api.get("/api/v1/namespaces/default/configmaps?resourceVersion=999999")
        #expect(future.status == 504)
    }

    @Test func finalizersDelayDeletion() throws {
        let api = TestAPI()
        let (sink, _) = api.watch("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=\(api.core.store.resourceVersion)")
        api.post("/api/v1/namespaces/default/configmaps", #"{"metadata":{"name":"f","finalizers":["ironlb.dev/cleanup"]}}"#)
        let r = api.delete("/api/v1/namespaces/default/configmaps/f")
        #expect(r.status == 200 && r["metadata", "deletionTimestamp"] != nil)
        #expect(api.get("/api/v1/namespaces/default/configmaps/f").status == 200)
        let added = api.patch("/api/v1/namespaces/default/configmaps/f", #"{"metadata":{"finalizers":["ironlb.dev/cleanup","x.io/more"]}}"#)
        #expect(added.status == 422)
        api.patch("/api/v1/namespaces/default/configmaps/f", #"{"metadata":{"finalizers":null}}"#)
        #expect(api.get("/api/v1/namespaces/default/configmaps/f").status == 404)
        #expect(sink.summary == ["ADDED f", "MODIFIED f", "DELETED f"])
    }

    @Test func deletingANamespaceDeletesItsContents() {
        let api = TestAPI()
        api.post("/api/v1/namespaces", #"{"metadata":{"name":"demo"}}"#)
        api.post("/api/v1/namespaces/demo/configmaps", Self.cm)
        api.post("/api/v1/namespaces/demo/services", TestAPI.service("web", namespace: "demo"))
        #expect(api.delete("/api/v1/namespaces/demo").status == 200)
        #expect(api.get("/api/v1/namespaces/demo").status == 404)
        #expect(api.get("/api/v1/namespaces/demo/configmaps")["items"] == [])
        #expect(api.delete("/api/v1/namespaces/default").status == 403)
        let created = api.get("/api/v1/namespaces/default")
        #expect(created["metadata", "labels", "kubernetes.io/metadata.name"] == "default")
    }

    @Test func namespaceWithFinalizedContentStaysTerminating() {
        let api = TestAPI()
        api.post("/api/v1/namespaces", #"{"metadata":{"name":"demo"}}"#)
        api.post("/api/v1/namespaces/demo/configmaps", #"{"metadata":{"name":"f","finalizers":["x.io/y"]}}"#)
        api.delete("/api/v1/namespaces/demo")
        #expect(api.get("/api/v1/namespaces/demo")["status", "phase"] == "Terminating")
        let forbidden = api.post("/api/v1/namespaces/demo/configmaps", Self.cm)
        #expect(forbidden.status == 403)
        api.patch("/api/v1/namespaces/demo/configmaps/f", #"{"metadata":{"finalizers":[]}}"#)
        #expect(api.get("/api/v1/namespaces/demo").status == 404)
    }

    @Test func secretsFoldStringDataAndCheckBase64() {
        let api = TestAPI()
        let r = api.post("/api/v1/namespaces/default/secrets", #"{"metadata":{"name":"s"},"stringData":{"password":"hunter2"}}"#)
        #expect(r["data", "password"] == "aHVudGVyMg==")
        #expect(r["stringData"] == nil && r["type"] == "Opaque")
        #expect(api.post("/api/v1/namespaces/default/secrets", #"{"metadata":{"name":"t"},"data":{"a":"***"}}"#).status == 400)
    }

    @Test func eventsAreFoundByTheirInvolvedObject() {
        let api = TestAPI()
        let event = #"{"metadata":{"name":"e1"},"involvedObject":{"kind":"Service","namespace":"default","name":"web","uid":"u1"},"reason":"IPAllocated","message":"ok","type":"Normal","count":1}"#
        #expect(api.post("/api/v1/namespaces/default/events", event).status == 201)
        let found = api.get("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb%2CinvolvedObject.namespace%3Ddefault%2CinvolvedObject.kind%3DService%2CinvolvedObject.uid%3Du1&limit=500")
        #expect(found["items"]?.arrayValue?.count == 1)
        let wrongNamespace = api.post("/api/v1/namespaces/default/events", #"{"metadata":{"name":"e2"},"involvedObject":{"kind":"Service","namespace":"other","name":"web"}}"#)
        #expect(wrongNamespace.status == 422)
    }

    @Test func endpointSlicesValidateAddresses() {
        let api = TestAPI()
        let good = #"{"metadata":{"name":"web-abc","labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"],"conditions":{"ready":true},"nodeName":"n1"}],"ports":[{"name":"http","port":8080,"protocol":"TCP"}]}"#
        let r = api.post("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", good)
        #expect(r.status == 201 && r["metadata", "generation"] == 1)
        let bad = good.replacingOccurrences(of: "10.0.0.1", with: "fe80::1").replacingOccurrences(of: "web-abc", with: "web-def")
        #expect(api.post("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", bad).status == 422)
        let byLabel = api.get("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb")
        #expect(byLabel["items"]?.arrayValue?.count == 1)
    }

    @Test func nodesKeepStatusOnCreateAndSplitItOnUpdate() {
        let api = TestAPI()
        let node = #"{"metadata":{"name":"n1","labels":{"node-role.kubernetes.io/control-plane":""}},"status":{"conditions":[{"type":"Ready","status":"True"}],"addresses":[{"type":"InternalIP","address":"10.0.0.1"}],"nodeInfo":{"kubeletVersion":"v1.32.5"}}}"#
        let r = api.post("/api/v1/nodes", node)
        #expect(r.status == 201 && r["status", "conditions"]?.arrayValue?.count == 1)
        let cordoned = api.patch("/api/v1/nodes/n1", #"{"spec":{"unschedulable":true},"status":{"conditions":[]}}"#)
        #expect(cordoned["spec", "unschedulable"] == true && cordoned["status", "conditions"]?.arrayValue?.count == 1)
        let table = api.get("/api/v1/nodes", accept: "application/json;as=Table;v=v1;g=meta.k8s.io")
        #expect(table["rows"]?.arrayValue?.first?["cells"] == ["n1", "Ready,SchedulingDisabled", "control-plane", "0s", "v1.32.5", "10.0.0.1", "<none>", "<unknown>", "<unknown>", "<unknown>"])
        #expect(api.get("/api/v1/namespaces/default/nodes").status == 404)
    }

    @Test func dryRunPersistsNothing() {
        let api = TestAPI()
        let r = api.post("/api/v1/namespaces/default/configmaps?dryRun=All", Self.cm)
        #expect(r.status == 201)
        #expect(api.get("/api/v1/namespaces/default/configmaps/cfg").status == 404)
    }

    @Test func requestCountsByVerbAndResource() {
        let api = TestAPI()
        api.post("/apis/coordination.k8s.io/v1/namespaces/default/leases", #"{"metadata":{"name":"l"}}"#)
        api.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/l")
        api.patch("/api/v1/namespaces/default/services/x/status", "{}")
        #expect(api.core.requestCounts["create leases"] == 1)
        #expect(api.core.requestCounts["get leases"] == 1)
        #expect(api.core.requestCounts["patch services/status"] == 1)
    }
}
