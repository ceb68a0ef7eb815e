import Synchronization

/// The subscribers of a value an event loop publishes (a BGP session's status, the membership's
/// live set): each gets the current value at once, then every change, in order, until the
/// publisher finishes.
///
/// It lives inside its owner's lock-protected state, so a new value and its broadcast happen
/// under one lock: every subscriber sees the values in the same order (`yield` never re-enters).
struct SubscriberList<Value: Sendable>: Sendable {
    private var continuations: [Int: AsyncStream<Value>.Continuation] = [:]
    private(set) var finished = false

    /// Sends `value` to every subscriber.
    func yield(_ value: Value) {
        for continuation in continuations.values { continuation.yield(value) }
    }

    /// Ends the list: returns the streams to finish, outside the owner's lock (finishing runs
    /// their termination handlers, which take it). Later subscribers get the value and an end.
    mutating func finish() -> [AsyncStream<Value>.Continuation] {
        finished = true
        defer { continuations = [:] }
        return Array(continuations.values)
    }

    /// Gives the new subscriber `current`, then keeps it unless the list has finished.
    private mutating func register(_ id: Int, _ continuation: AsyncStream<Value>.Continuation, current: Value) -> Bool {
        continuation.yield(current)
        guard !finished else { return false }
        continuations[id] = continuation
        return true
    }

    private mutating func remove(_ id: Int) { continuations[id] = nil }

    /// A new subscription. `withList` runs its body under the owner's lock on the list and the
    /// current value; a stream whose consumer goes away leaves the list through `unsubscribe`
    /// (which must take the lock the same way). Its termination handler is set before it is
    /// registered, so a consumer that goes away at once cannot stay on the list.
    static func subscribe(
        bufferingNewest limit: Int,
        withList: (_ body: (inout SubscriberList, Value) -> Bool) -> Bool,
        unsubscribe: @escaping @Sendable (_ body: @Sendable (inout SubscriberList) -> Void) -> Void
    ) -> AsyncStream<Value> {
        let (stream, continuation) = AsyncStream.makeStream(of: Value.self, bufferingPolicy: .bufferingNewest(limit))
        let id = subscriberIDs.wrappingAdd(1, ordering: .relaxed).newValue
        continuation.onTermination = { _ in unsubscribe { $0.remove(id) } }
        let registered = withList { list, current in list.register(id, continuation, current: current) }
        // Outside the lock: finishing runs onTermination, which takes it.
        if !registered { continuation.finish() }
        return stream
    }
}

/// Subscription ids, unique in the process (so one can be chosen before taking any lock).
private let subscriberIDs = Atomic<Int>(0)
