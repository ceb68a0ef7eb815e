import ArgumentParser
import Foundation
import KubeAPI

extension LBCtl {
    /// `lbctl status`: a read-only overview of IronLB in a cluster (config, pools, Services,
    /// speakers) with a one-line verdict first. Exit 1 when the API cannot be read; with
    /// `--strict`, also when a Service is pending or the config is missing or invalid.
    struct Status: AsyncContextualCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show IronLB's pools, Services and speakers, with a one-line verdict.",
            discussion: """
                Reads the config ConfigMap and the speakers' Leases in IronLB's namespace and every \
                Service of type LoadBalancer. The kubeconfig is found as kubectl finds it: \
                --kubeconfig, else KUBECONFIG, else ~/.kube/config.
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, json, yaml
        }

        @Option(help: "Path to the kubeconfig file (default: KUBECONFIG, else ~/.kube/config).")
        var kubeconfig: String?

        @Option(help: "The kubeconfig context to use (default: its current context).")
        var context: String?

        @Option(name: [.short, .long], help: "IronLB's namespace.")
        var namespace = "ironlb-system"

        @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
        var output: Format = .table

        /// 10 s by default: lbctl reads a few objects, and an unreachable server should be
        /// reported promptly (the client gives up connecting after half of it).
        @Option(help: "Seconds to wait for each API request.")
        var requestTimeout = 10

        @Flag(help: "Also exit 1 when a Service is pending or the config is missing or invalid.")
        var strict = false

        func validate() throws {
            guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be a positive number of seconds") }
        }

        func run(in context: CommandContext) -> Int32 {
            guard let configuration = clientConfiguration(context) else { return 1 }
            let fetched = BlockingAsync.run { [namespace] in
                await StatusFetcher.fetch(configuration: configuration, namespace: namespace)
            }
            return show(fetched, in: context)
        }

        func run(in context: CommandContext) async -> Int32 {
            guard let configuration = clientConfiguration(context) else { return 1 }
            return show(await StatusFetcher.fetch(configuration: configuration, namespace: namespace), in: context)
        }

        /// The kubeconfig as kubectl would pick it; nil (after saying why) when there is none.
        private func clientConfiguration(_ context: CommandContext) -> ClientConfiguration? {
            do {
                var configuration = try KubeConfigLoader.automatic(path: kubeconfig, context: self.context)
                configuration.requestTimeout = .seconds(requestTimeout)
                return configuration
            } catch {
                context.output.printError("error: \(error)")
                return nil
            }
        }

        /// Prints the report in the chosen format; returns the exit code.
        private func show(_ fetched: Result<StatusReport, StatusFetchError>, in context: CommandContext) -> Int32 {
            let report: StatusReport
            switch fetched {
            case .success(let r): report = r
            case .failure(let e):
                context.output.printError("error: \(e.description)")
                return 1
            }
            do {
                switch output {
                case .table: for line in StatusTable.lines(report) { context.output.print(line) }
                case .json: context.output.print(try StatusEncoding.json(report))
                case .yaml: context.output.print(try StatusEncoding.yaml(report))
                }
            } catch {
                context.output.printError("error: cannot encode the report: \(error)")
                return 1
            }
            return strict && report.hasStrictProblems ? 1 : 0
        }
    }
}
