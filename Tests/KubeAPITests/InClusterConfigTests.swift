import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

@testable import KubeAPI

@Suite struct InClusterConfigTests {
    @Test func readsServiceAccountFiles() async throws {
        try await withTemporaryDirectory { dir in
            write("token-1\n", to: dir + "/token")
            write(Fixtures.certificatePEM, to: dir + "/ca.crt")
            write("ironlb-system\n", to: dir + "/namespace")
            let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
            let config = try KubeConfigLoader.inCluster(
                environment: environment, tokenPath: dir + "/token", caPath: dir + "/ca.crt", namespacePath: dir + "/namespace")
            #expect(config.server.absoluteString == "https://10.96.0.1:443")
            #expect(config.auth == .tokenFile(dir + "/token"))
            #expect(config.caPEM == Array(Fixtures.certificatePEM.utf8))
            #expect(config.namespace == "ironlb-system")

            let withPodNamespace = try KubeConfigLoader.inCluster(
                environment: environment.merging(["POD_NAMESPACE": "elsewhere"]) { $1 }, tokenPath: dir + "/token",
                caPath: dir + "/ca.crt", namespacePath: dir + "/namespace")
            #expect(withPodNamespace.namespace == "elsewhere")
        }
    }

    @Test func ipv6ServiceHostIsBracketed() async throws {
        try await withTemporaryDirectory { dir in
            write("t", to: dir + "/token")
            write(Fixtures.certificatePEM, to: dir + "/ca.crt")
            let config = try KubeConfigLoader.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "fd00:10:96::1", "KUBERNETES_SERVICE_PORT": "443"],
                tokenPath: dir + "/token", caPath: dir + "/ca.crt", namespacePath: dir + "/none")
            #expect(config.server.absoluteString == "https://[fd00:10:96::1]:443")
            #expect(config.namespace == "default")
        }
    }

    @Test func missingPiecesAreNamed() async throws {
        try await withTemporaryDirectory { dir in
            let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
            let noHost = #expect(throws: KubeConfigError.self) { try KubeConfigLoader.inCluster(environment: [:]) }
            #expect(noHost?.message.contains("KUBERNETES_SERVICE_HOST") == true)
            let noToken = #expect(throws: KubeConfigError.self) {
                try KubeConfigLoader.inCluster(environment: environment, tokenPath: dir + "/token", caPath: dir + "/ca.crt")
            }
            #expect(noToken?.message.contains(dir + "/token") == true)
            write("t", to: dir + "/token")
            let noCA = #expect(throws: KubeConfigError.self) {
                try KubeConfigLoader.inCluster(environment: environment, tokenPath: dir + "/token", caPath: dir + "/ca.crt")
            }
            #expect(noCA?.message.contains(dir + "/ca.crt") == true)
            let badPort = #expect(throws: KubeConfigError.self) {
                try KubeConfigLoader.inCluster(
                    environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "https"],
                    tokenPath: dir + "/token", caPath: dir + "/ca.crt")
            }
            #expect(badPort?.message.contains("KUBERNETES_SERVICE_PORT=https") == true)
        }
    }

    @Test func automaticPrefersAnExplicitKubeconfig() async throws {
        try await withTemporaryDirectory { dir in
            write("t", to: dir + "/token")
            write(Fixtures.certificatePEM, to: dir + "/ca.crt")
            write(KubeConfigLoaderTests.kubeconfig(server: "https://kubeconfig.example"), to: dir + "/config")
            let inCluster = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443", "HOME": dir]
            let automatic = try KubeConfigLoader.automatic(
                environment: inCluster, tokenPath: dir + "/token", caPath: dir + "/ca.crt", namespacePath: dir + "/ns")
            #expect(automatic.server.host == "10.96.0.1")
            let explicit = try KubeConfigLoader.automatic(
                path: dir + "/config", environment: inCluster, tokenPath: dir + "/token", caPath: dir + "/ca.crt")
            #expect(explicit.server.host == "kubeconfig.example")
            let viaEnvironment = try KubeConfigLoader.automatic(
                environment: inCluster.merging(["KUBECONFIG": dir + "/config"]) { $1 }, tokenPath: dir + "/token",
                caPath: dir + "/ca.crt")
            #expect(viaEnvironment.server.host == "kubeconfig.example")
            let outside = try KubeConfigLoader.automatic(environment: ["HOME": "/nonexistent", "KUBECONFIG": dir + "/config"])
            #expect(outside.server.host == "kubeconfig.example")
        }
    }

    @Test func tokenRotationIsNoticed() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/token"
            write("token-1\n", to: path)
            let source = TokenSource(path: path, refreshInterval: .seconds(3600))
            #expect(try source.token() == "token-1")

            // Rotated the way the kubelet does it: a new file renamed over the old one.
            write("token-2\n", to: path + ".new")
            #expect(rename(path + ".new", path) == 0)
            #expect(try source.token() == "token-1", "checked at most once per refresh interval")
            #expect(source.reload() == true, "a 401 forces a re-read")
            #expect(try source.token() == "token-2")
            #expect(source.reload() == false, "unchanged")

            let eager = TokenSource(path: path, refreshInterval: .zero)
            #expect(try eager.token() == "token-2")
            write("token-3-longer", to: path)
            #expect(try eager.token() == "token-3-longer")

            // A file briefly missing or empty mid-rotation keeps the last good token.
            try FileManager.default.removeItem(atPath: path)
            #expect(try eager.token() == "token-3-longer")
            write("", to: path)
            #expect(try eager.token() == "token-3-longer")
        }
    }

    @Test func unreadableTokenFileFailsFirstUse() {
        let source = TokenSource(path: "/nonexistent/token")
        #expect(throws: KubeConfigError.self) { try source.token() }
    }
}
