import Logging
import Synchronization

/// Keeps a local cache of one resource type in step with the API server, and tells subscribers
/// what changed.
///
/// `run()` lists, then watches from the list's resourceVersion with bookmarks. When the server
/// says the version is too old (410: on the list or watch request, or as an ERROR event in the
/// stream) it lists again and emits the differences against the cache. When the connection drops
/// or a request fails it reconnects from the last version seen, after a backoff with full jitter
/// that resets after a healthy watch. Reconcilers read the cache (`get`, `list`) and consume
/// `events()`.
public actor Informer<T: KubeObject> {
    public nonisolated let namespace: String?
    public nonisolated let labelSelector: String?
    public nonisolated let fieldSelector: String?

    private let client: KubeClient
    private var backoff: Backoff
    private let watchTimeoutSeconds: ClosedRange<Int>
    private let pageSize: Int
    /// A watch that lasted this long, or delivered an event, counts as healthy (resets the backoff).
    private let healthyWatchDuration: Duration
    private let logger: Logger
    /// Applied to every object before it is cached or handed out (client-go's TransformFunc): a
    /// reader that needs only some fields drops the rest, so the cache costs less memory.
    private let transform: (@Sendable (T) -> T)?

    /// What the cache keeps of each object (see `CacheMode`).
    private let mode: CacheMode
    /// Objects are boxed: a Service is ~480 bytes inline, and a dictionary of 10,000 of them
    /// allocates 16,384 such slots (and twice that while it grows); boxed, a slot is 8 bytes.
    private var cache: [ObjectKey: CacheEntry<T>] = [:]
    private var synced = false
    private var syncWaiters: [Int: CheckedContinuation<Void, any Error>] = [:]
    private var subscribers: [Int: AsyncStream<InformerEvent<T>>.Continuation] = [:]
    private var nextID = 0
    private var lastResourceVersion: String?
    private var watchWasHealthy = false
    private var running = false
    private var stats = InformerStatistics()

    /// - Parameters:
    ///   - namespace: nil watches all namespaces.
    ///   - resyncBackoff: the reconnect backoff (default 100 ms doubling to 30 s, full jitter).
    ///   - transform: applied to each object before it is cached and emitted (to drop fields
    ///     the reader never uses); nil keeps objects whole.
    ///   - cache: `.objects` (the default) or `.identities` for a reader that keeps its own copy
    ///     of what it needs (see `CacheMode`).
    ///   - watchTimeoutSeconds: each watch asks the server to end it after a random time in this
    ///     range (client-go uses 5-10 minutes), so connections are recycled and load spreads.
    public init(
        client: KubeClient, namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
        resyncBackoff: Backoff = Backoff(), watchTimeoutSeconds: ClosedRange<Int> = 300...600, pageSize: Int = 500,
        healthyWatchDuration: Duration = .seconds(10), logger: Logger? = nil,
        transform: (@Sendable (T) -> T)? = nil, cache: CacheMode = .objects
    ) {
        self.client = client
        self.transform = transform
        self.mode = cache
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.backoff = resyncBackoff
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.pageSize = pageSize
        self.healthyWatchDuration = healthyWatchDuration
        var logger = logger ?? client.logger
        logger[metadataKey: "kube.resource"] = "\(T.plural)"
        if let namespace { logger[metadataKey: "kube.namespace"] = "\(namespace)" }
        self.logger = logger
    }

    // MARK: - Reading

    /// Whether the first list has been applied.
    public var hasSynced: Bool { synced }

    /// The last resourceVersion seen (list, event or bookmark).
    public var resourceVersion: String? { lastResourceVersion }

    public var statistics: InformerStatistics { stats }

    /// Returns once the first list has been applied; throws `CancellationError` if the waiting task
    /// is cancelled first.
    public func waitForSync() async throws {
        if synced { return }
        let id = makeID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    syncWaiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.cancelSyncWaiter(id) }
        }
    }

    private func cancelSyncWaiter(_ id: Int) {
        syncWaiters.removeValue(forKey: id)?.resume(throwing: CancellationError())
    }

    /// The cached object, if any (always nil with `CacheMode.identities`).
    public func get(namespace: String? = nil, name: String) -> T? {
        cache[ObjectKey(namespace: T.isNamespaced ? namespace : nil, name: name)]?.object?.object
    }

    /// Every cached object, ordered by namespace and name (none with `CacheMode.identities`).
    public func list() -> [T] {
        cache.sorted { $0.key < $1.key }.compactMap(\.value.object?.object)
    }

    /// How many objects the cache knows (in either mode).
    public var count: Int { cache.count }

    /// A new sequence of events for one subscriber: first `.added` for every cached object (and
    /// `.synced` if the informer has synced), then every change, in order. It finishes when
    /// `run()` returns.
    ///
    /// The replay is read lazily from a snapshot of the (boxed) cache rather than copied into the
    /// stream's buffer up front: a controller restarting with 10,000 Services would otherwise
    /// hold every one of them twice more, as buffered events, at its peak.
    public func events() -> InformerEvents<T> {
        let (stream, continuation) = AsyncStream<InformerEvent<T>>.makeStream(bufferingPolicy: .unbounded)
        let replay = cache.sorted { $0.key < $1.key }.compactMap(\.value.object)
        subscribers[makeID()] = continuation
        return InformerEvents(replay: replay, replaySynced: synced, live: stream)
    }

    private func makeID() -> Int {
        nextID += 1
        return nextID
    }

    private func emit(_ event: InformerEvent<T>) {
        for (id, continuation) in subscribers {
            if case .terminated = continuation.yield(event) { subscribers[id] = nil }
        }
    }

    // MARK: - Running

    /// Lists and watches until the calling task is cancelled, then finishes every event stream.
    /// A second concurrent call returns at once.
    public func run() async {
        guard !running else {
            logger.debug("kube informer already running")
            return
        }
        running = true
        defer { running = false }
        logger.debug("kube informer starting")
        var needsList = true
        while !Task.isCancelled {
            watchWasHealthy = false
            var listedNow = false
            do {
                if needsList {
                    try await relist()
                    needsList = false
                    listedNow = true
                }
                try await watch()
                if watchWasHealthy {
                    backoff.reset()
                } else {
                    try await pause(reason: "watch ended without events")
                }
            } catch is CancellationError {
                break
            } catch let error as KubeAPIError where error.isGone {
                if Task.isCancelled { break }
                stats.expired += 1
                logger.debug("kube informer: resourceVersion expired, listing again", metadata: ["kube.error": "\(error)"])
                needsList = true
                // Expired right after a fresh list: something is wrong on the server's side; do not
                // hammer it with lists.
                if listedNow && !watchWasHealthy {
                    do { try await pause(reason: "expired right after a list") } catch { break }
                }
            } catch {
                if Task.isCancelled { break }
                stats.failures += 1
                if watchWasHealthy { backoff.reset() }
                logger.debug("kube informer: list or watch failed, reconnecting", metadata: ["kube.error": "\(error)"])
                do { try await pause(reason: "\(error)") } catch { break }
            }
        }
        logger.debug("kube informer stopped")
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
        for waiter in syncWaiters.values { waiter.resume(throwing: CancellationError()) }
        syncWaiters = [:]
    }

    private func pause(reason: String) async throws {
        let delay = backoff.next()
        logger.trace("kube informer backing off", metadata: ["kube.delay": "\(delay)", "kube.reason": "\(reason)"])
        try await Task.sleep(for: delay)
    }

    /// Lists everything and brings the cache in line, emitting what changed.
    ///
    /// Page by page: each page is transformed, applied to the cache and its additions and
    /// updates emitted before the next page is read; deletions (cached objects the list did not
    /// return) follow the last page. So neither the cache nor the subscribers' buffers ever
    /// hold the whole list twice: with 10,000 Services, emitting everything after the last page
    /// put 10,000 events (about 1 KB each) in every subscriber's buffer at once, on top of the
    /// cache. Cache and events stay consistent if a later page fails: what was emitted is
    /// cached, and the next list compares against it.
    private func relist() async throws {
        stats.lists += 1
        var seen: Set<ObjectKey> = []
        seen.reserveCapacity(cache.count)
        var listVersion: String?
        var token: String?
        repeat {
            let page: KubeList<T>
            do {
                page = try await client.list(
                    T.self, namespace: namespace, labelSelector: labelSelector, fieldSelector: fieldSelector,
                    limit: pageSize, continue: token)
            } catch let error as KubeAPIError where error.isGone && token != nil {
                // The continue token expired midway: start again with one unpaginated list, as
                // client-go's pager does. What the earlier pages applied is compared again.
                logger.debug("kube list continue token expired; listing again in one page")
                page = try await client.list(
                    T.self, namespace: namespace, labelSelector: labelSelector, fieldSelector: fieldSelector)
            }
            var objects: [(key: ObjectKey, object: T)] = page.items.map { item in
                let kept = transform.map { $0(item) } ?? item
                return (ObjectKey(kept), kept)
            }
            objects.sort { $0.key < $1.key }
            for (key, object) in objects {
                seen.insert(key)
                let old = cache[key]
                cache[key] = entry(object)
                if let old {
                    if old.uid != object.metadata.uid {
                        // Deleted and re-created while we were not watching: two different objects.
                        emit(.deleted(old.object?.object ?? stub(key, old)))
                        emit(.added(object))
                    } else if old.resourceVersion != object.metadata.resourceVersion {
                        emit(changed(from: old, to: object))
                    }
                } else {
                    emit(.added(object))
                }
            }
            if let version = page.metadata.resourceVersion { listVersion = version }
            token = page.metadata.continue.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        for key in cache.keys.sorted() where !seen.contains(key) {
            let gone = cache.removeValue(forKey: key)!
            emit(.deleted(gone.object?.object ?? stub(key, gone)))
        }
        lastResourceVersion = listVersion
        logger.debug(
            "kube informer listed", metadata: ["kube.count": "\(cache.count)", "kube.rv": "\(lastResourceVersion ?? "")"])
        if !synced {
            synced = true
            emit(.synced)
            for waiter in syncWaiters.values { waiter.resume() }
            syncWaiters = [:]
        }
    }

    /// One watch from the last version, until the server ends it or it fails.
    private func watch() async throws {
        stats.watches += 1
        let started = ContinuousClock.now
        let stream = client.watch(
            T.self, namespace: namespace, labelSelector: labelSelector, fieldSelector: fieldSelector,
            resourceVersion: lastResourceVersion, allowBookmarks: true,
            timeoutSeconds: Int.random(in: watchTimeoutSeconds))
        for try await event in stream {
            watchWasHealthy = true
            apply(event)
        }
        if ContinuousClock.now - started >= healthyWatchDuration { watchWasHealthy = true }
        if Task.isCancelled { throw CancellationError() }
    }

    private func apply(_ event: WatchEvent<T>) {
        stats.events += 1
        if let version = event.resourceVersion, !version.isEmpty { lastResourceVersion = version }
        switch event {
        case .added(let whole), .modified(let whole):
            let object = transform.map { $0(whole) } ?? whole
            let key = ObjectKey(object)
            let old = cache[key]
            cache[key] = entry(object)
            if let old {
                if old.resourceVersion != object.metadata.resourceVersion {
                    emit(changed(from: old, to: object))
                }
            } else {
                emit(.added(object))
            }
        case .deleted(let whole):
            let object = transform.map { $0(whole) } ?? whole
            // Emitted even for an object never seen: the subscriber may have state for it from
            // before a re-list.
            cache.removeValue(forKey: ObjectKey(object))
            emit(.deleted(object))
        case .bookmark:
            break
        }
    }
}

