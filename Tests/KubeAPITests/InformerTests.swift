import Foundation
import Synchronization
import Testing

@testable import KubeAPI

/// Collects an informer's events from a subscription, for assertions.
actor EventLog<T: KubeObject> {
    private(set) var entries: [String] = []

    /// Starts consuming `stream` (until it finishes).
    static func start(_ stream: InformerEvents<T>) -> EventLog {
        let log = EventLog()
        Task { await log.consume(stream) }
        return log
    }

    private func consume(_ stream: InformerEvents<T>) async {
        for await event in stream {
            switch event {
            case .added(let object): entries.append("added \(object.metadata.name)")
            case .updated(let old, let new):
                entries.append("updated \(new.metadata.name) \(old.metadata.resourceVersion ?? "")->\(new.metadata.resourceVersion ?? "")")
            case .deleted(let object): entries.append("deleted \(object.metadata.name)")
            case .synced: entries.append("synced")
            }
        }
        entries.append("finished")
    }

    /// Entries without the resource versions of updates.
    var summary: [String] {
        entries.map { $0.hasPrefix("updated ") ? String($0.split(separator: " ").prefix(2).joined(separator: " ")) : $0 }
    }
}

/// Runs `informer` in a task for the duration of `body`, then cancels it and waits for it.
func running<T: KubeObject, R>(_ informer: Informer<T>, _ body: () async throws -> R) async throws -> R {
    let task = Task { await informer.run() }
    do {
        let result = try await body()
        task.cancel()
        await task.value
        return result
    } catch {
        task.cancel()
        await task.value
        throw error
    }
}

@Suite struct InformerTests {
    static let path = "/api/v1/namespaces/default/configmaps"

    static func makeInformer(_ cluster: TestCluster, namespace: String? = "default", labelSelector: String? = nil) -> Informer<ConfigMap> {
        Informer<ConfigMap>(
            client: cluster.client, namespace: namespace, labelSelector: labelSelector,
            resyncBackoff: Backoff(initial: .milliseconds(20), maximum: .milliseconds(200)), logger: testLogger())
    }

