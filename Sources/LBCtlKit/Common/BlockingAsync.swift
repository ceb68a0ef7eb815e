#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Runs async work to completion from synchronous code: ArgumentParser's `run()` on the main
/// thread, or the synchronous `LBCtl.run` called from synchronous code.
///
/// It blocks the calling thread. Never call it from a thread of Swift's concurrent pool (from
/// inside a task): on a small machine every pool thread can end up blocked waiting for work
/// that needs one. Async callers use `await LBCtl.run(_:context:)` instead.
enum BlockingAsync {
    /// - Parameter cancelOnInterrupt: while the work runs, SIGINT (Ctrl-C) cancels its task
    ///   instead of killing the process, so `status --watch` stops cleanly; the previous
    ///   disposition is restored afterwards.
    static func run<T: Sendable>(cancelOnInterrupt: Bool = false, _ body: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let task = Task.detached {
            box.value = await body()
            done.signal()
        }
        var source: (any DispatchSourceSignal)?
        var previous: sighandler_t?
        if cancelOnInterrupt {
            previous = signal(SIGINT, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            s.setEventHandler { task.cancel() }
            s.resume()
            source = s
        }
        done.wait()
        if let source {
            source.cancel()
            signal(SIGINT, previous)
        }
        // The task always stores a value before signalling; this only satisfies the type.
        guard let value = box.value else { fatalError("BlockingAsync: the task finished without a value") }
        return value
    }
}

/// Holds a task's result until the waiting thread reads it; the semaphore orders the accesses.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    var value: T?
}