extension Informer {
    /// What an `Informer` keeps of each object.
    public enum CacheMode: Sendable {
        /// The (transformed) objects: `get`, `list` and the replay of `events()` work, and
        /// `.updated` events carry the previous version.
        case objects
        /// Only each object's identity (uid and resourceVersion), for a reader that keeps its own
        /// copy of what it needs: with 10,000 Services that is about 5 MB less per speaker. `get`
        /// and `list` find nothing and `events()` replays nothing (subscribe before `run()`); a new
        /// version of an object is emitted as `.added` (an upsert: the old one is gone), and an
        /// object a relist no longer finds is deleted as the object `deleted` makes from its
        /// metadata (name, namespace, uid).
        case identities(deleted: @Sendable (ObjectMeta) -> T)
    }

    /// What the cache keeps of one object in this informer's mode.
    private func entry(_ object: T) -> CacheEntry<T> {
        switch mode {
        case .objects:
            .object(CachedObject(object))
        case .identities:
            .identity(CachedIdentity(uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion))
        }
    }

    /// The event for a new version of a cached object: `.updated` with the old object when it
    /// was kept, else `.added` (an upsert; see `CacheMode.identities`).
    private func changed(from old: CacheEntry<T>, to object: T) -> InformerEvent<T> {
        if let previous = old.object?.object { return .updated(old: previous, new: object) }
        return .added(object)
    }

