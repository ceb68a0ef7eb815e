import Foundation

/// Bounded waiting for the BGP tests: poll for the state needed, never sleep-then-assert.
enum BGPWait {
    /// Polls `condition` every 10 ms until it holds or `timeout` passes; then fails with `what`.
    static func until(
        _ what: @autoclosure () -> String, timeout: Duration = .seconds(10), _ condition: () async throws -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        if try await condition() { return }
        throw BGPTestFailure("timed out after \(timeout) waiting for: \(what())")
    }

    /// Runs `body`, failing if it takes longer than `timeout`.
    static func withTimeout(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let finished = try await group.next() ?? false
            group.cancelAll()
            if !finished { throw BGPTestFailure("timed out after \(timeout)") }
        }
    }

    /// Polls `condition` synchronously (lab setup) every 50 ms for up to `timeout` seconds.
    static func blocking(_ what: String, timeout: TimeInterval = 10, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? condition()) == true { return }
            usleep(50_000)
        }
        if try condition() { return }
        throw BGPRouterLab.LabError("timed out after \(timeout)s waiting for \(what)")
    }
}

struct BGPTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
