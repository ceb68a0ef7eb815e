import ArgumentParser
import Foundation
import KubeAPI
import LBController
import LBCore
import LBObservability
import Logging
import ServiceLifecycle

/// `lb-controller`: argument parsing and wiring only; the logic is in LBController.
@main
struct LBControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lb-controller",
        abstract: "IronLB controller: assigns LoadBalancer IPs from the pools in the IronLB ConfigMap.",
        version: IronLBVersion.current)

    @Option(help: "Path to a kubeconfig (default: in-cluster, else KUBECONFIG, else ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "kubeconfig context to use (default: the current context).")
    var context: String?

    @Option(help: "IronLB's namespace: where the ConfigMap and the leader Lease live.")
    var namespace = "ironlb-system"

    @Option(name: .customLong("config-map"), help: "Name of the ConfigMap holding the `config` key.")
    var configMap = "config"

    @Option(
        name: .customLong("lb-class"),
        help: "Serve only Services with this spec.loadBalancerClass (default: Services without a class).")
    var lbClass: String?

    @Option(name: .customLong("metrics-address"), help: "HOST:PORT for /metrics, /healthz and /readyz.")
    var metricsAddress = "0.0.0.0:7472"

    @Option(help: "Leader election identity (default: $POD_NAME, else the host name, plus a random suffix).")
    var identity: String?

    @Option(name: .customLong("lease-duration"), help: "Leader lease duration (Go duration).")
    var leaseDuration = "15s"

    @Option(name: .customLong("renew-deadline"), help: "How long the leader retries renewing before it steps down.")
    var renewDeadline = "10s"

    @Option(name: .customLong("retry-period"), help: "Pause between leader election attempts.")
    var retryPeriod = "2s"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        do {
            try ObservabilityServer.validate(address: metricsAddress)
        } catch {
            throw ValidationError("--metrics-address: \(error)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \"\(logLevel)\": expected trace, debug, info, notice, warning, error or critical")
        }
        for (flag, value) in [("--lease-duration", leaseDuration), ("--renew-deadline", renewDeadline), ("--retry-period", retryPeriod)] {
            _ = try duration(flag, value)
        }
    }

    func duration(_ flag: String, _ text: String) throws -> Duration {
        do {
            let ns = try GoDuration.parseNanoseconds(text)
            guard ns > 0 else { throw ValidationError("\(flag) \"\(text)\": must be positive") }
            return .nanoseconds(ns)
        } catch let e as ValidationError {
            throw e
        } catch {
            throw ValidationError("\(flag) \"\(text)\": \(error) (expected a Go duration like 15s)")
        }
    }

    /// The entry point: the malloc arena limit is set on the main thread before any other
    /// thread exists (`run()` runs on a pool thread that already has an arena of its own).
    static func main() async {
        ProcessMemory.limitMallocArenas(environment: ProcessInfo.processInfo.environment)
        await main(nil)
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "ironlb.controller")
        let env = ProcessInfo.processInfo.environment
        let clientConfig: ClientConfiguration
        do {
            clientConfig = try KubeConfigLoader.automatic(path: kubeconfig, context: context, environment: env)
        } catch {
            throw ValidationError("cannot configure the Kubernetes client: \(error)")
        }
        let client = try KubeClient(configuration: clientConfig, fieldManager: "ironlb-controller", logger: logger)
        let base = identity ?? env["POD_NAME"] ?? ProcessInfo.processInfo.hostName
        let id = identity ?? "\(base)_\(UUID().uuidString.prefix(8).lowercased())"
        let settings = ControllerSettings(
            namespace: namespace, configMapName: configMap, loadBalancerClass: lbClass, identity: id,
            leaseDuration: try duration("--lease-duration", leaseDuration),
            renewDeadline: try duration("--renew-deadline", renewDeadline),
            retryPeriod: try duration("--retry-period", retryPeriod))
        try settings.leaderElection.validate()
        let metrics = ControllerMetrics()
        let controller = ServiceController(client: client, settings: settings, metrics: metrics, logger: logger)
        let observability = try ObservabilityServer(
            address: metricsAddress, registry: metrics.registry, logger: logger,
            readiness: {
                switch await controller.isReady() {
                case .ready: return .healthy
                case .notReady(let why): return .unhealthy(why)
                }
            })
        logger.info(
            "lb-controller starting",
            metadata: [
                "identity": "\(id)", "namespace": "\(namespace)", "config-map": "\(configMap)",
                "lb-class": "\(lbClass ?? "<none>")", "server": "\(clientConfig.server)",
            ])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: observability),
                    .init(service: controller, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        let trimming = Task { await ProcessMemory.releaseFreeMemoryPeriodically() }
        defer { trimming.cancel() }
        try await group.run()
        try await client.shutdown()
        logger.info("lb-controller stopped")
    }
}
