import Synchronization

/// What the event loop publishes for readers on any thread: the status and the
/// `statusChanges()` subscribers. Only `BGPPeerEngine` (on the event loop) writes; the lock
/// makes reads consistent snapshots and is never held across an await.
final class BGPPeerPublishedState: Sendable {
    private struct State {
        var status = BGPPeerStatus()
        var subscribers = SubscriberList<BGPPeerStatus>()
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
            s.subscribers.yield(status)
        }
    }

    /// The current status at once, then every change. Finishes when the session is stopped.
    func subscribe() -> AsyncStream<BGPPeerStatus> {
        SubscriberList.subscribe(
            bufferingNewest: Self.subscriberBuffer,
            withList: { body in state.withLock { s in body(&s.subscribers, s.status) } },
            unsubscribe: { [weak self] body in self?.state.withLock { body(&$0.subscribers) } })
    }

    /// Finishes every stream (after stop).
    func finish() {
        for continuation in state.withLock({ $0.subscribers.finish() }) { continuation.finish() }
    }
}
