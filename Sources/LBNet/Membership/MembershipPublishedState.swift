import LBProtocols
import Synchronization

/// What the event loop publishes for readers on any thread: the live set, counters, recent
/// events, and the `liveMemberChanges()` subscribers. Only `MembershipEngine` (on the event
/// loop) writes; a lock makes reads consistent snapshots.
final class MembershipPublishedState: Sendable {
    private struct State {
        var live: Set<String>
        var counters = MembershipTransportCounters()
        var events: [MembershipEvent] = []
        var subscribers = SubscriberList<Set<String>>()
    }

    private let state: Mutex<State>

    init(live: Set<String>) {
        state = Mutex(State(live: live))
    }

    var live: Set<String> { state.withLock { $0.live } }
    var counters: MembershipTransportCounters { state.withLock { $0.counters } }
    var events: [MembershipEvent] { state.withLock { $0.events } }

    /// Publishes one step's outcome. A new live set goes to every subscriber; yielding under
    /// the lock keeps the order of sets identical for all of them (yield never re-enters).
    func update(live: Set<String>?, counters: MembershipTransportCounters, events: [MembershipEvent]?) {
        state.withLock { s in
            s.counters = counters
            if let events { s.events = events }
            if let live, live != s.live {
                s.live = live
                s.subscribers.yield(live)
            }
        }
    }

    /// A stream that yields the current live set at once, then each new one. A consumer that
    /// falls behind gets only the newest set (an older one is of no use to an election). It
    /// finishes when the transport closes.
    func subscribe() -> AsyncStream<Set<String>> {
        SubscriberList.subscribe(
            bufferingNewest: 1,
            withList: { body in state.withLock { s in body(&s.subscribers, s.live) } },
            unsubscribe: { [weak self] body in self?.state.withLock { body(&$0.subscribers) } })
    }

    /// Ends every stream (the transport closed); later subscribers get the final set and an end.
    func finish() {
        for continuation in state.withLock({ $0.subscribers.finish() }) { continuation.finish() }
    }
}
