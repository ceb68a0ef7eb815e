import Foundation
import Testing

@testable import LBLab

/// The lab router's bird2 config: rendered text, refused input, and bird itself parsing it.
@Suite struct BirdConfigTests {
    static func demoConfig(passive: Bool = true) throws -> BirdConfig {
        try BirdConfig(routerID: "172.30.0.2", localAddress: "172.30.0.2", localASN: 64512, neighbors: [
            .init(name: "n1", address: "172.30.0.11", asn: 64513),
            .init(name: "n2", address: "172.30.0.12", asn: 64513),
            .init(name: "n3", address: "fd00:1b::d", asn: 64513),
        ], passive: passive)
    }

    @Test func oneBGPProtocolPerNeighbourImportingEverything() throws {
        let text = try Self.demoConfig().render()
        #expect(text.contains("router id 172.30.0.2;\n"))
        #expect(text.components(separatedBy: "protocol bgp ").count - 1 == 3)
        #expect(text.contains("""
            protocol bgp n1 {
              local 172.30.0.2 as 64512;
              neighbor 172.30.0.11 as 64513;
              passive on;
              hold time 9;
              connect retry time 1;
              error wait time 1, 5;
              ipv4 {
                import all;
                export none;
              };
            }
            """))
        // An IPv6 neighbour gets an ipv6 channel.
        #expect(text.contains("neighbor fd00:1b::d as 64513;\n  passive on;\n  hold time 9;\n  connect retry time 1;\n  error wait time 1, 5;\n  ipv6 {"))
        #expect(!text.contains("passive off"))
        #expect(try Self.demoConfig(passive: false).render().contains("passive off;"))
    }

    @Test func renderingIsDeterministic() throws {
        #expect(try Self.demoConfig().render() == Self.demoConfig().render())
    }

    @Test func badInputIsRefusedNamingWhatIsWrong() {
        let n1 = BirdConfig.Neighbor(name: "n1", address: "172.30.0.11", asn: 2)
        let cases: [(expected: String, make: () throws -> BirdConfig)] = [
            ("router id", { try BirdConfig(routerID: "fd00::1", localAddress: "172.30.0.2", localASN: 1, neighbors: [n1]) }),
            ("local address", { try BirdConfig(routerID: "1.2.3.4", localAddress: "router", localASN: 1, neighbors: [n1]) }),
            ("at least one", { try BirdConfig(routerID: "1.2.3.4", localAddress: "1.2.3.4", localASN: 1, neighbors: []) }),
            ("must start with a letter", {
                try BirdConfig(routerID: "1.2.3.4", localAddress: "1.2.3.4", localASN: 1,
                               neighbors: [.init(name: "1n", address: "172.30.0.11", asn: 2)])
            }),
            ("must start with a letter", {
                try BirdConfig(routerID: "1.2.3.4", localAddress: "1.2.3.4", localASN: 1,
                               neighbors: [.init(name: "n-1", address: "172.30.0.11", asn: 2)])
            }),
            ("used twice", {
                try BirdConfig(routerID: "1.2.3.4", localAddress: "1.2.3.4", localASN: 1,
                               neighbors: [n1, .init(name: "n1", address: "172.30.0.12", asn: 2)])
            }),
            ("not an IP address", {
                try BirdConfig(routerID: "1.2.3.4", localAddress: "1.2.3.4", localASN: 1,
                               neighbors: [.init(name: "n1", address: "172.30.0.300", asn: 2)])
            }),
            ("AS 0", {
                try BirdConfig(routerID: "1.2.3.4", localAddress: "1.2.3.4", localASN: 1,
                               neighbors: [.init(name: "n1", address: "172.30.0.11", asn: 0)])
            }),
            ("AS 0", { try BirdConfig(routerID: "1.2.3.4", localAddress: "1.2.3.4", localASN: 0, neighbors: [n1]) }),
            ("hold time", {
                try BirdConfig(routerID: "1.2.3.4", localAddress: "1.2.3.4", localASN: 1, neighbors: [n1], holdTime: 2)
            }),
        ]
        for (expected, make) in cases {
            do {
                _ = try make()
                Issue.record("accepted; expected an error mentioning '\(expected)'")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }

    /// bird 2 itself accepts the rendered file (`bird -p` parses the config and exits).
    @Test(.enabled(if: LabCommand.which("bird") != nil || ProcessInfo.processInfo.environment["IRONLB_REQUIRE_LAB"] == "1",
                   "needs bird (package bird2)"))
    func birdParsesTheRenderedConfig() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bird-\(UUID().uuidString).conf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        for passive in [true, false] {
            let text = try Self.demoConfig(passive: passive).render()
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try LabCommand.run(["bird", "-p", "-c", path], timeout: 30)
            #expect(result.succeeded, "\(result.stderr)\n\(text)")
        }
    }
}
