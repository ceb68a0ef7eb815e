import Foundation

/// Where a command writes: lines to standard output (results) and to standard error (problems).
public protocol CommandOutput: AnyObject {
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

/// Output kept in memory, for tests.
public final class CapturedOutput: CommandOutput {
    public private(set) var standardOutput = ""
    public private(set) var standardError = ""

    public init() {}

    public func print(_ line: String) { standardOutput += line + "\n" }
    public func printError(_ line: String) { standardError += line + "\n" }
}
