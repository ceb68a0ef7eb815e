import Foundation
import LBLab
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What the speaker lab tests need, found once per run.
///
/// Without `IRONLB_REQUIRE_LAB=1` a missing prerequisite disables the suite (the trait names
/// it, and the reason is written to stderr). With it set (CI) the suite runs anyway and every
/// test fails at `check()` naming what is missing: a CI machine that silently lost root or
/// `arping` must not turn the layer-2 tests green by skipping them.
enum SpeakerLabPrerequisites {
    /// `IRONLB_REQUIRE_LAB=1`: missing prerequisites fail instead of skipping.
    static let required = ProcessInfo.processInfo.environment["IRONLB_REQUIRE_LAB"] == "1"

    /// The system python with scapy (the PATH python3 may be pyenv's, without it).
    static let python = "/usr/bin/python3"

    /// Why the suite cannot run here, or nil.
    static let missing: String? = {
        let reason = find()
        if let reason {
            let what = required ? "will FAIL (IRONLB_REQUIRE_LAB=1)" : "skipped"
            FileHandle.standardError.write(Data("SpeakerLabTests: speaker lab tests \(what): \(reason)\n".utf8))
        }
        return reason
    }()

    /// The suite's `.enabled(if:)` condition: run when everything is here, or when required.
    static var shouldRun: Bool { missing == nil || required }

    /// Records nothing when everything is here; throws naming what is missing otherwise (only
    /// reached with `IRONLB_REQUIRE_LAB=1`, since the suite is disabled otherwise).
    static func check() throws {
        if let missing { throw SpeakerLabError.missingPrerequisite(missing) }
    }

    static func find() -> String? {
        if getuid() != 0 { return "needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW)" }
        for tool in ["ip", "arping", "ndisc6", "tcpdump", "bash", "timeout", "curl", "bird", "birdc"] where LabCommand.which(tool) == nil {
            return "needs `\(tool)` on PATH"
        }
        if kubectl == nil { return "needs `kubectl` on PATH" }
        if !FileManager.default.isExecutableFile(atPath: python) { return "needs \(python) (python3-scapy)" }
        if (try? LabCommand.run([python, "-c", "import scapy.all"], timeout: 60))?.succeeded != true {
            return "needs scapy for \(python) (package python3-scapy)"
        }
        for name in SpeakerLabBinaries.names where SpeakerLabBinaries.locate(name) == nil {
            return "needs the built `\(name)` (IRONLB_BIN_DIR, beside the test bundle or ./.build/debug: swift build)"
        }
        return nil
    }

    static let kubectl: String? = LabCommand.which("kubectl")
}
