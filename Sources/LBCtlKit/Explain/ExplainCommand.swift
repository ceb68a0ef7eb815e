import ArgumentParser
import Foundation
import KubeAPI

extension LBCtl {
    /// `lbctl explain svc/NAMESPACE/NAME`: why a Service has or lacks its IPs, which node
    /// announces each (or which nodes advertise it to which peers), why every other node does
    /// not, and what to change. Exit 1 when the Service does not exist (or, with `--strict`, when
    /// a problem was found), 2 when the cluster cannot be read, 64 for a malformed argument.
    struct Explain: AsyncContextualCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain why a Service has, or lacks, its IP and who announces it.",
            discussion: """
                SERVICE is svc/NAMESPACE/NAME, or svc/NAME with -n NAMESPACE (default: the \
                kubeconfig context's namespace); service/ and services/ work too. The controller's \
                side comes from the Service and its events, the speakers' side from the state each \
                speaker publishes on its Lease in IronLB's namespace.

                Exit status: 0 when explained, 1 when the Service does not exist or (with \
                --strict) a problem was found, 2 when the cluster cannot be read.
                """
        )

        @Argument(help: "The Service: svc/NAMESPACE/NAME or svc/NAME.")
        var service: String

        @Option(name: [.short, .long], help: "The Service's namespace, for svc/NAME.")
        var namespace: String?

        @OptionGroup var cluster: ClusterOptions
        @OptionGroup var output: OutputOptions

        @Flag(help: "Exit 1 when a problem was found.")
        var strict = false

        /// The parsed argument; `validate()` has checked it.
        var reference: ServiceReference {
            get throws {
                switch ServiceReference.parse(service) {
                case .success(let r): return r
                case .failure(let e): throw ValidationError(e.description)
                }
            }
        }

        func validate() throws {
            let reference = try reference
            if let namespace {
                if let problem = ServiceReference.dnsLabelProblem(namespace, what: "namespace") { throw ValidationError("-n: \(problem)") }
                if let given = reference.namespace, given != namespace {
                    throw ValidationError("\(service) names namespace \"\(given)\" but -n says \"\(namespace)\"")
                }
            }
        }

        func run(in context: CommandContext) -> Int32 {
            BlockingAsync.run { await self.run(in: context) }
        }

        func run(in context: CommandContext) async -> Int32 {
            guard let reference = try? reference else { return ExitCodes.problem }  // validate() ran
            let configuration: ClientConfiguration
            switch cluster.clientConfiguration(environment: context.environment) {
            case .success(let c): configuration = c
            case .failure(let e):
                context.output.printError("error: \(e)")
                return ExitCodes.clusterUnreachable
            }
            let ns = reference.namespace ?? namespace ?? configuration.namespace
            let name = reference.name
            let found = ServiceLookup()
            let read = await ClusterReader.read(
                configuration: configuration, ironlbNamespace: cluster.ironlbNamespace,
                events: .service(namespace: ns, name: name)
            ) { client in
                do {
                    found.set(try await client.get(KubeAPI.Service.self, namespace: ns, name: name))
                } catch let error as KubeAPIError where error.isNotFound {
                    found.set(nil)
                }
            }
            let snapshot: ClusterSnapshot
            switch read {
            case .failure(let e):
                context.output.printError("error: \(e.description)")
                return ExitCodes.clusterUnreachable
            case .success(let s): snapshot = s
            }
            guard let svc = found.value else {
                context.output.printError("error: service \"\(name)\" not found in namespace \"\(ns)\"")
                return ExitCodes.problem
            }
            let report = ExplainReport.build(svc, snapshot: snapshot)
            do {
                let style = output.style(in: context)
                context.output.print(try DocumentEncoding.render(report, as: output.format) { ExplainTable.lines(report, style: style) })
            } catch {
                context.output.printError("error: cannot encode the report: \(error)")
                return ExitCodes.problem
            }
            return strict && !report.healthy ? ExitCodes.problem : ExitCodes.success
        }
    }
}

/// The Service the lookup found (nil: it does not exist), handed out of the client closure.
private final class ServiceLookup: @unchecked Sendable {
    private let lock = NSLock()
    private var service: KubeAPI.Service?
    func set(_ s: KubeAPI.Service?) { lock.withLock { service = s } }
    var value: KubeAPI.Service? { lock.withLock { service } }
}
