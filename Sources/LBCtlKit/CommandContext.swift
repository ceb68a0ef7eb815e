#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What a command may touch outside itself: where its output goes, how it reads input, the
/// environment (`NO_COLOR`, `KUBECONFIG`) and whether standard output is a terminal. `standard`
/// is the real process; tests build one with `CapturedOutput` and their own values.
public struct CommandContext: Sendable {
    public var output: any CommandOutput
    /// Reads the named input: a file path, or `-` for standard input.
    public var readInput: @Sendable (String) -> Result<String, InputError>
    /// The process environment (kubeconfig lookup, `NO_COLOR`).
    public var environment: [String: String]
    /// Whether standard output is a terminal: `--color auto` colours only then.
    public var outputIsTerminal: Bool

    public init(
        output: any CommandOutput, readInput: @escaping @Sendable (String) -> Result<String, InputError> = InputReader.contents(of:),
        environment: [String: String] = ProcessInfo.processInfo.environment, outputIsTerminal: Bool = false
    ) {
        self.output = output
        self.readInput = readInput
        self.environment = environment
        self.outputIsTerminal = outputIsTerminal
    }

    /// Standard output, standard error, the file system and the real environment.
    public static var standard: CommandContext {
        CommandContext(output: StandardOutput(), outputIsTerminal: isatty(1) == 1)
    }
}
