import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A long-running process started inside a lab namespace with `ip netns exec` (which execs the
/// target in place, so `pid` is the target's own pid and signals reach it directly). Its stdout
/// and stderr both go to `logPath`.
public final class LabProcess: Sendable {
    /// How a process ended.
    public enum Exit: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        public var description: String {
            switch self {
            case let .exited(status): "exited with status \(status)"
            case let .signalled(signal): "killed by signal \(signal)"
            }
        }
    }

    /// The namespace it runs in.
    public let namespace: String
    /// The command line, for messages.
    public let command: String
    public let pid: Int32
    /// Where its stdout and stderr go.
    public let logPath: String

    private let child: ChildProcess

    /// Starts `executable` with `arguments` in `namespace`. `environment` entries are added to this
    /// process's environment (`ip netns exec` passes the environment through).
    init(namespace: String, executable: String, arguments: [String], environment: [String: String]?,
         logPath: String) throws {
        let command = LabCommand.display([executable] + arguments)
        guard let ip = LabCommand.which("ip") else {
            throw LabError.launchFailed(command: command, reason: "`ip` (iproute2) not found")
        }
        guard let resolved = LabCommand.which(executable) else {
            throw LabError.launchFailed(command: command, reason: "`\(executable)` not found or not executable")
        }
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: logPath).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        child = try ChildProcess(executable: ip, arguments: ["netns", "exec", namespace, resolved] + arguments,
                                 environment: environment, stdoutPath: logPath, stderrPath: nil)
        self.namespace = namespace
        self.command = command
        self.pid = child.pid
        self.logPath = logPath
    }

    /// True until the process has exited and been reaped.
    public var isRunning: Bool { child.exit == nil }

    /// How it ended, or nil while it runs.
    public var exitStatus: Exit? { child.exit }

    /// Sends `signal` (SIGTERM, SIGKILL, SIGSTOP, SIGCONT, ...). Does nothing once the process has
    /// been reaped, so a recycled pid is never signalled.
    public func signal(_ signal: Int32) { child.signal(signal) }

    /// Sends `signal` to its process group: it and every process it started that stayed in the group.
    public func signalGroup(_ signal: Int32) { child.signalGroup(signal) }

    /// Waits at most `timeout` seconds for the process to exit; returns how it ended, or nil when it
    /// is still running. Blocks the calling thread.
    @discardableResult
    public func waitForExit(timeout: Double) -> Exit? { child.wait(timeout: timeout) }

    /// SIGTERM, then SIGKILL if it has not exited after `grace` seconds (SIGCONT first, so a
    /// stopped process can act on SIGTERM). Returns how it ended.
    @discardableResult
    public func stop(grace: Double = 5) -> Exit? {
        guard isRunning else { return exitStatus }
        signal(SIGCONT)
        signal(SIGTERM)
        if let exit = waitForExit(timeout: grace) { return exit }
        signal(SIGKILL)
        return waitForExit(timeout: 5)
    }

    /// Everything it has written to stdout and stderr so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until the log contains `text`; throws `LabError.notReady` (with the log's tail) when
    /// it does not within `timeout` seconds or the process exits first.
    public func waitForLog(containing text: String, timeout: Double) throws {
        var exitedEarly = false
        let seen = labPoll(timeout: timeout) {
            if log.contains(text) { return true }
            if !isRunning { exitedEarly = !log.contains(text); return true }
            return false
        }
        if seen && !exitedEarly { return }
        let tail = String(log.suffix(2000))
        let state = exitStatus.map { " (process \($0))" } ?? ""
        throw LabError.notReady(what: "`\(text)` in the log of `\(command)`\(state)", seconds: timeout, detail: tail)
    }
}
