import ArgumentParser

/// The output format every command takes with `-o`.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json, yaml
}

/// When to colour table output (`--color`): `auto` colours only when standard output is a
/// terminal and `NO_COLOR` is unset or empty (https://no-color.org).
public enum ColorChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
    case auto, always, never

    /// Whether to colour, given where the output goes.
    public func enabled(outputIsTerminal: Bool, environment: [String: String]) -> Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: outputIsTerminal && (environment["NO_COLOR"] ?? "").isEmpty
        }
    }
}

/// `-o` and `--color`, shared by every command.
struct OutputOptions: ParsableArguments {
    @Option(name: [.customShort("o"), .customLong("output")], help: "Output format: table, json or yaml.")
    var format: OutputFormat = .table

    @Option(help: "Colour table output: auto (only on a terminal, and not when NO_COLOR is set), always or never.")
    var color: ColorChoice = .auto

    /// The style to render tables with in `context`.
    func style(in context: CommandContext) -> Style {
        Style(enabled: color.enabled(outputIsTerminal: context.outputIsTerminal, environment: context.environment))
    }
}
