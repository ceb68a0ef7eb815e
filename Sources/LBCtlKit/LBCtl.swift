import ArgumentParser
import LBCore

/// `lbctl`, the IronLB command-line tool. The executable only calls `LBCtl.main()`; tests call
/// `LBCtl.run(_:context:)` to drive any command in-process with captured output.
public struct LBCtl: ParsableCommand {
    public init() {}

    /// `lbctl`, or `kubectl lb` when run as the kubectl plugin `kubectl-lb`: usage and help
    /// name the command the way the user typed it.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: commandName(invokedAs: CommandLine.arguments.first ?? "lbctl"),
            abstract: "Inspect and check IronLB, the bare-metal LoadBalancer for Kubernetes.",
            version: "lbctl \(IronLBVersion.current)",
            subcommands: [Status.self, Explain.self, ConfigGroup.self, Version.self]
        )
    }

    /// The plugin's file name: kubectl runs `kubectl-lb` for `kubectl lb ...`.
    public static let pluginExecutableName = "kubectl-lb"

    /// The command name for help text, from the program's `argv[0]`: `kubectl lb` when its base
    /// name is `kubectl-lb`, else `lbctl`.
    public static func commandName(invokedAs argv0: String) -> String {
        let base = argv0.split(separator: "/").last.map(String.init) ?? argv0
        return base == pluginExecutableName ? "kubectl lb" : "lbctl"
    }

    /// Parses `arguments` (without the program name) and runs the command they name, writing to
    /// `context.output`; returns the process exit code. Never calls `exit`. Commands that talk to
    /// the cluster block the calling thread: from async code use the `async` overload.
    public static func run(_ arguments: [String], context: CommandContext) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if let contextual = command as? any ContextualCommand {
                return contextual.run(in: context)
            }
            try command.run()
            return 0
        } catch {
            return report(error, to: context)
        }
    }

    /// `run(_:context:)` for async callers (tests with an in-process API server): commands that
    /// talk to the cluster await their requests instead of blocking a thread.
    public static func run(_ arguments: [String], context: CommandContext) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if let asynchronous = command as? any AsyncContextualCommand {
                return await asynchronous.run(in: context)
            }
            if let contextual = command as? any ContextualCommand {
                return contextual.run(in: context)
            }
            try command.run()
            return 0
        } catch {
            return report(error, to: context)
        }
    }

    /// Prints a parse error, `--help` or `--version` the way ArgumentParser would; returns its
    /// exit code.
    private static func report(_ error: any Error, to context: CommandContext) -> Int32 {
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if !message.isEmpty {
            if code == .success { context.output.print(message) } else { context.output.printError(message) }
        }
        return code.rawValue
    }
}

/// A command that does its work against an injected `CommandContext` (output streams, input
/// reading), so tests can run it without touching the process's stdout, stderr or stdin.
protocol ContextualCommand: ParsableCommand {
    /// Does the work; returns the exit code.
    func run(in context: CommandContext) -> Int32
}

extension ContextualCommand {
    mutating func run() throws {
        let code = run(in: .standard)
        if code != 0 { throw ExitCode(code) }
    }
}

/// A `ContextualCommand` that also has an async body, which `await LBCtl.run` uses; its
/// synchronous `run(in:)` blocks on the same work.
protocol AsyncContextualCommand: ContextualCommand {
    func run(in context: CommandContext) async -> Int32
}
