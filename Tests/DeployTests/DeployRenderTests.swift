import Foundation
import LBCore
import Testing
import Yams

/// `kubectl kustomize deploy/` renders exactly the objects IronLB installs, with the generated
/// ConfigMap and membership-key Secret.
@Suite(.enabled(if: DeployPrerequisites.kubectlUsable,
                "needs kubectl on PATH (IRONLB_REQUIRE_LAB=1 makes its absence fail)"))
struct DeployRenderTests {
    /// Every object `kubectl apply -k deploy/` creates, as `Kind/namespace/name`.
    static let expectedObjects: Set<String> = [
        "Namespace/ironlb-system",
        "ServiceAccount/ironlb-system/controller", "ServiceAccount/ironlb-system/speaker",
        "ClusterRole/ironlb:controller", "ClusterRole/ironlb:speaker",
        "ClusterRoleBinding/ironlb:controller", "ClusterRoleBinding/ironlb:speaker",
        "Role/ironlb-system/controller", "Role/ironlb-system/speaker",
        "RoleBinding/ironlb-system/controller", "RoleBinding/ironlb-system/speaker",
        "ConfigMap/ironlb-system/config", "Secret/ironlb-system/memberlist",
        "Deployment/ironlb-system/controller", "DaemonSet/ironlb-system/speaker",
        "PodDisruptionBudget/ironlb-system/controller",
    ]

    @Test func rendersExactlyTheExpectedObjects() async throws {
        let manifests = try await RenderedManifests.render(kubectl: try DeployPrerequisites.requireKubectl())
        defer { manifests.remove() }
        let ids = manifests.objects.map(\.id)
        #expect(Set(ids) == Self.expectedObjects, "rendered: \(ids.sorted())")
        #expect(ids.count == Set(ids).count, "an object is rendered twice: \(ids.sorted())")
        // Namespace first, so a single `kubectl apply -k` can create everything in it.
        #expect(manifests.objects.first?.kind == "Namespace")
        for object in manifests.objects {
            #expect(object.map("metadata.labels")["app.kubernetes.io/part-of"] as? String == "ironlb", "\(object.id)")
        }
    }

    /// The generated ConfigMap holds deploy/config.yaml, which is the `config` key of
    /// config/layer2-ipv4.yaml (kustomize cannot read config/ itself), and IronLB accepts it.
    @Test func configMapIsTheLayer2SampleAndValid() async throws {
        let manifests = try await RenderedManifests.render(kubectl: try DeployPrerequisites.requireKubectl())
        defer { manifests.remove() }
        let configMap = try manifests.object("ConfigMap", "config")
        let rendered = try #require(configMap["data.config"] as? String, "ConfigMap config has no data.config")

        let samplePath = try RenderedManifests.configDirectory() + "/layer2-ipv4.yaml"
        let sample = try String(contentsOfFile: samplePath, encoding: .utf8)
        let sampleObject = try #require(Yams.load(yaml: sample) as? [String: Any], "\(samplePath) is not a map")
        let sampleConfig = try #require((sampleObject["data"] as? [String: Any])?["config"] as? String,
                                        "\(samplePath) has no data.config")
        #expect(rendered == sampleConfig,
                "deploy/config.yaml differs from data.config of config/layer2-ipv4.yaml: copy it again")

        let config = try ConfigParser.parse(rendered)
        #expect(!config.pools.isEmpty)
    }

    /// The Secret comes from the key file, under the key the speaker's --member-key-file reads,
    /// and the key is long enough for the speaker (at least 16 bytes after the newline).
    @Test func membershipSecretHoldsTheKeyFile() async throws {
        let manifests = try await RenderedManifests.render(kubectl: try DeployPrerequisites.requireKubectl())
        defer { manifests.remove() }
        let secret = try manifests.object("Secret", "memberlist")
        #expect(secret["type"] as? String == "Opaque")
        let encoded = try #require(secret["data.secretkey"] as? String, "Secret memberlist has no data.secretkey")
        let key = try #require(Data(base64Encoded: encoded), "data.secretkey is not base64")
        let written = try String(contentsOfFile: manifests.directory + "/memberlist.key", encoding: .utf8)
        #expect(key == Data(written.utf8))
        #expect(key.count - 1 >= 16, "the speaker needs at least 16 key bytes")
    }

    /// Without the key file the render fails and names the file (`make deploy-key` creates it).
    @Test func missingKeyFileIsNamed() async throws {
        let kubectl = try DeployPrerequisites.requireKubectl()
        let manifests = try await RenderedManifests.render(kubectl: kubectl)
        defer { manifests.remove() }
        try FileManager.default.removeItem(atPath: manifests.directory + "/memberlist.key")
        let result = try await DeployTool.run(kubectl, ["kustomize", manifests.directory])
        #expect(result.status != 0)
        #expect(result.stderr.contains("memberlist.key"), "\(result.stderr)")
    }
}
