import ArgumentParser
import LBCore

extension LBCtl {
    /// `lbctl version`: prints `lbctl <version>`.
    struct Version: ContextualCommand {
        static let configuration = CommandConfiguration(abstract: "Print lbctl's version.")

        func run(in context: CommandContext) -> Int32 {
            context.output.print("lbctl \(IronLBVersion.current)")
            return 0
        }
    }
}
