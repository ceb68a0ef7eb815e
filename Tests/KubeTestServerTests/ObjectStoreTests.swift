import Testing
@testable import KubeTestServer

@Suite struct ObjectStoreTests {
    func cm(_ name: String, _ value: String, namespace: String = "default") -> JSONValue {
        ["metadata": ["name": .string(name), "namespace": .string(namespace)], "data": ["v": .string(value)]]
    }

    @Test func everyChangeBumpsOneGlobalVersion() throws {
        var store = ObjectStore()
        let changeA = store.put(.configMaps, cm("a", "1"))
        let changeB = store.put(.services, ["metadata": ["name": "s", "namespace": "default"]])
        let changeC = store.put(.configMaps, cm("a", "2"))
        let a = try #require(changeA), b = try #require(changeB), c = try #require(changeC)
        #expect([a.resourceVersion, b.resourceVersion, c.resourceVersion] == [1, 2, 3])
        #expect(a.change == .added && c.change == .modified)
        #expect(store.get(.configMaps, ObjectKey(namespace: "default", name: "a"))?[path: ["metadata", "resourceVersion"]] == "3")
        #expect(store.resourceVersion == 3)
    }

    @Test func aNoOpWriteKeepsTheVersionAndRecordsNothing() throws {
        var store = ObjectStore()
        store.put(.configMaps, cm("a", "1"))
        let again = store.put(.configMaps, cm("a", "1"))
        #expect(again == nil)
        #expect(store.resourceVersion == 1)
        #expect(try store.changes(after: 0, type: nil).count == 1)
    }

    @Test func deletionsCarryTheLastStateAtTheDeletionVersion() throws {
        var store = ObjectStore()
        store.put(.configMaps, cm("a", "1"))
        let removed = store.remove(.configMaps, ObjectKey(namespace: "default", name: "a"))
        let change = try #require(removed)
        #expect(change.change == .deleted)
        #expect(change.object[path: ["metadata", "resourceVersion"]] == "2")
        #expect(change.object[path: ["data", "v"]] == "1")
        let second = store.remove(.configMaps, ObjectKey(namespace: "default", name: "a"))
        #expect(second == nil)
    }

    @Test func boundedHistoryMakesOldVersionsExpire() throws {
        var store = ObjectStore(historyLimit: 3)
        for i in 1...5 { store.put(.configMaps, cm("a", String(i))) }
        #expect(store.compactedThrough == 2)
        #expect(try store.changes(after: 2, type: .configMaps).map(\.resourceVersion) == [3, 4, 5])
        let error = #expect(throws: APIError.self) { try store.changes(after: 1, type: .configMaps) }
        #expect(error?.code == 410)
        #expect(error?.reason == "Expired")
        #expect(error?.message == "too old resource version: 1 (2)")
    }

    @Test func compactionExpiresEverythingBefore() throws {
        var store = ObjectStore()
        store.put(.configMaps, cm("a", "1"))
        store.put(.configMaps, cm("a", "2"))
        store.compact()
        #expect(throws: APIError.self) { try store.changes(after: 1, type: nil) }
        #expect(try store.changes(after: 2, type: nil).isEmpty)
    }

    @Test func snapshotsRebuildPastStates() throws {
        var store = ObjectStore()
        store.put(.configMaps, cm("a", "1"))  // 1
        store.put(.configMaps, cm("b", "1"))  // 2
        store.put(.configMaps, cm("a", "2"))  // 3
        store.remove(.configMaps, ObjectKey(namespace: "default", name: "b"))  // 4
        store.put(.configMaps, cm("c", "1", namespace: "other"))  // 5
        let at2 = try store.snapshot(.configMaps, at: 2, namespace: nil)
        #expect(at2.map { $0[path: ["metadata", "name"]] } == ["a", "b"])
        #expect(at2[0][path: ["data", "v"]] == "1")
        #expect(try store.snapshot(.configMaps, at: 5, namespace: "other").count == 1)
        #expect(try store.snapshot(.configMaps, at: 4, namespace: "other").isEmpty)
    }

    @Test func listsAreSortedByNamespaceAndName() {
        var store = ObjectStore()
        for (ns, name) in [("b", "x"), ("a", "z"), ("a", "y")] { store.put(.configMaps, cm(name, "1", namespace: ns)) }
        #expect(store.list(.configMaps).map { ObjectKey(of: $0).description } == ["a/y", "a/z", "b/x"])
        #expect(store.list(.configMaps, namespace: "a").count == 2)
    }

    @Test func continueTokensRoundTripAndRejectGarbage() throws {
        let token = ContinueToken(resourceVersion: 42, startAfter: ObjectKey(namespace: "ns", name: "n"))
        #expect(try ContinueToken.decode(token.encode()) == token)
        #expect(throws: APIError.self) { try ContinueToken.decode("not-base64!") }
        #expect(throws: APIError.self) { try ContinueToken.decode("e30=") }
    }
}
