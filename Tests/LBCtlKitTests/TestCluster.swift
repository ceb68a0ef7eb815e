import Foundation
import KubeAPI
import KubeTestServer
import LBCore
import Testing

@testable import LBCtlKit

/// An in-process KubeTestServer with a kubeconfig file for lbctl and a client for seeding.
struct TestCluster {
    struct Run {
        var code: Int32
        var out: String
        var err: String
    }

    let server: KubeTestServer
    let client: KubeClient
    /// The directory holding the kubeconfig (and anything else a test writes).
    let directory: URL
    var kubeconfig: String { directory.appendingPathComponent("kubeconfig").path }

    /// Starts a cluster, runs `body`, and always shuts it down and removes its files.
    static func with<T>(_ body: (TestCluster) async throws -> T) async throws -> T {
        let server = try await KubeTestServer.start(KubeTestServer.Configuration())
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lbctl-test-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let path = dir.appendingPathComponent("kubeconfig").path
            try server.writeKubeconfig(to: path)
            let client = try KubeClient(configuration: try KubeConfigLoader.load(path: path, context: nil, environment: [:]))
            let cluster = TestCluster(server: server, client: client, directory: dir)
            do {
                let result = try await body(cluster)
                try? await client.shutdown()
                try? await server.shutdown()
                try? FileManager.default.removeItem(at: dir)
                return result
            } catch {
                try? await client.shutdown()
                throw error
            }
        } catch {
            try? await server.shutdown()
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
    }

    /// Runs lbctl in-process with captured output.
    func lbctl(_ arguments: [String], environment: [String: String] = [:], terminal: Bool = false) async -> Run {
        let output = CapturedOutput()
        let code = await LBCtl.run(arguments, context: CommandContext(output: output, environment: environment, outputIsTerminal: terminal))
        return Run(code: code, out: output.standardOutput, err: output.standardError)
    }

    // MARK: Seeding

    func namespace(_ name: String) throws { try server.createNamespace(name) }

    func config(_ text: String = StatusFixtures.config) async throws {
        _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "config", namespace: "ironlb-system"), data: ["config": text]))
    }

    /// A Service as the controller leaves it: `ips` in its status (none: pending).
    @discardableResult
    func service(
        _ name: String, namespace: String = "default", ips: [String] = [], annotations: [String: String] = [:]
    ) async throws -> KubeAPI.Service {
        var svc = try await client.create(StatusFixtures.service(name, namespace: namespace, annotations: annotations))
        guard !ips.isEmpty else { return svc }
        svc.status.loadBalancer.ingress = ips.map { LoadBalancerIngress(ip: $0) }
        return try await client.updateStatus(svc)
    }

    /// A speaker's Lease renewed now (600 s duration: live for the whole test).
    func speaker(_ node: String, members: [String], ips: [SpeakerState.AddressState], bgpPeers: [SpeakerState.PeerState]? = nil) async throws {
        let state = SpeakerState(node: node, memberAddress: "10.0.0.1:7946", liveMembers: members, ips: ips, bgpPeers: bgpPeers)
        _ = try await client.create(
            Lease(
                metadata: ObjectMeta(
                    name: "ironlb-speaker-\(node)", namespace: "ironlb-system",
                    annotations: [SpeakerState.annotationKey: try state.jsonString()]),
                spec: LeaseSpec(holderIdentity: node, leaseDurationSeconds: 600, renewTime: MicroTime(Date()))))
    }

    /// The controller's `AllocationFailed` event about a Service.
    func allocationFailed(_ service: KubeAPI.Service, message: String) async throws {
        _ = try await client.create(
            KubeAPI.Event(
                metadata: ObjectMeta(name: "\(service.metadata.name).failed", namespace: service.metadata.namespace),
                involvedObject: ObjectReference(service), type: .warning, reason: "AllocationFailed", message: message,
                source: EventSource(component: "ironlb-controller"), firstTimestamp: KubeTime(Date()),
                lastTimestamp: KubeTime(Date()), count: 1))
    }

    /// IronLB's namespace, config, a served layer-2 Service `web` announced by node-a, a BGP
    /// Service `shop/api` advertised by node-a to tor-1, and a pending `db` with the controller's
    /// event.
    func seedStandard() async throws {
        try namespace("ironlb-system")
        try namespace("shop")
        try await config()
        try await service("web", ips: ["192.0.2.1"], annotations: [ServiceAnnotations.assignedPool: "default"])
        try await service("api", namespace: "shop", ips: ["198.51.100.5"], annotations: [ServiceAnnotations.assignedPool: "routed"])
        let db = try await service("db", annotations: ["ironlb.dev/address-pool": "missing"])
        try await allocationFailed(db, message: "the address-pool annotation names pool \"missing\", which does not exist (pools: default, routed)")
        try await speaker(
            "node-a", members: ["node-a", "node-b"],
            ips: [
                StatusFixtures.entry("192.0.2.1", pool: "default", mode: .layer2, announced: true, owner: "node-a"),
                StatusFixtures.bgpEntry("198.51.100.5", pool: "routed", advertised: true, peers: ["tor-1"]),
            ],
            bgpPeers: [StatusFixtures.peer("tor-1", up: true)])
        try await speaker(
            "node-b", members: ["node-a", "node-b"],
            ips: [
                StatusFixtures.entry("192.0.2.1", pool: "default", mode: .layer2, announced: false, owner: "node-a"),
                StatusFixtures.bgpEntry("198.51.100.5", pool: "routed", advertised: true, peers: ["tor-1"]),
            ],
            bgpPeers: [StatusFixtures.peer("tor-1", up: true)])
    }

    /// How many times the speakers' Leases have been listed: one per lbctl read.
    var leaseReads: Int {
        server.requestCounts().filter { $0.key.contains("leases") && $0.key.hasPrefix("list") }.values.reduce(0, +)
    }
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double = 10, _ condition: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
