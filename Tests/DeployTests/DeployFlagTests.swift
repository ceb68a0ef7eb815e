import Foundation
import Testing

/// Every flag the manifests pass to lb-controller and lb-speaker is one the built binary
/// accepts: the names come from the binaries' own `--help`, so a renamed flag fails here, not
/// in a CrashLoopBackOff.
@Suite(.enabled(if: DeployPrerequisites.kubectlUsable && DeployPrerequisites.binariesUsable,
                "needs kubectl and the built lb-controller and lb-speaker (IRONLB_BIN_DIR; IRONLB_REQUIRE_LAB=1 makes their absence fail)"))
struct DeployFlagTests {
    /// The long options `--help` lists.
    static func flags(of binary: String) async throws -> Set<String> {
        let help = try await DeployTool.run(binary, ["--help"], timeout: 30)
        #expect(help.status == 0, "\(binary) --help: \(help.output)")
        let pattern = /--[a-z0-9][a-z0-9-]*/
        return Set(help.stdout.matches(of: pattern).map { String($0.output) })
    }

    /// The `--name` part of every `--name=value` or `--name` argument.
    static func flagNames(_ args: [String]) -> [String] {
        args.filter { $0.hasPrefix("--") }.map { String($0.split(separator: "=", maxSplits: 1)[0]) }
    }

    @Test(arguments: [("Deployment", "controller"), ("DaemonSet", "speaker")])
    func argumentsAreFlagsOfTheBinary(kind: String, name: String) async throws {
        let binaries = try DeployPrerequisites.requireBinaries()
        let manifests = try await RenderedManifests.render(kubectl: try DeployPrerequisites.requireKubectl())
        defer { manifests.remove() }
        let container = try DeployWorkloadTests.container(of: try manifests.object(kind, name))
        let command = container.strings("command")
        let binaryName = try #require(command.first.map { URL(fileURLWithPath: $0).lastPathComponent })
        #expect(command.count == 1 && command.first == "/usr/local/bin/\(binaryName)", "\(command)")
        let binary = binaryName == "lb-controller" ? binaries.controller : binaries.speaker
        #expect(["lb-controller", "lb-speaker"].contains(binaryName), "\(kind) \(name) runs \(binaryName)")

        let known = try await Self.flags(of: binary)
        #expect(known.contains("--metrics-address"), "could not read the flags from \(binary) --help")
        let args = container.strings("args")
        #expect(args.allSatisfy { $0.hasPrefix("--") && $0.contains("=") },
                "write every argument as --flag=value: \(args)")
        for flag in Self.flagNames(args) {
            #expect(known.contains(flag), "\(binaryName) has no flag \(flag) (it has \(known.sorted()))")
        }
    }
}
