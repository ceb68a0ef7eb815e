import Foundation
import KubeAPI
import KubeTestServer
import LBCore
import Testing

@testable import LBCtlKit

/// `lbctl explain` end to end against KubeTestServer.
@Suite struct ExplainCommandTests {
    @Test func explainsALayer2Service() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedStandard()
            let run = await cluster.lbctl(["explain", "svc/default/web", "--kubeconfig", cluster.kubeconfig])
            #expect(run.code == 0, "\(run.err)")
            let lines = run.out.split(separator: "\n").map(String.init)
            #expect(lines.first == "default/web: 192.0.2.1 announced by node-a (layer2, pool default)")
            #expect(lines.contains { $0.hasPrefix("  node-b") && $0.contains("notElected: node node-a ranks first") })
            #expect(lines.last == "no problems found")
        }
    }

    @Test(arguments: [
        ["explain", "svc/shop/api"], ["explain", "service/shop/api"], ["explain", "services/shop/api"],
        ["explain", "-n", "shop", "svc/api"], ["explain", "svc/api", "--namespace", "shop"],
    ])
    func everyFormNamesTheSameService(_ arguments: [String]) async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedStandard()
            let run = await cluster.lbctl(arguments + ["--kubeconfig", cluster.kubeconfig, "-o", "json"])
            #expect(run.code == 0, "\(run.err)")
            let report = try JSONDecoder().decode(ExplainReport.self, from: Data(run.out.utf8))
            #expect(report.service == "shop/api")
            #expect(report.verdict == "198.51.100.5 advertised by node-a to tor-1, node-b to tor-1 (bgp, pool routed)")
        }
    }

    @Test func svcNameUsesTheContextsNamespace() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedStandard()
            let run = await cluster.lbctl(["explain", "svc/web", "--kubeconfig", cluster.kubeconfig, "-o", "yaml"])
            #expect(run.code == 0, "\(run.err)")
            #expect(run.out.hasPrefix("service: default/web\nverdict: 192.0.2.1 announced by node-a (layer2, pool default)\n"))
        }
    }

    @Test func explainsAPendingServiceWithTheControllersEvent() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedStandard()
            let run = await cluster.lbctl(["explain", "svc/default/db", "--kubeconfig", cluster.kubeconfig])
            #expect(run.code == 0, "\(run.err)")
            #expect(run.out.hasPrefix("default/db: pending: the address-pool annotation names pool \"missing\""))
            #expect(run.out.contains("events:          Warning AllocationFailed: the address-pool annotation names pool \"missing\""))
            #expect(run.out.contains("     fix: name an existing pool in the address-pool annotation, or add that pool to the config"))
            let strict = await cluster.lbctl(["explain", "svc/default/db", "--kubeconfig", cluster.kubeconfig, "--strict"])
            #expect(strict.code == 1)
            let healthy = await cluster.lbctl(["explain", "svc/default/web", "--kubeconfig", cluster.kubeconfig, "--strict"])
            #expect(healthy.code == 0)
        }
    }

    @Test func aMissingServiceIsAClearError() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedStandard()
            let run = await cluster.lbctl(["explain", "svc/default/nope", "--kubeconfig", cluster.kubeconfig])
            #expect(run.code == 1)
            #expect(run.out.isEmpty)
            #expect(run.err == "error: service \"nope\" not found in namespace \"default\"\n")
        }
    }

    @Test(arguments: [
        (["explain", "web"], "\"web\" is not a Service reference"),
        (["explain", "svc/a/b/c"], "\"svc/a/b/c\" has too many parts"),
        (["explain", "-n", "shop", "svc/default/web"], "svc/default/web names namespace \"default\" but -n says \"shop\""),
        (["explain", "-n", "Bad_NS", "svc/web"], "-n: the namespace \"Bad_NS\" is not a valid name"),
        (["explain"], "Missing expected argument '<service>'"),
    ])
    func malformedArgumentsAreUsageErrors(_ arguments: [String], _ message: String) async {
        let output = CapturedOutput()
        let code = await LBCtl.run(arguments, context: CommandContext(output: output))
        #expect(code == 64)
        #expect(output.standardError.contains(message), "\(output.standardError)")
    }
}
