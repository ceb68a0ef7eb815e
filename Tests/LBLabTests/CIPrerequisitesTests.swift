import Foundation
import LBLab
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Root-only and tool-dependent suites across the package are disabled (reported as skipped)
/// when their prerequisites are missing. CI sets `IRONLB_REQUIRE_LAB=1`: there this test fails
/// when anything those suites need is missing, so a green CI run means none of them was skipped.
@Suite struct CIPrerequisitesTests {
    static let required = ProcessInfo.processInfo.environment["IRONLB_REQUIRE_LAB"] == "1"

    @Test(.enabled(if: required, "IRONLB_REQUIRE_LAB is not set (only CI insists)"))
    func everyLabPrerequisiteIsPresent() throws {
        #expect(getuid() == 0, "the lab tests need root")
        for tool in ["ip", "arping", "ndisc6", "tcpdump", "bash", "timeout", "kubectl"] {
            #expect(LabCommand.which(tool) != nil, "`\(tool)` is not on PATH")
        }
        let scapy = try LabCommand.run(["/usr/bin/python3", "-c", "import scapy.all"])
        #expect(scapy.succeeded, "python3-scapy is missing: \(scapy.stderr)")
        #expect(LabPrerequisites.missing == nil, "\(LabPrerequisites.missing ?? "")")
        #expect(LabPrerequisites.missingForKubeAPI == nil, "\(LabPrerequisites.missingForKubeAPI ?? "")")
        let binDir = URL(fileURLWithPath: try #require(LabPrerequisites.kubeTestServer)).deletingLastPathComponent()
        for binary in ["kube-test-server", "lb-controller", "lb-speaker", "l2-responder", "lbctl"] {
            #expect(
                FileManager.default.isExecutableFile(atPath: binDir.appendingPathComponent(binary).path),
                "\(binary) is not built next to kube-test-server (\(binDir.path))")
        }
    }
}
