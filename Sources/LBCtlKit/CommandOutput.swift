import Foundation

/// Where a command writes: lines to standard output (results) and to standard error (problems).
/// `Sendable` because `status --watch` writes from a task.
public protocol CommandOutput: AnyObject, Sendable {
    func print(_ line: String)
    func printError(_ line: String)
}

/// The process's own standard output and standard error.
public final class StandardOutput: CommandOutput {
    public init() {}

    public func print(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    public func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Output kept in memory, for tests. Safe to read while a watching command writes.
public final class CapturedOutput: CommandOutput, @unchecked Sendable {
    private let lock = NSLock()
    private var out = ""
    private var err = ""

    public init() {}

    public var standardOutput: String { lock.withLock { out } }
    public var standardError: String { lock.withLock { err } }

    public func print(_ line: String) { lock.withLock { out += line + "\n" } }
    public func printError(_ line: String) { lock.withLock { err += line + "\n" } }
}
