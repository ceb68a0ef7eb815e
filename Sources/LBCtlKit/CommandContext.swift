/// What a command may touch outside itself: where its output goes and how it reads input.
/// `standard` is the real process; tests build one with `CapturedOutput` and their own reader.
public struct CommandContext {
    public var output: any CommandOutput
    /// Reads the named input: a file path, or `-` for standard input.
    public var readInput: (String) -> Result<String, InputError>

    public init(output: any CommandOutput, readInput: @escaping (String) -> Result<String, InputError> = InputReader.contents(of:)) {
        self.output = output
        self.readInput = readInput
    }

    /// Standard output, standard error, and the file system.
    public static var standard: CommandContext { CommandContext(output: StandardOutput()) }
}
