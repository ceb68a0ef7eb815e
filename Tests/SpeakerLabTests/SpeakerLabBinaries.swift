import Foundation

/// The IronLB executables the lab runs, located like `KubeAPIInLab.locateBinary()`.
struct SpeakerLabBinaries: Sendable {
    static let names = ["lb-speaker", "lb-controller", "kube-test-server"]

    var speaker: String
    var controller: String
    var kubeTestServer: String

    /// All three, or throws naming the first one missing.
    static func locate() throws -> SpeakerLabBinaries {
        func find(_ name: String) throws -> String {
            guard let path = locate(name) else {
                throw SpeakerLabError.missingPrerequisite("the built `\(name)` (IRONLB_BIN_DIR, beside the test bundle, ./.build/debug)")
            }
            return path
        }
        return SpeakerLabBinaries(speaker: try find("lb-speaker"), controller: try find("lb-controller"),
                                  kubeTestServer: try find("kube-test-server"))
    }

    /// `$IRONLB_BIN_DIR/NAME`, else beside the running test bundle (.build/debug), else
    /// `./.build/debug/NAME`; nil when none is executable.
    static func locate(_ name: String) -> String? {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let dir = environment["IRONLB_BIN_DIR"], !dir.isEmpty { candidates.append("\(dir)/\(name)") }
        let executableDir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        candidates.append(executableDir.appendingPathComponent(name).path)
        candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug/\(name)")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
