import Synchronization

/// What the event loop publishes for readers on any thread: the status and the
/// `statusChanges()` subscribers. Only `BGPPeerEngine` (on the event loop) writes; the lock
/// makes reads consistent snapshots and is never held across an await.
final class BGPPeerPublishedState: Sendable {
    private struct State {
        var status = BGPPeerStatus()
        var subscribers: [Int: AsyncStream<BGPPeerStatus>.Continuation] = [:]
        var nextSubscriber = 0
        var finished = false
    }

    /// How many unread statuses a slow subscriber may have queued; older ones are dropped.
    static let subscriberBuffer = 256

    private let state = Mutex(State())

    var status: BGPPeerStatus { state.withLock { $0.status } }

    /// Publishes a step's outcome; a changed status goes to every subscriber, in order.
    func update(_ status: BGPPeerStatus) {
        state.withLock { s in
            guard status != s.status else { return }
            s.status = status
            for continuation in s.subscribers.values { continuation.yield(status) }
        }
    }

    /// The current status at once, then every change. Finishes when the session is stopped.
    func subscribe() -> AsyncStream<BGPPeerStatus> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: BGPPeerStatus.self, bufferingPolicy: .bufferingNewest(Self.subscriberBuffer))
        let id: Int? = state.withLock { s in
            continuation.yield(s.status)
            guard !s.finished else { return nil }
            let id = s.nextSubscriber
            s.nextSubscriber += 1
            s.subscribers[id] = continuation
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Finishes every stream (after stop).
    func finish() {
        let continuations = state.withLock { s in
            s.finished = true
            defer { s.subscribers = [:] }
            return Array(s.subscribers.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