    /// Disconnects `informer` (every list and watch fails) while the objects "new", "change",
    /// "remove" and "keep" are created, changed, deleted and re-created (a new uid), then lets it
    /// reconnect with a version that is too old (HTTP 410 on the watch request), and waits for its
    /// second list.
    static func missChangesThenExpire(_ cluster: TestCluster, _ informer: Informer<ConfigMap>) async throws {
        let client = cluster.client
        cluster.dropRequests(pathPrefix: Self.path, method: "GET")
        cluster.dropWatches()
        _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "new")))
        _ = try await client.patch(ConfigMap.self, name: "change", patch: ["data": ["v": "2"]])
        try await client.delete(ConfigMap.self, name: "remove")
        try await client.delete(ConfigMap.self, name: "keep")
        _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "keep")))
        #expect(await eventually { await informer.statistics.failures >= 2 })
        cluster.clearFaults()
        cluster.failRequests(pathPrefix: Self.path, method: "GET", code: 410, reason: "Expired", count: 1)
        #expect(await eventually { await informer.statistics.lists == 2 })
    }

    @Test func syncsThenDeliversChangesInOrder() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "b")))
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "a")))
            let informer = Self.makeInformer(cluster)
            let log = EventLog.start(await informer.events())
            try await running(informer) {
                try await informer.waitForSync()
                #expect(await informer.hasSynced)
                #expect(await informer.list().map(\.metadata.name) == ["a", "b"])
                #expect(await eventually { await cluster.openWatchCount == 1 })

                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "c"), data: ["k": "1"]))
                _ = try await client.patch(ConfigMap.self, name: "a", patch: ["data": ["k": "2"]])
                try await client.delete(ConfigMap.self, name: "b")
                #expect(await eventually { await log.entries.count >= 6 })
                #expect(await log.summary == ["added a", "added b", "synced", "added c", "updated a", "deleted b"])
                #expect(await informer.get(namespace: "default", name: "a")?.data == ["k": "2"])
                #expect(await informer.get(namespace: "default", name: "b") == nil)
                #expect(await informer.resourceVersion == String(cluster.server.resourceVersion))
            }
            #expect(await eventually { await log.entries.last == "finished" })
            let statistics = await informer.statistics
            #expect(statistics.lists == 1)
            #expect(statistics.watches == 1)
        }
    }

    @Test func lateSubscribersGetTheCacheReplayed() async throws {
        try await TestCluster.with { cluster in
            _ = try await cluster.client.create(ConfigMap(metadata: ObjectMeta(name: "x")))
            let informer = Self.makeInformer(cluster)
            try await running(informer) {
                try await informer.waitForSync()
                let log = EventLog.start(await informer.events())
                #expect(await eventually { await log.entries.count == 2 })
                #expect(await log.entries == ["added x", "synced"])
            }
        }
    }

    @Test func labelSelectorTurnsNonMatchingIntoDeletes() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "m", labels: ["ironlb": "yes"])))
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "n")))
            let informer = Self.makeInformer(cluster, labelSelector: "ironlb=yes")
            let log = EventLog.start(await informer.events())
            try await running(informer) {
                try await informer.waitForSync()
                #expect(await eventually { await cluster.openWatchCount == 1 })
                _ = try await client.patch(ConfigMap.self, name: "m", patch: ["metadata": ["labels": ["ironlb": nil]]])
                #expect(await eventually { await log.entries.count == 3 })
                #expect(await log.summary == ["added m", "synced", "deleted m"])
            }
        }
    }

    @Test func recoversFromAnExpiredWatchErrorEvent() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "a")))
            let informer = Self.makeInformer(cluster)
            let log = EventLog.start(await informer.events())
            try await running(informer) {
                try await informer.waitForSync()
                #expect(await eventually { await cluster.openWatchCount == 1 })
                cluster.forceExpiredWatches(1)
                cluster.endWatches()  // the informer resumes from its version and gets ERROR 410
                #expect(await eventually { await informer.statistics.lists == 2 })
                #expect(await informer.statistics.expired == 1)
                #expect(await eventually { await cluster.openWatchCount == 1 })
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "after")))
                #expect(await eventually { await informer.get(namespace: "default", name: "after") != nil })
                // Nothing changed while re-listing, so nothing but the new object is reported.
                #expect(await eventually { await log.entries.count >= 3 })
                #expect(await log.summary == ["added a", "synced", "added after"])
            }
        }
    }

    @Test func recoversFromHTTP410AndReportsWhatItMissed() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            for name in ["keep", "change", "remove"] { _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: name))) }
            let informer = Self.makeInformer(cluster)
            let log = EventLog.start(await informer.events())
            try await running(informer) {
                try await informer.waitForSync()
                #expect(await eventually { await cluster.openWatchCount == 1 })

                try await Self.missChangesThenExpire(cluster, informer)
                #expect(await eventually { await log.entries.count == 9 })
                // Differences come in key order: additions and updates, then deletions. A re-created
                // object is a deletion and an addition, not an update.
                #expect(await log.summary == [
                    "added change", "added keep", "added remove", "synced", "updated change", "deleted keep", "added keep",
                    "added new", "deleted remove",
                ])
                #expect(await informer.list().map(\.metadata.name) == ["change", "keep", "new"])
                #expect(await informer.statistics.expired == 1)
            }
        }
    }

    /// `CacheMode.identities`: the same changes, with new versions as upserts (`.added`) and
    /// objects a relist misses deleted as stubs carrying the old identity; nothing is readable.
    @Test func identitiesModeReportsTheSameChangesWithoutKeepingObjects() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            var oldKeepUID: String?
            for name in ["keep", "change", "remove"] {
                let created = try await client.create(ConfigMap(metadata: ObjectMeta(name: name)))
                if name == "keep" { oldKeepUID = created.metadata.uid }
            }
            let stubs = Mutex<[ObjectMeta]>([])
            let informer = Informer<ConfigMap>(
                client: client, namespace: "default",
                resyncBackoff: Backoff(initial: .milliseconds(20), maximum: .milliseconds(200)), logger: testLogger(),
                cache: .identities(deleted: { meta in
                    stubs.withLock { $0.append(meta) }
                    return ConfigMap(metadata: meta)
                }))
            let log = EventLog.start(await informer.events())
            try await running(informer) {
                try await informer.waitForSync()
                #expect(await eventually { await cluster.openWatchCount == 1 })
                #expect(await informer.count == 3)
                #expect(await informer.get(namespace: "default", name: "keep") == nil)
                #expect(await informer.list().isEmpty)
                // A change seen on the watch is an upsert.
                _ = try await client.patch(ConfigMap.self, name: "change", patch: ["data": ["v": "1"]])
                #expect(await eventually { await log.entries.count == 5 })

                try await Self.missChangesThenExpire(cluster, informer)
                #expect(await eventually { await log.entries.count == 10 })
                #expect(await log.summary == [
                    "added change", "added keep", "added remove", "synced", "added change", "added change",
                    "deleted keep", "added keep", "added new", "deleted remove",
                ])
                #expect(await informer.count == 3)
                let deleted = stubs.withLock { $0 }
                #expect(deleted.map(\.name) == ["keep", "remove"])
                #expect(deleted.first?.uid == oldKeepUID && oldKeepUID != nil, "the stub carries the deleted object's uid")
                #expect(deleted.allSatisfy { $0.namespace == "default" })
            }
        }
    }

    @Test func compactedHistoryForcesARelist() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let informer = Self.makeInformer(cluster)
            try await running(informer) {
                try await informer.waitForSync()
                #expect(await eventually { await cluster.openWatchCount == 1 })
                cluster.dropRequests(pathPrefix: Self.path, method: "GET")
                cluster.dropWatches()
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "while-away")))
                #expect(await eventually { await informer.statistics.failures >= 1 })
                cluster.compactHistory()
                cluster.clearFaults()
                #expect(await eventually { await informer.get(namespace: "default", name: "while-away") != nil })
                #expect(await informer.statistics.expired >= 1)
            }
        }
    }

    @Test func reconnectsAfterDroppedConnectionsWithoutLosingChanges() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let informer = Self.makeInformer(cluster)
            let log = EventLog.start(await informer.events())
            try await running(informer) {
                try await informer.waitForSync()
                for round in 0..<5 {
                    #expect(await eventually { await cluster.openWatchCount == 1 })
                    cluster.dropWatches()
                    _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "cm-\(round)")))
                }
                #expect(await eventually { await informer.list().count == 5 })
                #expect(await eventually { await log.entries.count == 6 })
                #expect(await log.summary == ["synced"] + (0..<5).map { "added cm-\($0)" })
                let statistics = await informer.statistics
                #expect(statistics.lists == 1, "resumed from its version each time, no re-list")
                #expect(statistics.watches >= 6)
            }
        }
    }

    @Test func keepsRetryingWhileTheServerRefuses() async throws {
        try await TestCluster.with { cluster in
            cluster.failRequests(pathPrefix: Self.path, method: "GET", code: 500, reason: "InternalError", count: 3)
            let informer = Self.makeInformer(cluster)
            try await running(informer) {
                try await informer.waitForSync()
                #expect(await informer.statistics.failures == 3)
                #expect(await informer.statistics.lists == 4)
            }
        }
    }

    @Test func allNamespacesAndClusterScopedTypes() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            _ = try await client.create(Namespace(metadata: ObjectMeta(name: "other")))
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "x", namespace: "other")))
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "x", namespace: "default")))
            let configMaps = Self.makeInformer(cluster, namespace: nil)
            let namespaces = Informer<Namespace>(client: client, logger: testLogger())
            try await running(configMaps) {
                try await running(namespaces) {
                    try await configMaps.waitForSync()
                    try await namespaces.waitForSync()
                    #expect(await configMaps.get(namespace: "other", name: "x") != nil)
                    #expect(await configMaps.get(namespace: "default", name: "x") != nil)
                    #expect(await namespaces.get(name: "other") != nil)
                    #expect(await namespaces.list().map(\.metadata.name).contains("kube-system"))
                }
            }
        }
    }

    @Test func waitForSyncIsCancellable() async throws {
        try await TestCluster.with { cluster in
            let informer = Self.makeInformer(cluster)  // never run
            let waiter = Task { try await informer.waitForSync() }
            try await Task.sleep(for: .milliseconds(20))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
        }
    }
}
