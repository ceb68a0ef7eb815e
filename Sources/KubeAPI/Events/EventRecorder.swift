import Foundation
import Logging

/// Records core/v1 Events about objects, the way `kubectl describe` shows them.
///
/// Each event carries the object's uid (without it `kubectl describe` never shows the event). A
/// repeat of the same (object, type, reason, message) within `repeatWindow` PATCHes the existing
/// event's `count` and `lastTimestamp` instead of creating another, like client-go's correlator.
/// Recording never throws: a failed write is logged at debug level, counted in `dropped`, and
/// forgotten (events are best effort; the reconciler must not fail because of them).
public actor EventRecorder {
    public nonisolated let component: String
    public nonisolated let host: String?
    public nonisolated let repeatWindow: Duration
    public nonisolated let cacheLimit: Int

    private let client: KubeClient
    private let logger: Logger
    private let now: @Sendable () -> Date

    private struct Key: Hashable {
        var object: String
        var type: EventType
        var reason: String
        var message: String
    }

    private struct Seen {
        var name: String
        var namespace: String
        var count: Int
        var lastSeen: Date
    }

    private var seen: [Key: Seen] = [:]
    /// Keys with a write in flight, and who waits for them: writes for one key are serialised so a
    /// burst of repeats counts up one event instead of creating several.
    private var inFlight: [Key: [CheckedContinuation<Void, Never>]] = [:]
    private var droppedCount = 0

    /// - Parameters:
    ///   - component: `source.component` and `reportingComponent` (e.g. `ironlb-controller`).
    ///   - host: `source.host` and `reportingInstance` (the node, for speakers).
    ///   - repeatWindow: repeats within this time are counted on one event (default 10 minutes,
    ///     as client-go's correlator).
    ///   - cacheLimit: how many distinct events are remembered for counting.
    ///   - now: the wall clock (injectable for tests).
    public init(
        client: KubeClient, component: String, host: String? = nil, repeatWindow: Duration = .seconds(600),
        cacheLimit: Int = 4096, logger: Logger? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.component = component
        self.host = host
        self.repeatWindow = repeatWindow
        self.cacheLimit = max(cacheLimit, 1)
        self.logger = logger ?? client.logger
        self.now = now
    }

    /// Events that could not be written.
    public var dropped: Int { droppedCount }

    /// Records an event about `object`.
    public func record<T: KubeObject>(for object: T, type: EventType, reason: String, message: String) async {
        await record(for: ObjectReference(object), type: type, reason: reason, message: message)
    }

    /// Records an event about the object `reference` names; its `uid` should be set.
    public func record(for reference: ObjectReference, type: EventType, reason: String, message: String) async {
        let identity = reference.uid.flatMap { $0.isEmpty ? nil : $0 }
            ?? "\(reference.kind ?? "")/\(reference.namespace ?? "")/\(reference.name ?? "")"
        let key = Key(object: identity, type: type, reason: reason, message: message)
        await acquire(key)
        defer { release(key) }

        let timestamp = now()
        if let previous = seen[key], timestamp.timeIntervalSince(previous.lastSeen) < repeatWindow.seconds {
            if await countRepeat(previous, key: key, at: timestamp) { return }
        }
        await create(reference, key: key, at: timestamp)
    }

    private func countRepeat(_ previous: Seen, key: Key, at timestamp: Date) async -> Bool {
        let patch: JSONValue = ["count": .int(Int64(previous.count + 1)), "lastTimestamp": .string(RFC3339.format(timestamp))]
        do {
            let event = try await client.patch(
                Event.self, namespace: previous.namespace, name: previous.name, patch: patch, type: .merge)
            seen[key] = Seen(name: previous.name, namespace: previous.namespace, count: event.count ?? previous.count + 1, lastSeen: timestamp)
            return true
        } catch let error as KubeAPIError where error.isNotFound {
            seen[key] = nil  // expired (events live an hour) or deleted: start a new one
            return false
        } catch {
            droppedCount += 1
            logger.debug(
                "kube event repeat not recorded",
                metadata: ["kube.event": "\(previous.name)", "kube.reason": "\(key.reason)", "kube.error": "\(error)"])
            return true
        }
    }

    private func create(_ reference: ObjectReference, key: Key, at timestamp: Date) async {
        let namespace = reference.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let time = KubeTime(timestamp)
        var event = Event(
            metadata: ObjectMeta(name: Self.eventName(for: reference, at: timestamp), namespace: namespace),
            involvedObject: reference, type: key.type, reason: key.reason, message: key.message,
            source: EventSource(component: component, host: host), firstTimestamp: time, lastTimestamp: time, count: 1)
        event.reportingComponent = component
        event.reportingInstance = host ?? ""
        for attempt in 1...2 {
            do {
                let created = try await client.createReturningMetadata(event)
                seen[key] = Seen(name: created.name, namespace: namespace, count: 1, lastSeen: timestamp)
                trimCache(now: timestamp)
                return
            } catch let error as KubeAPIError where error.isAlreadyExists && attempt == 1 {
                event.metadata.name += String(UInt32.random(in: 0...UInt32.max), radix: 16)
            } catch {
                droppedCount += 1
                logger.debug(
                    "kube event not recorded",
                    metadata: [
                        "kube.object": "\(reference.kind ?? "")/\(reference.name ?? "")", "kube.reason": "\(key.reason)",
                        "kube.error": "\(error)",
                    ])
                return
            }
        }
    }

    /// `NAME.HEX(unix nanoseconds)`, as client-go names events, with NAME shortened so the whole
    /// stays a valid object name (at most 253 characters).
    static func eventName(for reference: ObjectReference, at date: Date) -> String {
        let nanoseconds = UInt64(max(date.timeIntervalSince1970, 0) * 1e9)
        let suffix = "." + String(nanoseconds, radix: 16)
        var name = reference.name.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
        if name.count + suffix.count > 253 { name = String(name.prefix(253 - suffix.count)) }
        while name.hasSuffix(".") || name.hasSuffix("-") { name.removeLast() }
        return name + suffix
    }

    /// Forgets events older than the window, then the least recently seen, to stay under the limit.
    private func trimCache(now: Date) {
        guard seen.count > cacheLimit else { return }
        seen = seen.filter { now.timeIntervalSince($0.value.lastSeen) < repeatWindow.seconds }
        if seen.count > cacheLimit {
            let excess = seen.count - cacheLimit + cacheLimit / 4
            for (key, _) in seen.sorted(by: { $0.value.lastSeen < $1.value.lastSeen }).prefix(excess) {
                seen[key] = nil
            }
        }
    }

    private func acquire(_ key: Key) async {
        if inFlight[key] == nil {
            inFlight[key] = []
            return
        }
        await withCheckedContinuation { continuation in
            inFlight[key, default: []].append(continuation)
        }
    }

    private func release(_ key: Key) {
        guard var waiters = inFlight[key] else { return }
        if waiters.isEmpty {
            inFlight[key] = nil
        } else {
            let next = waiters.removeFirst()
            inFlight[key] = waiters
            next.resume()  // ownership passes to the next waiter
        }
    }
}
