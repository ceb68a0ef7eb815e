import ArgumentParser
import LBCore

extension LBCtl {
    /// `lbctl version`: prints `lbctl <version>`, or a document with `-o json|yaml`.
    struct Version: ContextualCommand {
        static let configuration = CommandConfiguration(abstract: "Print lbctl's version.")

        @OptionGroup var output: OutputOptions

        /// What `-o json|yaml` shows.
        struct Report: Codable, Hashable {
            /// IronLB's release.
            var version: String
            /// The speaker-state document version this lbctl reads (`SpeakerState.currentVersion`).
            var speakerStateVersion: Int
        }

        func run(in context: CommandContext) -> Int32 {
            let report = Report(version: IronLBVersion.current, speakerStateVersion: SpeakerState.currentVersion)
            do {
                context.output.print(try DocumentEncoding.render(report, as: output.format) { ["lbctl \(report.version)"] })
                return ExitCodes.success
            } catch {
                context.output.printError("error: cannot encode the report: \(error)")
                return ExitCodes.problem
            }
        }
    }
}
