#if canImport(Glibc)
import Glibc
#endif

/// Process-wide memory settings for IronLB's long-running daemons.
public enum ProcessMemory {
    /// Caps glibc's malloc arenas (`M_ARENA_MAX`) unless `MALLOC_ARENA_MAX` is set in the
    /// environment, which then wins.
    ///
    /// glibc gives busy threads arenas of their own (up to 8 per core), each keeping freed memory
    /// for reuse. The daemons' work is serialised on a few actors, so extra arenas buy no
    /// throughput and only hold memory: with 10,000 Services the controller's peak RSS dropped by
    /// about 1.5 MiB at 2 arenas. Call it first thing in `main`, before threads start allocating:
    /// a thread's first allocation makes it an arena of its own while the count is under the
    /// limit, and it keeps that arena. An `AsyncParsableCommand`'s `run()` is already too late
    /// (it runs on a pool thread); override `static func main()` instead.
    ///
    /// - Returns: whether the limit was applied (false on non-glibc systems, or when the
    ///   environment already decides).
    @discardableResult
    public static func limitMallocArenas(to count: Int32 = 2, environment: [String: String]) -> Bool {
        #if canImport(Glibc)
        guard environment["MALLOC_ARENA_MAX"] == nil else { return false }
        // Glibc's Swift module does not export mallopt(3); look it up instead (nil handle is
        // RTLD_DEFAULT: search the process's global symbols).
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mArenaMax: Int32 = -8  // <malloc.h> M_ARENA_MAX
        return mallopt(mArenaMax, count) == 1
        #else
        return false
        #endif
    }

    /// Returns free heap pages to the kernel (`malloc_trim(0)`, which since glibc 2.8 also
    /// releases whole free pages inside the heap, not only at its top). Bursts (a list of 10,000
    /// objects, a storm of watch events) leave freed memory scattered through the heap; without
    /// this it stays resident for good. Cheap (it walks the free lists): run it every few seconds.
    ///
    /// - Returns: whether memory was released (false on non-glibc systems).
    @discardableResult
    public static func releaseFreeMemory() -> Bool {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "malloc_trim") else { return false }
        typealias MallocTrim = @convention(c) (Int) -> Int32
        return unsafeBitCast(symbol, to: MallocTrim.self)(0) == 1
        #else
        return false
        #endif
    }

    /// Calls `releaseFreeMemory()` every `interval` until the task is cancelled.
    public static func releaseFreeMemoryPeriodically(every interval: Duration = .seconds(5)) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            releaseFreeMemory()
        }
    }
}
