import Dispatch

/// Runs async work to completion from synchronous code: ArgumentParser's `run()` on the main
/// thread, or the synchronous `LBCtl.run` called from synchronous code.
///
/// It blocks the calling thread. Never call it from a thread of Swift's concurrent pool (from
/// inside a task): on a small machine every pool thread can end up blocked waiting for work
/// that needs one. Async callers use `await LBCtl.run(_:context:)` instead.
enum BlockingAsync {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            box.value = await body()
            done.signal()
        }
        done.wait()
        // The task always stores a value before signalling; this only satisfies the type.
        guard let value = box.value else { fatalError("BlockingAsync: the task finished without a value") }
        return value
    }
}

/// Holds a task's result until the waiting thread reads it; the semaphore orders the accesses.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    var value: T?
}
