import Testing
@testable import KubeTestServer

@Suite struct WatchTests {
    let cms = "/api/v1/namespaces/default/configmaps"

    @Test func withoutAVersionAWatchStartsWithSyntheticAdds() {
        let api = TestAPI()
        api.post(cms, #"{"metadata":{"name":"a"}}"#)
        api.post(cms, #"{"metadata":{"name":"b"}}"#)
        let (sink, id) = api.watch(cms + "?watch=true")
        #expect(id != nil)
        #expect(sink.summary == ["ADDED a", "ADDED b"])
        api.patch(cms + "/a", #"{"data":{"x":"1"}}"#)
        api.delete(cms + "/b")
        #expect(sink.summary == ["ADDED a", "ADDED b", "MODIFIED a", "DELETED b"])
        #expect(sink.events.allSatisfy { $0.object["kind"] == "ConfigMap" })
    }

    @Test func fromAVersionOnlyLaterChangesInOrder() throws {
        let api = TestAPI()
        api.post(cms, #"{"metadata":{"name":"a"}}"#)
        let rv = api.core.store.resourceVersion
        api.post(cms, #"{"metadata":{"name":"b"}}"#)
        api.post("/api/v1/namespaces/default/services", TestAPI.service("s"))
        api.patch(cms + "/a", #"{"data":{"x":"1"}}"#)
        let (sink, _) = api.watch(cms + "?watch=1&resourceVersion=\(rv)")
        #expect(sink.summary == ["ADDED b", "MODIFIED a"])
        let versions = sink.events.compactMap { Int($0.object[path: ["metadata", "resourceVersion"]]?.stringValue ?? "") }
        #expect(versions == versions.sorted() && versions.allSatisfy { $0 > rv })
    }

    @Test func objectsLeavingAndEnteringASelector() {
        let api = TestAPI()
        let (sink, _) = api.watch(cms + "?watch=true&labelSelector=app%3Dweb")
        api.post(cms, #"{"metadata":{"name":"a","labels":{"app":"web"}}}"#)
        api.patch(cms + "/a", #"{"metadata":{"labels":{"app":"db"}}}"#)
        api.patch(cms + "/a", #"{"data":{"x":"1"}}"#)
        api.patch(cms + "/a", #"{"metadata":{"labels":{"app":"web"}}}"#)
        #expect(sink.summary == ["ADDED a", "DELETED a", "ADDED a"])
        // The DELETED event carries the last matching state at the new version.
        let deleted = sink.events[1].object
        #expect(deleted[path: ["metadata", "labels", "app"]] == "web")
        #expect(deleted[path: ["metadata", "resourceVersion"]] != sink.events[0].object[path: ["metadata", "resourceVersion"]])
    }

    @Test func fieldSelectorsAndSingleObjectWatches() {
        let api = TestAPI()
        let (byField, _) = api.watch(cms + "?watch=true&fieldSelector=metadata.name%3Db")
        let (byPath, _) = api.watch(cms + "/a?watch=true")
        api.post(cms, #"{"metadata":{"name":"a"}}"#)
        api.post(cms, #"{"metadata":{"name":"b"}}"#)
        #expect(byField.summary == ["ADDED b"])
        #expect(byPath.summary == ["ADDED a"])
        #expect(api.get(cms + "?watch=true&fieldSelector=data.x%3D1").status == 400)
    }

    @Test func namespacedWatchesSeeOnlyTheirNamespace() {
        let api = TestAPI()
        api.post("/api/v1/namespaces", #"{"metadata":{"name":"other"}}"#)
        let (sink, _) = api.watch(cms + "?watch=true")
        let (all, _) = api.watch("/api/v1/configmaps?watch=true")
        api.post("/api/v1/namespaces/other/configmaps", #"{"metadata":{"name":"x"}}"#)
        api.post(cms, #"{"metadata":{"name":"y"}}"#)
        #expect(sink.summary == ["ADDED y"])
        #expect(all.summary == ["ADDED x", "ADDED y"])
    }

    @Test func tooOldVersionGetsOneErrorEventThenEnds() throws {
        let api = TestAPI(historyLimit: 2)
        for i in 0..<4 { api.post(cms, #"{"metadata":{"name":"c\#(i)"}}"#) }
        let (sink, id) = api.watch(cms + "?watch=true&resourceVersion=1")
        #expect(id == nil)
        #expect(sink.events.count == 1)
        let event = try #require(sink.events.first)
        #expect(event.type == "ERROR")
        #expect(event.object["kind"] == "Status" && event.object["code"] == 410 && event.object["reason"] == "Expired")
        #expect(event.object["message"]?.stringValue?.hasPrefix("too old resource version: 1 (") == true)
        #expect(sink.finished == false)
    }

    @Test func hooksForceExpiryAndCompaction() throws {
        let api = TestAPI()
        api.post(cms, #"{"metadata":{"name":"a"}}"#)
        let rv = api.core.store.resourceVersion
        api.core.forceExpiredWatches(1)
        let (first, _) = api.watch(cms + "?watch=true&resourceVersion=\(rv)")
        #expect(first.events.map(\.type) == ["ERROR"])
        let (second, id) = api.watch(cms + "?watch=true&resourceVersion=\(rv)")
        #expect(second.events.isEmpty && id != nil)
        api.post(cms, #"{"metadata":{"name":"b"}}"#)
        api.core.compactHistory()
        let (third, _) = api.watch(cms + "?watch=true&resourceVersion=\(rv)")
        #expect(third.events.first?.object["code"] == 410)
        api.core.endAllWatches(drop: true)
        #expect(second.finished == true)
    }

    @Test func bookmarksCarryOnlyTheVersion() throws {
        let api = TestAPI()
        let (sink, id) = api.watch(cms + "?watch=true&allowWatchBookmarks=true&resourceVersion=1")
        api.post(cms, #"{"metadata":{"name":"a"}}"#)
        api.core.sendBookmark(try #require(id))
        let bookmark = try #require(sink.events.last)
        #expect(bookmark.type == "BOOKMARK")
        #expect(bookmark.object == ["kind": "ConfigMap", "apiVersion": "v1",
                                    "metadata": ["resourceVersion": .string(String(api.core.store.resourceVersion))]])
        let (plain, plainID) = api.watch(cms + "?watch=true&resourceVersion=1")
        api.core.sendBookmark(try #require(plainID))
        #expect(plain.events.allSatisfy { $0.type != "BOOKMARK" })
    }

    @Test func sendInitialEventsEndsWithAnAnnotatedBookmark() throws {
        let api = TestAPI()
        api.post(cms, #"{"metadata":{"name":"a"}}"#)
        let (sink, _) = api.watch(cms + "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan")
        #expect(sink.events.map(\.type) == ["ADDED", "BOOKMARK"])
        #expect(sink.events.last?.object[path: ["metadata", "annotations", "k8s.io/initial-events-end"]] == "true")
        #expect(api.get(cms + "?watch=true&sendInitialEvents=true").status == 422)
    }

    @Test func tableWatchesStreamTablesWithColumnsOnlyFirst() throws {
        let api = TestAPI()
        let (sink, _) = api.watch("/api/v1/namespaces/default/services?watch=true",
                                  accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        api.post("/api/v1/namespaces/default/services", TestAPI.service("web"))
        api.patch("/api/v1/namespaces/default/services/web/status", #"{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.9"}]}}}"#)
        let events = sink.events
        #expect(events.count == 2)
        #expect(events[0].object["kind"] == "Table")
        #expect(events[0].object["columnDefinitions"]?.arrayValue?.count == 7)
        #expect(events[1].object["columnDefinitions"] == .null)
        let cells = try #require(events[1].object["rows"]?.arrayValue?.first?["cells"]?.arrayValue)
        #expect(cells[3] == "192.0.2.9")
        #expect(events[1].object["rows"]?.arrayValue?.first?["object"]?["kind"] == "PartialObjectMetadata")
    }

    @Test func stoppedWatchesGetNothing() throws {
        let api = TestAPI()
        let (sink, id) = api.watch(cms + "?watch=true")
        api.core.stopWatch(try #require(id))
        api.post(cms, #"{"metadata":{"name":"a"}}"#)
        #expect(sink.events.isEmpty)
        #expect(api.core.openWatchCount == 0)
    }
}
