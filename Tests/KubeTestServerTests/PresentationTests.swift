import Foundation
import Testing
@testable import KubeTestServer

@Suite struct PresentationTests {
    static let tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

    @Test func serviceTableColumnsMatchKubectl() throws {
        let api = TestAPI(seedKubernetesService: true)
        api.post("/api/v1/namespaces/default/services", TestAPI.service("web", extra: #","ports":[{"name":"http","port":80,"nodePort":30080},{"name":"dns","port":53,"protocol":"UDP","nodePort":30053}]"#))
        let table = api.get("/api/v1/namespaces/default/services", accept: Self.tableAccept)
        #expect(table.contentType == "application/json;as=Table;v=v1;g=meta.k8s.io")
        #expect(table["columnDefinitions"]?.arrayValue?.map { $0["name"]?.stringValue ?? "" }
            == ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"])
        #expect(table["columnDefinitions"]?.arrayValue?.last?["priority"] == 1)
        let rows = try #require(table["rows"]?.arrayValue)
        #expect(rows.count == 2)
        let kubernetes = try #require(rows[0]["cells"]?.arrayValue)
        #expect(Array(kubernetes[0...4]) == ["kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP"])
        let web = try #require(rows[1]["cells"]?.arrayValue)
        #expect(web[3] == "<pending>")
        #expect(web[4] == "80:30080/TCP,53:30053/UDP")
        #expect(web[6] == "app=web")
        #expect(rows[1]["object"]?["kind"] == "PartialObjectMetadata")
        #expect(rows[1]["object"]?[path: ["metadata", "namespace"]] == "default")
        #expect(table["metadata", "resourceVersion"] != nil)
        api.patch("/api/v1/namespaces/default/services/web/status",
                  #"{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.2"},{"ip":"192.0.2.1"},{"ip":"192.0.2.2"}]}}}"#)
        let one = api.get("/api/v1/namespaces/default/services/web?includeObject=Object", accept: Self.tableAccept)
        #expect(one["rows"]?.arrayValue?.first?["cells"]?.arrayValue?[3] == "192.0.2.1,192.0.2.2")
        #expect(one["rows"]?.arrayValue?.first?["object"]?["kind"] == "Service")
        let none = api.get("/api/v1/namespaces/default/services/web?includeObject=None", accept: Self.tableAccept)
        #expect(none["rows"]?.arrayValue?.first?["object"] == nil)
    }

    static let durations: [(Double, String)] = [
        (0, "0s"), (59, "59s"), (119, "119s"), (120, "2m"), (125, "2m5s"), (600, "10m"), (3 * 3600 + 60, "3h1m"),
        (10 * 3600, "10h"), (3 * 86400 + 3600, "3d1h"), (30 * 86400, "30d"), (3 * 365 * 86400, "3y"), (-5, "<invalid>"),
    ]

    @Test(arguments: durations)
    func humanDurations(seconds: Double, expected: String) {
        #expect(Timestamp.humanDuration(seconds) == expected)
    }

    @Test func timestampsRoundTrip() throws {
        let date = try #require(Timestamp.parse("2026-06-14T10:00:00.123456Z", exactMicros: true))
        #expect(Timestamp.formatMicro(date) == "2026-06-14T10:00:00.123456Z")
        #expect(Timestamp.format(date) == "2026-06-14T10:00:00Z")
        #expect(Timestamp.parse("2026-06-14T10:00:00Z", exactMicros: true) == nil)
        #expect(Timestamp.parse("2026-06-14T12:00:00+02:00").map(Timestamp.format) == "2026-06-14T10:00:00Z")
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }

    @Test func ageUsesTheServerClock() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = Clock(start)
        let api = TestAPI(clock: { clock.now })
        api.post("/api/v1/namespaces/default/configmaps", #"{"metadata":{"name":"a"},"data":{"x":"1","y":"2"}}"#)
        clock.now = start.addingTimeInterval(3700)
        let table = api.get("/api/v1/namespaces/default/configmaps", accept: Self.tableAccept)
        #expect(table["rows"]?.arrayValue?.first?["cells"] == ["a", 2, "61m"])
    }

    final class Clock: @unchecked Sendable {
        var now: Date
        init(_ now: Date) { self.now = now }
    }

    @Test func eventAndLeaseTables() throws {
        let api = TestAPI()
        api.post("/api/v1/namespaces/default/events", #"{"metadata":{"name":"e"},"involvedObject":{"kind":"Service","name":"web","namespace":"default"},"reason":"IPAllocated","message":" hi ","type":"Normal","source":{"component":"ironlb"},"count":3}"#)
        let events = api.get("/api/v1/namespaces/default/events", accept: Self.tableAccept)
        let cells = try #require(events["rows"]?.arrayValue?.first?["cells"]?.arrayValue)
        #expect(cells.count == 10)
        #expect(Array(cells[1...6]) == ["Normal", "IPAllocated", "service/web", "", "ironlb", "hi"])
        #expect(cells[8] == 3 && cells[9] == "e")
        api.post("/apis/coordination.k8s.io/v1/namespaces/default/leases", #"{"metadata":{"name":"l"},"spec":{"holderIdentity":"node-a"}}"#)
        let leases = api.get("/apis/coordination.k8s.io/v1/namespaces/default/leases", accept: Self.tableAccept)
        #expect(leases["rows"]?.arrayValue?.first?["cells"]?.arrayValue?[1] == "node-a")
    }

    @Test func aggregatedDiscoveryHasShortNamesAndStatus() throws {
        let api = TestAPI()
        let accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
        let core = api.get("/api", accept: accept)
        #expect(core.contentType == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        #expect(core["kind"] == "APIGroupDiscoveryList" && core["apiVersion"] == "apidiscovery.k8s.io/v2")
        let resources = try #require(core["items"]?.arrayValue?.first?["versions"]?.arrayValue?.first?["resources"]?.arrayValue)
        let services = try #require(resources.first { $0["resource"] == "services" })
        #expect(services["shortNames"] == ["svc"])
        #expect(services["scope"] == "Namespaced")
        #expect(services["subresources"]?.arrayValue?.first?["subresource"] == "status")
        #expect(resources.first { $0["resource"] == "nodes" }?["scope"] == "Cluster")
        let beta = api.get("/apis", accept: "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList")
        #expect(beta.contentType == "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList")
        #expect(beta["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue } == ["discovery.k8s.io", "coordination.k8s.io", "events.k8s.io", "apps", "rbac.authorization.k8s.io", "policy"])
        let legacy = api.get("/api/v1")
        #expect(legacy["kind"] == "APIResourceList")
        #expect(legacy["resources"]?.arrayValue?.contains { $0["name"] == "services/status" } == true)
        #expect(api.get("/apis")["kind"] == "APIGroupList")
        #expect(api.get("/apis/coordination.k8s.io")["kind"] == "APIGroup")
        #expect(api.get("/apis/coordination.k8s.io/v1")["groupVersion"] == "coordination.k8s.io/v1")
        #expect(api.get("/version")["minor"] == "32")
    }

    @Test func openAPIv3HasAPatchPerKindWithFieldValidation() throws {
        let api = TestAPI()
        let root = api.get("/openapi/v3")
        let url = try #require(root["paths", "apis/coordination.k8s.io/v1", "serverRelativeURL"]?.stringValue)
        let doc = api.get(url)
        let patch = try #require(doc["paths", "/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}", "patch"])
        #expect(patch["x-kubernetes-group-version-kind"] == ["group": "coordination.k8s.io", "version": "v1", "kind": "Lease"])
        #expect(patch["parameters"]?.arrayValue?.contains { $0["name"] == "fieldValidation" && $0["in"] == "query" } == true)
        #expect(api.get("/openapi/v2").status == 404)
        #expect(api.get("/openapi/v3/apis/nope/v1").status == 404)
    }

    @Test func acceptNegotiation() {
        #expect(ResponseFormat.negotiate("") == .json)
        #expect(ResponseFormat.negotiate("application/vnd.kubernetes.protobuf,*/*") == .json)
        #expect(ResponseFormat.negotiate("application/vnd.kubernetes.protobuf") == nil)
        #expect(ResponseFormat.negotiate(Self.tableAccept, objects: true) == .table(version: "v1"))
        #expect(ResponseFormat.negotiate(Self.tableAccept, objects: false) == .json)
        #expect(ResponseFormat.negotiate("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1", objects: true) == .partialMetadata(version: "v1"))
    }
}
