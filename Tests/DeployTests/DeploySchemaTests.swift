import Foundation
import Testing

/// Every rendered object passes `kubernetes-validate --strict` (the Kubernetes OpenAPI schemas,
/// rejecting unknown fields) for the pinned Kubernetes version. CI installs the validator with
/// `pip install kubernetes-validate`.
@Suite(.enabled(if: DeployPrerequisites.kubectlUsable && DeployPrerequisites.kubernetesValidateUsable,
                "needs kubectl and kubernetes-validate (pip install kubernetes-validate; IRONLB_REQUIRE_LAB=1 makes their absence fail)"))
struct DeploySchemaTests {
    /// Validates `file`; the result and the `kind/name` of every object reported as passing.
    static func validate(_ file: String) async throws -> (DeployTool.Result, Set<String>) {
        let validator = try DeployPrerequisites.requireKubernetesValidate()
        let result = try await DeployTool.run(
            validator, ["--strict", "-k", DeployPrerequisites.kubernetesVersion, file], timeout: 120)
        // "INFO FILE passed for resource deployment/controller against version 1.32"
        let passed = result.output.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("INFO"), let range = line.range(of: "passed for resource ") else { return nil }
            return line[range.upperBound...].split(separator: " ").first.map(String.init)
        }
        return (result, Set(passed))
    }

    @Test func everyObjectPassesStrictSchemaValidation() async throws {
        let manifests = try await RenderedManifests.render(kubectl: try DeployPrerequisites.requireKubectl())
        defer { manifests.remove() }
        let file = manifests.directory + "/../rendered.yaml"
        try manifests.yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let (result, passed) = try await Self.validate(file)
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.output.contains("ERROR"), "\(result.output)")
        let expected = Set(manifests.objects.map { "\($0.kind.lowercased())/\($0.name)" })
        #expect(passed == expected, "validated \(passed.sorted()), rendered \(expected.sorted()): \(result.output)")
    }

    /// The validator really is strict here: an unknown field in a Deployment's container fails.
    /// (Without this, a validator that silently accepted everything would pass the test above.)
    @Test func strictValidationRejectsAnUnknownField() async throws {
        let manifests = try await RenderedManifests.render(kubectl: try DeployPrerequisites.requireKubectl())
        defer { manifests.remove() }
        let broken = manifests.yaml.replacingOccurrences(of: "readOnlyRootFilesystem: true",
                                                         with: "readOnlyRootFilesystem: true\n          readOnlyRootFileSystem: true")
        #expect(broken != manifests.yaml)
        let file = manifests.directory + "/../broken.yaml"
        try broken.write(toFile: file, atomically: true, encoding: .utf8)
        let (result, _) = try await Self.validate(file)
        #expect(result.status != 0, "\(result.output)")
        #expect(result.output.contains("readOnlyRootFileSystem"), "\(result.output)")
    }
}
