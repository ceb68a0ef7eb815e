import Foundation

/// Why a lab operation failed. Every case names what was attempted so a failing test says which
/// command broke and what the tool printed, without re-running anything by hand.
public enum LabError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A command exited with a non-zero status; `stderr` is what it printed (trimmed).
    case commandFailed(command: String, status: Int32, stderr: String)
    /// A command or process was still running when its deadline passed; it has been killed.
    case timedOut(command: String, seconds: Double)
    /// An executable could not be started at all (not found, not executable).
    case launchFailed(command: String, reason: String)
    /// An argument the caller passed cannot work (e.g. a prefix that makes interface names too long).
    case invalidArgument(String)
    /// A condition polled for did not become true in time (readiness line, file, reachability).
    case notReady(what: String, seconds: Double, detail: String)
    /// A tool printed something its parser does not understand.
    case unparsableOutput(tool: String, output: String)
    /// A failure injected by `Lab.Options.beforeStep` (used by tests of partial-create cleanup).
    case injected(step: Int, command: String)

    public var description: String {
        switch self {
        case let .commandFailed(command, status, stderr):
            "`\(command)` failed with status \(status): \(stderr.isEmpty ? "(no stderr)" : stderr)"
        case let .timedOut(command, seconds):
            "`\(command)` did not finish within \(seconds) s and was killed"
        case let .launchFailed(command, reason):
            "could not start `\(command)`: \(reason)"
        case let .invalidArgument(text):
            "invalid argument: \(text)"
        case let .notReady(what, seconds, detail):
            "\(what) not ready within \(seconds) s\(detail.isEmpty ? "" : ": \(detail)")"
        case let .unparsableOutput(tool, output):
            "could not parse the output of \(tool): \(output)"
        case let .injected(step, command):
            "injected failure before step \(step) (`\(command)`)"
        }
    }
}
