import Foundation

/// The IronLB executables the demo runs, and the kubectl it drives them with.
public struct DemoBinaries: Sendable, Equatable, Codable {
    public static let names = ["lb-speaker", "lb-controller", "kube-test-server", "lbctl"]

    public var speaker: String
    public var controller: String
    public var kubeTestServer: String
    public var lbctl: String
    public var kubectl: String

    /// Every binary, or throws naming each one missing and where it was looked for.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DemoBinaries {
        var found: [String: String] = [:]
        var missing: [String] = []
        for name in names {
            if let path = locate(name, environment: environment) { found[name] = path } else { missing.append(name) }
        }
        guard let kubectl = locateKubectl() else {
            missing.append("kubectl")
            throw missingError(missing, environment)
        }
        guard missing.isEmpty, let speaker = found["lb-speaker"], let controller = found["lb-controller"],
              let server = found["kube-test-server"], let lbctl = found["lbctl"] else {
            throw missingError(missing, environment)
        }
        return DemoBinaries(speaker: speaker, controller: controller, kubeTestServer: server, lbctl: lbctl, kubectl: kubectl)
    }

    private static func missingError(_ missing: [String], _ environment: [String: String]) -> LabError {
        LabError.invalidArgument(
            "not found: \(missing.joined(separator: ", ")); looked in \(searchDirectories(environment).joined(separator: ", ")) (build with `swift build`, or set IRONLB_BIN_DIR; kubectl must be on PATH)")
    }

    /// `$IRONLB_BIN_DIR`, the directory of the running executable (lab-demo sits in
    /// .build/debug beside the other products), then `./.build/debug`.
    public static func searchDirectories(_ environment: [String: String]) -> [String] {
        var directories: [String] = []
        if let dir = environment["IRONLB_BIN_DIR"], !dir.isEmpty { directories.append(dir) }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        directories.append(executable.deletingLastPathComponent().path)
        directories.append(FileManager.default.currentDirectoryPath + "/.build/debug")
        var seen: Set<String> = []
        return directories.filter { seen.insert($0).inserted }
    }

    /// The first executable `NAME` in `searchDirectories`, or nil.
    public static func locate(_ name: String, environment: [String: String]) -> String? {
        searchDirectories(environment).map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// kubectl: the 1.32 client of the Google Cloud SDK packaging when present (its `kubectl`
    /// wrapper dispatches on the server's version, which costs a request), else `kubectl` on PATH.
    public static func locateKubectl() -> String? {
        for path in ["/usr/lib/google-cloud-sdk/bin/kubectl.1.32", "/usr/bin/kubectl.1.32"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        return LabCommand.which("kubectl")
    }
}
