import Synchronization

/// Runs one step of shutdown with a time limit, so a step that hangs (an API server that does
/// not answer, a socket that will not close) cannot keep the process from exiting.
enum BoundedStep {
    /// Hands the result to whichever of the step and the timer finishes first.
    private final class Outcome: Sendable {
        private let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)

        func arm(_ c: CheckedContinuation<Bool, Never>) { continuation.withLock { $0 = c } }

        /// Resumes the waiter with `value` if nobody did yet; true if this call did.
        @discardableResult
        func finish(_ value: Bool) -> Bool {
            guard let c = continuation.withLock({ $0.take() }) else { return false }
            c.resume(returning: value)
            return true
        }
    }

    /// Runs `operation` and returns true if it finished within `limit`, false if the limit
    /// passed first (the operation is then cancelled and left to finish on its own; its end is
    /// no longer awaited).
    static func run(within limit: Duration, _ operation: @escaping @Sendable () async -> Void) async -> Bool {
        let outcome = Outcome()
        let work = Task { await operation() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            outcome.arm(continuation)
            Task {
                await work.value
                outcome.finish(true)
            }
            Task {
                try? await Task.sleep(for: limit)
                if outcome.finish(false) { work.cancel() }
            }
        }
    }
}
