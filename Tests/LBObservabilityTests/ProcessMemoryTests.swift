import LBObservability
import Testing

@Suite struct ProcessMemoryTests {
    @Test func environmentSettingWins() {
        #expect(ProcessMemory.limitMallocArenas(environment: ["MALLOC_ARENA_MAX": "4"]) == false)
    }

    #if os(Linux)
    @Test func appliesTheLimitOnGlibc() {
        #expect(ProcessMemory.limitMallocArenas(to: 2, environment: [:]))
    }
    #endif
}

@Suite struct ProcessMemoryTrimTests {
    #if os(Linux)
    @Test func releasesFreedHeapPages() {
        // A burst of allocations freed again leaves free pages malloc_trim can hand back.
        var blocks: [[UInt8]] = []
        for _ in 0..<2_000 { blocks.append([UInt8](repeating: 1, count: 8_192)) }
        blocks.removeAll()
        #expect(ProcessMemory.releaseFreeMemory())
    }
    #endif
}
