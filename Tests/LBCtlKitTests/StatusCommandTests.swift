import Foundation
import KubeAPI
import KubeTestServer
import LBCore
import Testing

@testable import LBCtlKit

/// `lbctl status` end to end: an in-process KubeTestServer, a kubeconfig file, and
/// `LBCtl.run` with captured output.
@Suite struct StatusCommandTests {
    struct Run {
        var code: Int32
        var out: String
        var err: String
    }

    private func lbctl(_ arguments: [String]) async -> Run {
        let output = CapturedOutput()
        let code = await LBCtl.run(arguments, context: CommandContext(output: output))
        return Run(code: code, out: output.standardOutput, err: output.standardError)
    }

    /// A running server, a client on it, and the kubeconfig path lbctl is given.
    private func startServer() async throws -> (KubeTestServer, KubeClient, String) {
        let server = try await KubeTestServer.start(KubeTestServer.Configuration())
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lbctl-status-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("kubeconfig").path
        try server.writeKubeconfig(to: path)
        let client = try KubeClient(configuration: try KubeConfigLoader.load(path: path, context: nil, environment: [:]))
        return (server, client, path)
    }

    @Test func statusAgainstAServer() async throws {
        let (server, client, path) = try await startServer()
        do {
            try server.createNamespace("ironlb-system")
            _ = try await client.create(
                ConfigMap(
                    metadata: ObjectMeta(name: "config", namespace: "ironlb-system"), data: ["config": StatusFixtures.config]))
            var web = try await client.create(
                StatusFixtures.service("web", annotations: [ServiceAnnotations.assignedPool: "default"]))
            web.status.loadBalancer.ingress = [LoadBalancerIngress(ip: "192.0.2.1")]
            _ = try await client.updateStatus(web)
            _ = try await client.create(StatusFixtures.service("waiting"))
            let state = SpeakerState(
                node: "node-a", memberAddress: "10.0.0.1:7946", liveMembers: ["node-a"],
                ips: [StatusFixtures.entry("192.0.2.1", pool: "default", mode: .layer2, announced: true, owner: "node-a")])
            _ = try await client.create(
                Lease(
                    metadata: ObjectMeta(
                        name: "ironlb-speaker-node-a", namespace: "ironlb-system",
                        annotations: [SpeakerState.annotationKey: try state.jsonString()]),
                    spec: LeaseSpec(holderIdentity: "node-a", leaseDurationSeconds: 600, renewTime: MicroTime(Date()))))

            let run = await lbctl(["status", "--kubeconfig", path])
            #expect(run.code == 0, "\(run.err)")
            #expect(run.err.isEmpty)
            let lines = run.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == "1 service pending")
            #expect(run.out.contains("config: loaded (ConfigMap ironlb-system/config)"))
            #expect(lines.contains { $0.hasPrefix("default") && $0.contains("layer2") && $0.contains("IPv4 1/16, IPv6 0/18446744073709551616") })
            #expect(lines.contains { $0.hasPrefix("default/web") && $0.contains("192.0.2.1") && $0.contains("node-a") && $0.hasSuffix("served") })
            #expect(lines.contains { $0.hasPrefix("default/waiting") && $0.contains("pending: no IP assigned yet") })
            #expect(lines.contains { $0.hasPrefix("node-a") && $0.contains("yes") })

            let strict = await lbctl(["status", "--kubeconfig", path, "--strict", "-o", "json"])
            #expect(strict.code == 1)
            #expect(strict.out.contains(#""verdict" : "1 service pending""#))

            let yaml = await lbctl(["status", "--kubeconfig", path, "-o", "yaml", "-n", "elsewhere"])
            #expect(yaml.code == 0, "\(yaml.err)")
            #expect(yaml.out.hasPrefix("verdict: 1 service pending; config missing; no speakers\n"))
        } catch {
            try? await client.shutdown()
            try? await server.shutdown()
            throw error
        }
        try? await client.shutdown()
        try? await server.shutdown()
    }

    @Test func unreachableServerExitsNonZeroNamingIt() async throws {
        let (server, client, path) = try await startServer()
        try? await client.shutdown()
        try await server.shutdown()
        let run = await lbctl(["status", "--kubeconfig", path, "--request-timeout", "2"])
        #expect(run.code == 1)
        #expect(run.out.isEmpty)
        #expect(run.err.hasPrefix("error: cannot reach the Kubernetes API server at \(server.url)"), "\(run.err)")
    }

    /// The synchronous entry point (what the executable uses) runs the same command.
    @Test func synchronousRunWorksToo() async throws {
        let (server, client, path) = try await startServer()
        try server.createNamespace("ironlb-system")
        let output = CapturedOutput()
        // Blocking is the point of the synchronous entry; do it on a thread of its own, not on
        // one of the concurrent pool's.
        let code = await withCheckedContinuation { (done: CheckedContinuation<Int32, Never>) in
            let box = UncheckedBox(output)
            Thread { done.resume(returning: LBCtl.run(["status", "--kubeconfig", path], context: CommandContext(output: box.value))) }.start()
        }
        #expect(code == 0, "\(output.standardError)")
        #expect(output.standardOutput.hasPrefix("no LoadBalancer services; config missing; no speakers\n"))
        try? await client.shutdown()
        try? await server.shutdown()
    }

    @Test func badRequestTimeoutIsAUsageError() async {
        let run = await lbctl(["status", "--request-timeout", "0"])
        #expect(run.code == 64)
        #expect(run.err.contains("--request-timeout must be a positive number of seconds"))
    }

    @Test func missingKubeconfigIsAnError() async {
        let run = await lbctl(["status", "--kubeconfig", "/nonexistent/kubeconfig"])
        #expect(run.code == 1)
        #expect(run.err.contains("/nonexistent/kubeconfig"))
    }
}

/// Hands a non-Sendable test object to the thread that uses it while the test waits.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