    /// The object a `.deleted` event carries when only its identity was kept.
    private func stub(_ key: ObjectKey, _ entry: CacheEntry<T>) -> T {
        guard case .identities(let deleted) = mode else {
            preconditionFailure("an object cache entry without its object")
        }
        return deleted(ObjectMeta(name: key.name, namespace: key.namespace, uid: entry.uid))
    }
}

/// One cache slot: the boxed object, or only its identity (`CacheMode.identities`). Either way
/// one pointer wide, so the table costs what it did before the identities mode existed.
enum CacheEntry<T: KubeObject>: Sendable {
    case object(CachedObject<T>)
    case identity(CachedIdentity)

    var object: CachedObject<T>? {
        if case .object(let box) = self { return box }
        return nil
    }

    var uid: String? {
        switch self {
        case .object(let box): box.object.metadata.uid
        case .identity(let identity): identity.uid
        }
    }

    var resourceVersion: String? {
        switch self {
        case .object(let box): box.object.metadata.resourceVersion
        case .identity(let identity): identity.resourceVersion
        }
    }
}

/// What `CacheMode.identities` keeps of an object.
final class CachedIdentity: Sendable {
    let uid: String?
    let resourceVersion: String?
    init(uid: String?, resourceVersion: String?) {
        self.uid = uid
        self.resourceVersion = resourceVersion
    }
}

