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
