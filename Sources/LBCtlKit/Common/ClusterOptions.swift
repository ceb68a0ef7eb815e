import ArgumentParser
import KubeAPI

/// How to reach the cluster, shared by the commands that read it. The kubeconfig is found as
/// kubectl finds it: `--kubeconfig`, else `KUBECONFIG` (a colon-separated list, merged), else
/// `~/.kube/config`; `--context` picks a context other than the current one.
struct ClusterOptions: ParsableArguments {
    @Option(help: "Path to the kubeconfig file (default: KUBECONFIG, else ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use (default: its current context).")
    var context: String?

    @Option(help: "The namespace IronLB runs in (its ConfigMap and the speakers' Leases).")
    var ironlbNamespace = "ironlb-system"

    /// 10 s by default: lbctl reads a few objects, and an unreachable server should be reported
    /// promptly (the client gives up connecting after half of it).
    @Option(help: "Seconds to wait for each API request.")
    var requestTimeout = 10

    func validate() throws {
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be a positive number of seconds") }
        guard !ironlbNamespace.isEmpty else { throw ValidationError("--ironlb-namespace must not be empty") }
    }

    /// The client configuration kubectl would use; a `ClusterReadError` naming the problem when
    /// there is none.
    func clientConfiguration(environment: [String: String]) -> Result<ClientConfiguration, ClusterReadError> {
        do {
            var configuration = try KubeConfigLoader.automatic(path: kubeconfig, context: context, environment: environment)
            configuration.requestTimeout = .seconds(requestTimeout)
            return .success(configuration)
        } catch {
            return .failure(ClusterReadError(description: "\(error)"))
        }
    }
}
