import Foundation
import Testing

@testable import LBLab

/// The demo's Kubernetes objects. Their acceptance by the real parsers is checked end to end by
/// `lab-demo run` (lbctl config validate, kubectl apply); these pin what the demo relies on.
@Suite struct DemoManifestsTests {
    @Test func configPeersWithTheRouterFromBothPools() {
        let yaml = DemoManifests(routerAddress: "172.30.0.2").configMapYAML
        #expect(yaml.contains("    - peer-address: 172.30.0.2\n      peer-asn: 64512\n      my-asn: 64513\n"))
        #expect(yaml.contains("    - name: demo-l2\n      protocol: layer2\n      addresses:\n      - 172.30.0.200-172.30.0.219\n"))
        #expect(yaml.contains("    - name: demo-bgp\n      protocol: bgp\n"))
    }

    @Test func serviceHasOneReadyEndpointPerNode() {
        let yaml = DemoManifests.serviceYAML(name: "web", pool: "demo-l2", nodes: ["n1", "n2", "n3"])
        #expect(yaml.contains("metallb.universe.tf/address-pool: demo-l2"))
        #expect(yaml.contains("kubernetes.io/service-name: web"))
        for (index, node) in ["n1", "n2", "n3"].enumerated() {
            #expect(yaml.contains("- addresses: [\"10.244.\(index + 1).10\"]\n  nodeName: \(node)\n  conditions:\n    ready: true"))
        }
    }

    @Test func nodeStatusPatchIsJSONWithTheInternalIP() throws {
        let patch = DemoManifests.nodeStatusPatch(name: "n1", internalIP: "172.30.0.11")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(patch.utf8)) as? [String: Any])
        let status = try #require(object["status"] as? [String: Any])
        let addresses = try #require(status["addresses"] as? [[String: String]])
        #expect(addresses.contains(["type": "InternalIP", "address": "172.30.0.11"]))
    }

    /// The backend is valid Python (compiled, not run: it binds port 80).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs /usr/bin/python3"))
    func backendScriptCompiles() throws {
        let result = try LabCommand.run(
            ["/usr/bin/python3", "-c", "import sys; compile(sys.argv[1], 'backend', 'exec')", DemoManifests.httpBackendScript],
            timeout: 30)
        #expect(result.succeeded, "\(result.stderr)")
    }
}
