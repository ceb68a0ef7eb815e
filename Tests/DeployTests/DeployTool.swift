import Foundation

/// Runs an external program (kubectl, kubernetes-validate, the IronLB binaries) to completion
/// with a bound, its output captured in files (no pipe to fill up and block it).
enum DeployTool {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    enum Failure: Error, CustomStringConvertible {
        case timedOut(command: String, seconds: Double, output: String)

        var description: String {
            switch self {
            case let .timedOut(command, seconds, output): "`\(command)` did not finish within \(seconds) s: \(output)"
            }
        }
    }

    /// Runs `executable` with `arguments`; kills it and throws after `timeout` seconds.
    static func run(_ executable: String, _ arguments: [String], timeout: Double = 60) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ironlb-deploy-tool-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() >= deadline {
                process.terminate()
                process.waitUntilExit()
                let output = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
                throw Failure.timedOut(command: ([executable] + arguments).joined(separator: " "), seconds: timeout,
                                       output: String(output.suffix(2000)))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// The first executable called `name` on PATH.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
