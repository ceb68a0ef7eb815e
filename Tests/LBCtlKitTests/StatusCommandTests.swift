import Foundation
import KubeAPI
import KubeTestServer
import LBCore
import Testing

@testable import LBCtlKit

/// `lbctl status` end to end: an in-process KubeTestServer, a kubeconfig file, and
/// `LBCtl.run` with captured output.
@Suite struct StatusCommandTests {
    @Test func statusAgainstAServer() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedStandard()
            let path = cluster.kubeconfig

            let run = await cluster.lbctl(["status", "--kubeconfig", path])
            #expect(run.code == 0, "\(run.err)")
            #expect(run.err.isEmpty)
            let lines = run.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == "1 service pending")
            #expect(run.out.contains("config: loaded (ConfigMap ironlb-system/config)"))
            #expect(!run.out.contains("\u{1B}["), "no colour when not a terminal")
            #expect(lines.contains { $0.hasPrefix("default") && $0.contains("layer2") && $0.contains("IPv4 1/16, IPv6 0/18446744073709551616") })
            #expect(lines.contains { $0.hasPrefix("default/web") && $0.contains("192.0.2.1") && $0.contains("node-a") && $0.hasSuffix("served") })
            #expect(lines.contains { $0.hasPrefix("shop/api") && $0.contains("node-a,node-b") && $0.contains("tor-1") })
            #expect(lines.contains { $0.hasPrefix("default/db") && $0.contains("pending: the address-pool annotation names pool \"missing\"") })
            #expect(lines.contains { $0.hasPrefix("node-a") && $0.contains("yes") && $0.contains("1/1") })

            let strict = await cluster.lbctl(["status", "--kubeconfig", path, "--strict", "-o", "json"])
            #expect(strict.code == 1)
            let report = try JSONDecoder().decode(StatusReport.self, from: Data(strict.out.utf8))
            #expect(report.verdict == "1 service pending")
            #expect(report.services.map(\.name) == ["default/db", "default/web", "shop/api"])

            let yaml = await cluster.lbctl(["status", "--kubeconfig", path, "-o", "yaml", "--ironlb-namespace", "elsewhere"])
            #expect(yaml.code == 0, "\(yaml.err)")
            #expect(yaml.out.hasPrefix("verdict: 1 service pending; config missing; no speakers\n"))

            let shop = await cluster.lbctl(["status", "--kubeconfig", path, "-n", "shop", "-o", "json"])
            let only = try JSONDecoder().decode(StatusReport.self, from: Data(shop.out.utf8))
            #expect(only.services.map(\.name) == ["shop/api"])
            #expect(only.verdict == "1 service served")
        }
    }

    @Test func kubeconfigFromTheEnvironment() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedStandard()
            let run = await cluster.lbctl(["status"], environment: ["KUBECONFIG": "/nonexistent/a:\(cluster.kubeconfig)"])
            #expect(run.code == 0, "\(run.err)")
            #expect(run.out.hasPrefix("1 service pending\n"))
        }
    }

    @Test func colourOnATerminalUnlessNO_COLOROrNever() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedStandard()
            let path = cluster.kubeconfig
            let terminal = await cluster.lbctl(["status", "--kubeconfig", path], terminal: true)
            #expect(terminal.out.hasPrefix("\u{1B}[31m1 service pending\u{1B}[0m\n"))
            let noColor = await cluster.lbctl(["status", "--kubeconfig", path], environment: ["NO_COLOR": "1"], terminal: true)
            #expect(!noColor.out.contains("\u{1B}["))
            let never = await cluster.lbctl(["status", "--kubeconfig", path, "--color", "never"], terminal: true)
            #expect(!never.out.contains("\u{1B}["))
            let always = await cluster.lbctl(["status", "--kubeconfig", path, "--color", "always"])
            #expect(always.out.contains("\u{1B}[32mserved\u{1B}[0m"))
            let json = await cluster.lbctl(["status", "--kubeconfig", path, "-o", "json", "--color", "always"])
            #expect(!json.out.contains("\u{1B}["), "documents are never coloured")
        }
    }

    /// `--watch` prints the report, then prints it again only when something other than the
    /// clock changed, and stops cleanly when its task is cancelled (what SIGINT does).
    @Test func watchReprintsOnlyOnChange() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedStandard()
            let output = CapturedOutput()
            let context = CommandContext(output: output, environment: [:])
            let path = cluster.kubeconfig
            let watching = Task { await LBCtl.run(["status", "--kubeconfig", path, "--watch", "--interval", "0.1"], context: context) }
            func renders() -> Int { output.standardOutput.components(separatedBy: "\nconfig: loaded").count - 1 }

            #expect(await eventually { renders() == 1 })
            // Several reads of an unchanged cluster (ages move, nothing else) print nothing.
            let reads = cluster.leaseReads
            #expect(await eventually { cluster.leaseReads >= reads + 3 })
            #expect(renders() == 1)

            // A real change is printed once.
            let waiting = try await cluster.service("waiting")
            #expect(await eventually { renders() == 2 })
            #expect(output.standardOutput.contains("\n2 services pending\n"))
            let after = cluster.leaseReads
            #expect(await eventually { cluster.leaseReads >= after + 3 })
            #expect(renders() == 2)
            _ = waiting

            watching.cancel()
            #expect(await watching.value == 0)
            #expect(output.standardError.isEmpty)
        }
    }

    @Test func unreachableServerExitsTwoNamingIt() async throws {
        let (url, path) = try await TestCluster.with { cluster in
            // Keep the kubeconfig, lose the server.
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("lbctl-gone-\(UUID().uuidString)").path
            try FileManager.default.copyItem(atPath: cluster.kubeconfig, toPath: copy)
            return (cluster.server.url, copy)
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = CapturedOutput()
        let code = await LBCtl.run(["status", "--kubeconfig", path, "--request-timeout", "2"], context: CommandContext(output: output))
        #expect(code == 2)
        #expect(output.standardOutput.isEmpty)
        #expect(output.standardError.hasPrefix("error: cannot reach the Kubernetes API server at \(url)"), "\(output.standardError)")
        let explain = await LBCtl.run(["explain", "svc/default/web", "--kubeconfig", path, "--request-timeout", "2"], context: CommandContext(output: output))
        #expect(explain == 2)
    }

    /// The synchronous entry point (what the executable uses) runs the same command.
    @Test func synchronousRunWorksToo() async throws {
        try await TestCluster.with { cluster in
            try cluster.namespace("ironlb-system")
            let output = CapturedOutput()
            let path = cluster.kubeconfig
            // Blocking is the point of the synchronous entry; do it on a thread of its own, not on
            // one of the concurrent pool's.
            let code = await withCheckedContinuation { (done: CheckedContinuation<Int32, Never>) in
                Thread { done.resume(returning: LBCtl.run(["status", "--kubeconfig", path], context: CommandContext(output: output))) }.start()
            }
            #expect(code == 0, "\(output.standardError)")
            #expect(output.standardOutput.hasPrefix("no LoadBalancer services; config missing; no speakers\n"))
        }
    }

    @Test func usageErrors() async {
        let output = CapturedOutput()
        #expect(await LBCtl.run(["status", "--request-timeout", "0"], context: CommandContext(output: output)) == 64)
        #expect(output.standardError.contains("--request-timeout must be a positive number of seconds"))
        #expect(await LBCtl.run(["status", "--interval", "0"], context: CommandContext(output: output)) == 64)
        #expect(output.standardError.contains("--interval must be between 0.1 and 86400 seconds"))
        #expect(await LBCtl.run(["status", "-o", "xml"], context: CommandContext(output: output)) == 64)
        #expect(await LBCtl.run(["status", "--color", "sometimes"], context: CommandContext(output: output)) == 64)
    }

    @Test func missingKubeconfigExitsTwo() async {
        let output = CapturedOutput()
        let code = await LBCtl.run(["status", "--kubeconfig", "/nonexistent/kubeconfig"], context: CommandContext(output: output))
        #expect(code == 2)
        #expect(output.standardError.contains("/nonexistent/kubeconfig"))
    }
}
