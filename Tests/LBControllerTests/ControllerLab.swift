import Foundation
import KubeAPI
import KubeTestServer
import LBController
import Logging
import ServiceLifecycle

/// A KubeTestServer, a client, and helpers to run real `ServiceController`s against it.
final class ControllerLab: Sendable {
    let server: KubeTestServer
    let client: KubeClient
    let namespace = "ironlb-system"

    static let layer2Config = """
        address-pools:
        - name: default
          protocol: layer2
          addresses: [192.0.2.0/28]
        """

    private init(server: KubeTestServer, client: KubeClient) {
        self.server = server
        self.client = client
    }

    static func start(config: String? = layer2Config, namespaces: [String] = []) async throws -> ControllerLab {
        var conf = KubeTestServer.Configuration()
        conf.bookmarkInterval = .milliseconds(200)
        let server = try await KubeTestServer.start(conf)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ironlb-lab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("kubeconfig").path
        try server.writeKubeconfig(to: path)
        let cc = try KubeConfigLoader.load(path: path, context: nil, environment: [:])
        let client = try KubeClient(configuration: cc, logger: Logger(label: "test.client"))
        let lab = ControllerLab(server: server, client: client)
        for ns in ["ironlb-system"] + namespaces { try lab.createNamespace(ns) }
        if let config { try await lab.setConfig(config) }
        return lab
    }

    func createNamespace(_ name: String) throws {
        try server.createNamespace(name)
    }

    func setConfig(_ text: String) async throws {
        if var cm = try? await client.get(ConfigMap.self, namespace: namespace, name: "config") {
            cm.data["config"] = text
            _ = try await client.update(cm)
        } else {
            _ = try await client.create(
                ConfigMap(metadata: ObjectMeta(name: "config", namespace: namespace), data: ["config": text]))
        }
    }

    @discardableResult
    func createService(
        _ name: String, namespace ns: String = "default", annotations: [String: String] = [:], lbIP: String? = nil,
        ports: [Int] = [80], type: ServiceType = .loadBalancer, lbClass: String? = nil, families: [IPFamily] = [],
        policy: IPFamilyPolicy? = nil
    ) async throws -> KubeAPI.Service {
        let svc = KubeAPI.Service(
            metadata: ObjectMeta(name: name, namespace: ns, annotations: annotations),
            spec: ServiceSpec(
                type: type, ports: ports.map { ServicePort(port: $0) }, selector: ["app": name], loadBalancerIP: lbIP,
                loadBalancerClass: lbClass, ipFamilies: families, ipFamilyPolicy: policy))
        return try await client.create(svc)
    }

    func service(_ name: String, namespace ns: String = "default") async throws -> KubeAPI.Service {
        try await client.get(KubeAPI.Service.self, namespace: ns, name: name)
    }

    func ingressIPs(_ name: String, namespace ns: String = "default") async throws -> [String] {
        try await service(name, namespace: ns).status.loadBalancer.ingress.compactMap(\.ip)
    }

    /// Polls until `predicate` holds (bounded; a bound, not a timing assertion).
    func waitFor(
        _ what: String, timeout: Duration = .seconds(20), _ predicate: @Sendable () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await predicate()) == true { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw LabError("timed out waiting for \(what)")
    }

    func waitForIPs(_ name: String, namespace ns: String = "default", count: Int = 1) async throws -> [String] {
        try await waitFor("\(ns)/\(name) to get \(count) IP(s)") {
            try await self.ingressIPs(name, namespace: ns).count == count
        }
        return try await ingressIPs(name, namespace: ns)
    }

    /// Events about one object, as `kubectl describe` finds them.
    func events(for name: String, namespace ns: String = "default", kind: String = "Service") async throws -> [KubeAPI.Event] {
        try await client.list(
            KubeAPI.Event.self, namespace: ns,
            fieldSelector: "involvedObject.name=\(name),involvedObject.kind=\(kind)"
        ).items
    }

    func waitForEvent(_ reason: String, on name: String, namespace ns: String = "default", kind: String = "Service")
        async throws -> KubeAPI.Event
    {
        try await waitFor("event \(reason) on \(name)") {
            try await self.events(for: name, namespace: ns, kind: kind).contains { $0.reason == reason }
        }
        return try await events(for: name, namespace: ns, kind: kind).first { $0.reason == reason }!
    }

    /// Starts a controller in a ServiceGroup; `stop()` shuts it down gracefully, `kill()` cancels it
    /// without releasing its lease (as a crashed process would leave it).
    func startController(
        identity: String, lbClass: String? = nil, leaseDuration: Duration = .seconds(2),
        renewDeadline: Duration = .milliseconds(1500), retryPeriod: Duration = .milliseconds(200)
    ) -> RunningController {
        var settings = ControllerSettings(
            namespace: namespace, loadBalancerClass: lbClass, identity: identity, leaseDuration: leaseDuration,
            renewDeadline: renewDeadline, retryPeriod: retryPeriod)
        settings.leaderElection.releaseOnCancel = false
        var logger = Logger(label: "test.controller.\(identity)")
        logger.logLevel = .warning
        let controller = ServiceController(client: client, settings: settings, metrics: ControllerMetrics(), logger: logger)
        let group = ServiceGroup(services: [controller], logger: logger)
        let task = Task { try await group.run() }
        return RunningController(controller: controller, group: group, task: task)
    }

    func shutdown() async {
        try? await client.shutdown()
        try? await server.shutdown()
    }
}

struct RunningController: Sendable {
    let controller: ServiceController
    let group: ServiceGroup
    let task: Task<Void, any Error>

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    func kill() async {
        task.cancel()
        _ = try? await task.value
    }
}

struct LabError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
