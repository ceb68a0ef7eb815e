import Foundation
import LBLab

#if canImport(Glibc)
import Glibc
#endif

/// Why the root-only lab tests cannot run here, or nil when they can. Written to stderr once, since
/// a trait's comment is fixed text. Tests are skipped (never passed) when something is missing.
enum LabPrerequisites {
    static let missing: String? = {
        let reason = find()
        if let reason { FileHandle.standardError.write(Data("LBLabTests: lab tests skipped: \(reason)\n".utf8)) }
        return reason
    }()

    static func find() -> String? {
        if getuid() != 0 { return "needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW)" }
        for tool in ["ip", "arping", "ndisc6", "tcpdump", "bash", "timeout"] where LabCommand.which(tool) == nil {
            return "needs `\(tool)` on PATH"
        }
        return nil
    }

    /// kubectl on PATH, else the Google Cloud SDK's versioned copy.
    static let kubectl: String? = LabCommand.which("kubectl")
        ?? ["/usr/lib/google-cloud-sdk/bin/kubectl.1.32", "/usr/lib/google-cloud-sdk/bin/kubectl"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }

    /// The built kube-test-server: $KUBE_TEST_SERVER, $IRONLB_BIN_DIR, or beside the test bundle
    /// (`swift build --build-tests` builds it).
    static let kubeTestServer: String? = KubeAPIInLab.locateBinary()

    static var missingForKubeAPI: String? {
        if let missing { return missing }
        if kubectl == nil { return "needs kubectl" }
        if kubeTestServer == nil { return "needs the built kube-test-server (KUBE_TEST_SERVER, IRONLB_BIN_DIR or swift build)" }
        return nil
    }

    /// The lab's namespaces still listed by `ip netns list`.
    static func namespaces(withPrefix prefix: String) throws -> [String] {
        try LabCommand.must(["ip", "netns", "list"]).stdout.split(separator: "\n")
            .compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { $0.hasPrefix(prefix) }
    }
}
