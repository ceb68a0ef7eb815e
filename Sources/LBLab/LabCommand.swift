import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What a finished short command printed and how it ended.
public struct CommandResult: Sendable, Equatable {
    /// The command line as run, for messages.
    public var command: String
    /// Exit status, or 128 + signal number when it was killed by a signal (as a shell reports it).
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(command: String, status: Int32, stdout: String, stderr: String) {
        self.command = command
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    public var succeeded: Bool { status == 0 }

    /// Returns self when the command succeeded, else throws `LabError.commandFailed` naming the
    /// command, its status and its stderr (stdout when stderr is empty: some tools print errors there).
    @discardableResult
    public func check() throws -> CommandResult {
        guard status == 0 else { throw failure }
        return self
    }

    /// The error describing this result as a failure.
    public var failure: LabError {
        let text = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        let fallback = stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return LabError.commandFailed(command: command, status: status, stderr: text.isEmpty ? fallback : text)
    }
}

/// Runs short commands to completion with a deadline, so a wedged tool fails a test instead of
/// hanging it. Output goes to temporary files rather than pipes: a command that leaves a daemon
/// behind holding its stdout cannot block the reader. The command returns when its own process
/// exits, even if it left a daemon behind.
public enum LabCommand {
    /// Directories searched after PATH: `ip`, `arping` and `tcpdump` live in sbin, which a
    /// non-login environment may not have on PATH.
    static let fallbackPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// The absolute path of `tool` (PATH first, then the sbin/bin fallbacks), or nil.
    public static func which(_ tool: String) -> String? {
        if tool.contains("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for dir in path + fallbackPath where !dir.isEmpty {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Quotes arguments for display only (never passed to a shell).
    static func display(_ arguments: [String]) -> String {
        arguments.map { argument in
            argument.isEmpty || argument.contains(where: { " \"'$\\".contains($0) }) ? "'\(argument)'" : argument
        }.joined(separator: " ")
    }

    /// Runs `arguments[0]` (looked up with `which`) with the rest as its arguments, waits at most
    /// `timeout` seconds, and returns its status and output. A command still running at the deadline
    /// is killed with SIGKILL and `LabError.timedOut` is thrown. A non-zero status is *not* an error
    /// here; call `check()` on the result when it must succeed.
    public static func run(
        _ arguments: [String], environment: [String: String]? = nil, timeout: Double = 30
    ) throws -> CommandResult {
        guard let tool = arguments.first else { throw LabError.invalidArgument("empty command") }
        let command = display(arguments)
        guard let executable = which(tool) else {
            throw LabError.launchFailed(command: command, reason: "`\(tool)` not found on PATH or in sbin")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lblab-cmd-\(UUID().uuidString)").path
        let outPath = scratch + ".out"
        let errPath = scratch + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let child = try ChildProcess(executable: executable, arguments: Array(arguments.dropFirst()),
                                     environment: environment, stdoutPath: outPath, stderrPath: errPath)
        guard let exit = child.wait(timeout: timeout) else {
            // Its own process group: whatever it started dies with it.
            child.signalGroup(SIGKILL)
            child.wait(timeout: 5)
            throw LabError.timedOut(command: command, seconds: timeout)
        }
        let status: Int32 = switch exit {
        case let .exited(code): code
        case let .signalled(signal): 128 + signal
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return CommandResult(command: command, status: status, stdout: stdout, stderr: stderr)
    }

    /// Runs a command that must succeed; throws `LabError.commandFailed` with its stderr otherwise.
    @discardableResult
    public static func must(_ arguments: [String], timeout: Double = 30) throws -> CommandResult {
        try run(arguments, timeout: timeout).check()
    }
}

/// Polls `condition` until it is true or `timeout` seconds pass; returns whether it became true.
/// The interval starts at 5 ms and doubles up to 100 ms, so fast conditions are seen quickly
/// and slow ones cost little.
public func labPoll(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    var interval: useconds_t = 5_000
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        usleep(interval)
        interval = min(interval * 2, 100_000)
    }
}
