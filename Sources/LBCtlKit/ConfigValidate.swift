import ArgumentParser
import LBCore

extension LBCtl.ConfigGroup {
    /// `lbctl config validate FILE`: checks a config the way the controller will, without a
    /// cluster. Exit 0 and a summary when valid; exit 1 and every error (one per line on
    /// standard error, `error: ` first) when not. With `-o json|yaml` the result (summary or
    /// errors) is one document on standard output.
    struct Validate: ContextualCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check an IronLB/MetalLB v0.12 config and summarize it.",
            discussion: """
                FILE is a ConfigMap manifest (the ConfigMap with a data.config key is used; the file \
                may hold several YAML documents or a kind: List), or a bare config file holding \
                what goes under data.config. Use - to read standard input.
                """
        )

        @Argument(help: "The manifest or config file to check, or - for standard input.")
        var file: String

        @OptionGroup var output: OutputOptions

        func run(in context: CommandContext) -> Int32 {
            let text: String
            switch context.readInput(file) {
            case .success(let t): text = t
            case .failure(let e):
                context.output.printError("error: \(e)")
                return ExitCodes.problem
            }
            let documents: [ConfigDocument]
            switch ConfigDocument.find(in: text) {
            case .success(let d): documents = d
            case .failure(let e):
                context.output.printError("error: \(e)")
                return ExitCodes.problem
            }
            var results: [ValidationReport.Document] = []
            var tableLines: [String] = []
            var errorLines: [String] = []
            for (i, document) in documents.enumerated() {
                if i > 0 { tableLines.append("") }
                let prefix = documents.count > 1 ? "\(document.label): " : ""
                do {
                    let config = try ConfigParser.parse(document.text)
                    tableLines += ConfigSummary.lines(config, source: document.label)
                    results.append(.valid(config, source: document.label))
                } catch {
                    let errors = document.lineOffset.map { error.shiftingLines(by: $0) } ?? error.droppingLines()
                    errorLines += errors.map { "error: \(prefix)\($0)" }
                    results.append(ValidationReport.Document(source: document.label, valid: false, errors: errors.map(\.description)))
                }
            }
            let report = ValidationReport(valid: results.allSatisfy(\.valid), documents: results)
            if output.format == .table {
                for line in tableLines { context.output.print(line) }
                for line in errorLines { context.output.printError(line) }
            } else {
                do {
                    context.output.print(try DocumentEncoding.render(report, as: output.format) { [] })
                } catch {
                    context.output.printError("error: cannot encode the report: \(error)")
                    return ExitCodes.problem
                }
            }
            return report.valid ? ExitCodes.success : ExitCodes.problem
        }
    }
}

extension ConfigErrors {
    /// The errors without line numbers: used when the config's lines cannot be mapped to the
    /// file's (a quoted or folded `data.config`).
    func droppingLines() -> ConfigErrors {
        ConfigErrors(errors.map { var e = $0; e.line = nil; return e })
    }
}
