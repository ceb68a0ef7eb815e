import ArgumentParser
import Foundation
import KubeAPI

extension LBCtl {
    /// `lbctl status`: a read-only overview of IronLB in a cluster (config, pools, Services,
    /// speakers) with a one-line verdict first. Exit 2 when the cluster cannot be read; with
    /// `--strict`, exit 1 when a Service is pending or the config is missing or invalid.
    struct Status: AsyncContextualCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show IronLB's pools, Services and speakers, with a one-line verdict.",
            discussion: """
                Reads the config ConfigMap and the speakers' Leases in IronLB's namespace, every \
                Service of type LoadBalancer and the controller's events. The kubeconfig is found \
                as kubectl finds it: --kubeconfig, else KUBECONFIG, else ~/.kube/config.

                Exit status: 0 when the report was shown, 1 with --strict when a Service is \
                pending or the config is missing or invalid, 2 when the cluster cannot be read.
                """
        )

        @OptionGroup var cluster: ClusterOptions
        @OptionGroup var output: OutputOptions

        @Option(name: [.short, .long], help: "List only the Services of this namespace (default: every namespace).")
        var namespace: String?

        @Flag(help: "Also exit 1 when a Service is pending or the config is missing or invalid.")
        var strict = false

        @Flag(name: [.short, .long], help: "Keep watching: read again every --interval and show the report again when it changes; Ctrl-C stops.")
        var watch = false

        /// 2 s: quick enough to follow a failover by eye, a few light requests per poll.
        @Option(help: "Seconds between reads with --watch.")
        var interval: Double = 2

        func validate() throws {
            guard interval >= 0.1, interval <= 86400 else { throw ValidationError("--interval must be between 0.1 and 86400 seconds") }
            if let namespace, namespace.isEmpty { throw ValidationError("--namespace must not be empty") }
        }

        func run(in context: CommandContext) -> Int32 {
            BlockingAsync.run(cancelOnInterrupt: watch) { await self.run(in: context) }
        }

        func run(in context: CommandContext) async -> Int32 {
            let configuration: ClientConfiguration
            switch cluster.clientConfiguration(environment: context.environment) {
            case .success(let c): configuration = c
            case .failure(let e):
                context.output.printError("error: \(e)")
                return ExitCodes.clusterUnreachable
            }
            let style = output.style(in: context)
            guard watch else {
                let shown = await once(configuration, style: style)
                return emit(shown, previous: nil, in: context)
            }
            return await watchLoop(configuration, style: style, in: context)
        }

        /// What one read shows: the rendered report and its exit code, or the error.
        enum Shown: Equatable {
            case report(text: String, code: Int32)
            case failure(message: String, code: Int32)
        }

        private func once(_ configuration: ClientConfiguration, style: Style) async -> Shown {
            let read = await ClusterReader.read(
                configuration: configuration, ironlbNamespace: cluster.ironlbNamespace, events: .allocationFailures)
            switch read {
            case .failure(let e): return .failure(message: "error: \(e.description)", code: ExitCodes.clusterUnreachable)
            case .success(let snapshot): return render(StatusReport.build(snapshot, namespace: namespace), style: style)
            }
        }

        /// Renders without the parts that change on every read (ages), so `--watch` can tell a
        /// change from the clock moving; the shown text keeps them.
        func render(_ report: StatusReport, style: Style) -> Shown {
            do {
                let text = try DocumentEncoding.render(report, as: output.format) {
                    StatusTable.lines(report, style: style)
                }
                return .report(text: text, code: strict && report.hasStrictProblems ? ExitCodes.problem : ExitCodes.success)
            } catch {
                return .failure(message: "error: cannot encode the report: \(error)", code: ExitCodes.problem)
            }
        }

        @discardableResult
        private func emit(_ shown: Shown, previous: Shown?, in context: CommandContext) -> Int32 {
            switch shown {
            case .report(let text, let code):
                if previous != nil, output.format == .yaml { context.output.print("---") }
                if previous != nil, output.format == .table { context.output.print("") }
                context.output.print(text)
                return code
            case .failure(let message, let code):
                context.output.printError(message)
                return code
            }
        }

        /// Reads every `interval`, printing only when what it would show changed (ages and
        /// renewal times aside), until cancelled (SIGINT, or the caller's task). Returns the code
        /// of the last read.
        private func watchLoop(_ configuration: ClientConfiguration, style: Style, in context: CommandContext) async -> Int32 {
            var lastKey: Shown?
            var lastCode = ExitCodes.success
            while !Task.isCancelled {
                let read = await ClusterReader.read(
                    configuration: configuration, ironlbNamespace: cluster.ironlbNamespace, events: .allocationFailures)
                if Task.isCancelled { break }
                let shown: Shown
                let key: Shown
                switch read {
                case .failure(let e):
                    shown = .failure(message: "error: \(e.description)", code: ExitCodes.clusterUnreachable)
                    key = shown
                case .success(let snapshot):
                    let report = StatusReport.build(snapshot, namespace: namespace)
                    shown = render(report, style: style)
                    key = render(report.withoutClockFields, style: style)
                }
                if key != lastKey {
                    lastCode = emit(shown, previous: lastKey, in: context)
                    lastKey = key
                } else if case .report(_, let code) = shown {
                    lastCode = code
                }
                try? await Task.sleep(for: .milliseconds(Int((interval * 1000).rounded())))
            }
            return lastCode
        }
    }
}

extension StatusReport {
    /// The report without what changes with the clock alone (renewal times and ages), for
    /// `--watch` to compare.
    var withoutClockFields: StatusReport {
        var copy = self
        copy.speakers = speakers.map { s in
            var s = s
            s.lastRenewal = nil
            s.lastRenewalAgeSeconds = nil
            return s
        }
        return copy
    }
}
