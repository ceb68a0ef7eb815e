import Foundation

/// The tools the deploy/ checks drive, found once per run.
///
/// Without `IRONLB_REQUIRE_LAB=1` a missing tool disables the tests that need it (the trait
/// names it). With it set (CI) those tests run anyway and fail at `require...()` naming what
/// is missing and how to install it: a CI machine that lost kubectl or kubernetes-validate must
/// not turn the manifest checks green by skipping them.
enum DeployPrerequisites {
    /// `IRONLB_REQUIRE_LAB=1`: missing tools fail instead of skipping.
    static let required = ProcessInfo.processInfo.environment["IRONLB_REQUIRE_LAB"] == "1"

    /// The Kubernetes version the manifests are validated against: the kubectl the tests drive
    /// (1.32, the oldest release IronLB supports).
    static let kubernetesVersion = "1.32.0"

    /// kubectl 1.32 if installed under its versioned name, else kubectl on the PATH.
    static let kubectl: String? = {
        let pinned = ["/usr/lib/google-cloud-sdk/bin/kubectl.1.32", "/usr/local/bin/kubectl.1.32", "/usr/bin/kubectl.1.32"]
        return pinned.first { FileManager.default.isExecutableFile(atPath: $0) } ?? DeployTool.which("kubectl")
    }()

    /// `kubernetes-validate` (PyPI) on the PATH.
    static let kubernetesValidate: String? = DeployTool.which("kubernetes-validate")

    static var kubectlUsable: Bool { kubectl != nil || required }
    static var kubernetesValidateUsable: Bool { kubernetesValidate != nil || required }
    static var binariesUsable: Bool { DeployBinaries.locate() != nil || required }

    static func requireKubectl() throws -> String {
        guard let kubectl else {
            throw DeployCheckError.missingTool("kubectl (1.32 or newer) on PATH: the manifests are rendered with `kubectl kustomize`")
        }
        return kubectl
    }

    static func requireKubernetesValidate() throws -> String {
        guard let kubernetesValidate else {
            throw DeployCheckError.missingTool("kubernetes-validate on PATH: install it with `pip install kubernetes-validate`")
        }
        return kubernetesValidate
    }

    static func requireBinaries() throws -> DeployBinaries {
        guard let binaries = DeployBinaries.locate() else {
            throw DeployCheckError.missingTool(
                "the built lb-controller and lb-speaker (IRONLB_BIN_DIR, beside the test bundle, or ./.build/debug: swift build)")
        }
        return binaries
    }
}

/// lb-controller and lb-speaker, found like the lab tests find them.
struct DeployBinaries: Sendable {
    var controller: String
    var speaker: String

    /// `$IRONLB_BIN_DIR`, else beside the running test bundle, else `./.build/debug`.
    static func locate() -> DeployBinaries? {
        func find(_ name: String) -> String? {
            var candidates: [String] = []
            if let dir = ProcessInfo.processInfo.environment["IRONLB_BIN_DIR"], !dir.isEmpty {
                candidates.append("\(dir)/\(name)")
            }
            let bundleDir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
            candidates.append(bundleDir.appendingPathComponent(name).path)
            candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug/\(name)")
            return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        guard let controller = find("lb-controller"), let speaker = find("lb-speaker") else { return nil }
        return DeployBinaries(controller: controller, speaker: speaker)
    }
}

/// Failures of the deploy/ checks, each naming what was wrong.
enum DeployCheckError: Error, CustomStringConvertible {
    case missingTool(String)
    case render(String)
    case manifest(String)

    var description: String {
        switch self {
        case .missingTool(let what): "missing prerequisite: \(what)"
        case .render(let why): "deploy/ does not render: \(why)"
        case .manifest(let why): why
        }
    }
}
