import ArgumentParser

extension LBCtl {
    /// `lbctl config ...`: work with IronLB's ConfigMap.
    struct ConfigGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Work with IronLB's configuration (the MetalLB v0.12 ConfigMap format).",
            subcommands: [Validate.self]
        )
    }
}