/// One cached object, boxed so the cache's table holds a pointer rather than the whole value.
final class CachedObject<T: Sendable>: Sendable {
    let object: T
    init(_ object: T) { self.object = object }
}

/// One subscriber's events (see `Informer.events()`): the cache as it was at subscription, then
/// the live changes. Iterate it once (like the `AsyncStream` it wraps): the first iterator takes
/// the replay, so the objects it covers are not kept alive by this value afterwards.
public struct InformerEvents<T: KubeObject>: AsyncSequence, Sendable {
    public typealias Element = InformerEvent<T>
    let replay: ReplayBuffer<T>
    let replaySynced: Bool
    let live: AsyncStream<InformerEvent<T>>

    init(replay: [CachedObject<T>], replaySynced: Bool, live: AsyncStream<InformerEvent<T>>) {
        self.replay = ReplayBuffer(replay)
        self.replaySynced = replaySynced
        self.live = live
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(replay: replay.take(), pendingSynced: replaySynced, live: live.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var replay: [CachedObject<T>]
        var index = 0
        var pendingSynced: Bool
        var live: AsyncStream<InformerEvent<T>>.AsyncIterator

        public mutating func next() async -> InformerEvent<T>? {
            if index < replay.count {
                let object = replay[index].object
                index += 1
                if index == replay.count { replay = [] }
                return .added(object)
            }
            if pendingSynced {
                pendingSynced = false
                return .synced
            }
            return await live.next()
        }
    }
}

/// The replayed snapshot, handed over to the first iterator.
final class ReplayBuffer<T: Sendable>: Sendable {
    private let objects: Mutex<[CachedObject<T>]>
    init(_ objects: [CachedObject<T>]) { self.objects = Mutex(objects) }
    func take() -> [CachedObject<T>] { objects.withLock { taken in defer { taken = [] }; return taken } }
}
