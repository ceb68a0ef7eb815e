import Foundation
import Testing

@testable import LBCtlKit

/// `lbctl config validate` run in-process on temporary files, with captured output.
@Suite struct ConfigValidateTests {
    struct Run {
        var code: Int32
        var out: String
        var err: String
    }

    private func lbctl(_ arguments: [String], stdin: String? = nil) -> Run {
        let output = CapturedOutput()
        let context = CommandContext(output: output) { name in
            if name == "-", let stdin { return .success(stdin) }
            return InputReader.contents(of: name)
        }
        let code = LBCtl.run(arguments, context: context)
        return Run(code: code, out: output.standardOutput, err: output.standardError)
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    private func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lbctl-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private static let manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: config
          namespace: ironlb-system
        data:
          config: |
            peers:
            - peer-address: 192.0.2.1
              peer-asn: 64501
              my-asn: 64500
            address-pools:
            - name: default
              protocol: layer2
              addresses:
              - 192.0.2.240-192.0.2.250
              - 2001:db8::/64
        """

    @Test func validManifestPrintsASummary() throws {
        let run = lbctl(["config", "validate", try file(Self.manifest)])
        #expect(run.code == 0)
        #expect(run.err.isEmpty)
        #expect(run.out.contains("ConfigMap ironlb-system/config: valid"))
        #expect(run.out.contains("default: protocol layer2, addresses 192.0.2.240-192.0.2.250, 2001:db8::/64"))
        #expect(run.out.contains("usable IPv4 11, IPv6 18446744073709551616"))
        #expect(run.out.contains("192.0.2.1:179: address 192.0.2.1, port 179, peer-asn 64501, my-asn 64500 (eBGP), hold time 90s"))
    }

    @Test func invalidManifestPrintsEveryErrorWithFileLines() throws {
        let bad = Self.manifest
            .replacingOccurrences(of: "peer-asn: 64501", with: "peer-asn: 0")
            .replacingOccurrences(of: "2001:db8::/64", with: "10.0.0.0/33")
        let run = lbctl(["config", "validate", try file(bad)])
        #expect(run.code == 1)
        #expect(run.out.isEmpty)
        let lines = run.err.split(separator: "\n").map(String.init)
        #expect(lines == [
            "error: peers[0].peer-asn: \"0\": must be an AS number 1-4294967295 (line 10)",
            "error: address-pools[0].addresses[1]: \"10.0.0.0/33\": prefix length \"33\" must be a number 0-32 for IPv4 (line 17)",
        ])
    }

    @Test func bareConfigFile() throws {
        let run = lbctl(["config", "validate", try file("address-pools:\n- {name: a, protocol: bgp, addresses: [192.0.2.0/24]}\n")])
        #expect(run.code == 0)
        #expect(run.out.contains("config file: valid"))
        #expect(run.out.contains("usable IPv4 256"))

        let bad = lbctl(["config", "validate", try file("address-pools:\n- {name: a, protocol: bgp}\n")])
        #expect(bad.code == 1)
        #expect(bad.err == "error: address-pools[0].addresses: missing: expected a list of CIDRs (192.0.2.0/24) or ranges (192.0.2.10-192.0.2.20) (line 2)\n")
    }

    @Test func emptyFileIsAnEmptyValidConfig() throws {
        let run = lbctl(["config", "validate", try file("")])
        #expect(run.code == 0)
        #expect(run.out.contains("address pools: 0"))
    }

    @Test func picksTheConfigMapOutOfAMultiDocumentFile() throws {
        let text = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: ironlb-system}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: other, namespace: ironlb-system}
            data: {unrelated: x}
            ---
            \(Self.manifest)
            """
        let run = lbctl(["config", "validate", try file(text)])
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.contains("ConfigMap ironlb-system/config: valid"))
    }

    @Test func picksTheConfigMapOutOfAList() throws {
        let text = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: config, namespace: metallb-system}
              data:
                config: "address-pools: [{name: a, protocol: layer2, addresses: [192.0.2.0/33]}]"
            """
        let run = lbctl(["config", "validate", try file(text)])
        #expect(run.code == 1)
        // A quoted config's lines do not map to the file's: no line numbers.
        #expect(run.err == "error: address-pools[0].addresses[0]: \"192.0.2.0/33\": prefix length \"33\" must be a number 0-32 for IPv4\n")
    }

    @Test func aManifestWithoutAConfigIsAnError() throws {
        let run = lbctl(["config", "validate", try file("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n")])
        #expect(run.code == 1)
        #expect(run.err.hasPrefix("error: no ConfigMap with a data.config key found"))
        #expect(run.err.contains("found kinds: Deployment"))

        let noKey = lbctl(["config", "validate", try file("kind: ConfigMap\nmetadata: {name: c, namespace: n}\ndata: {}\n")])
        #expect(noKey.code == 1)
        #expect(noKey.err.contains("ConfigMap n/c has no data.config"))
    }

    @Test func yamlSyntaxErrorIsReported() throws {
        let run = lbctl(["config", "validate", try file("kind: ConfigMap\ndata: [\n")])
        #expect(run.code == 1)
        #expect(run.err.hasPrefix("error: YAML syntax error"))
    }

    @Test func unreadableInputs() throws {
        let missing = lbctl(["config", "validate", "/nonexistent/ironlb.yaml"])
        #expect(missing.code == 1)
        #expect(missing.err == "error: cannot open /nonexistent/ironlb.yaml: No such file or directory\n")

        let directory = lbctl(["config", "validate", FileManager.default.temporaryDirectory.path])
        #expect(directory.code == 1)
        #expect(directory.err.contains("Is a directory"))

        let binary = try file("")
        try Data([0xFF, 0xFE, 0x00, 0xC3]).write(to: URL(fileURLWithPath: binary))
        let notText = lbctl(["config", "validate", binary])
        #expect(notText.code == 1)
        #expect(notText.err.contains("not UTF-8 text"))
    }

    @Test func readsStandardInput() {
        let run = lbctl(["config", "validate", "-"], stdin: "address-pools: [{name: a, protocol: layer2, addresses: [192.0.2.0/30]}]")
        #expect(run.code == 0)
        #expect(run.out.contains("usable IPv4 4"))
    }

    @Test func samplesAreValid() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        #expect(names.count >= 4)
        for name in names {
            let run = lbctl(["config", "validate", dir.appendingPathComponent(name).path])
            #expect(run.code == 0, "config/\(name): \(run.err)")
        }
    }

    @Test func versionAndUsageErrors() {
        let version = lbctl(["version"])
        #expect(version.code == 0)
        #expect(version.out == "lbctl 0.1.0\n")

        let missingArgument = lbctl(["config", "validate"])
        #expect(missingArgument.code != 0)
        #expect(missingArgument.err.contains("Missing expected argument"))

        let unknown = lbctl(["frobnicate"])
        #expect(unknown.code != 0)

        let help = lbctl(["config", "validate", "--help"])
        #expect(help.code == 0)
        #expect(help.out.contains("USAGE: lbctl config validate <file>"))
    }
}
