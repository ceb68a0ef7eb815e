import Foundation
import Testing

@testable import KubeAPI

@Suite struct KubeConfigLoaderTests {
    static func kubeconfig(
        server: String = "https://192.0.2.1:6443", clusterExtra: String = "", user: String = "    token: abc123",
        current: String = "ctx", namespace: String? = nil
    ) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: lab
          cluster:
            server: \(server)
        \(clusterExtra)
        users:
        - name: admin
          user:
        \(user)
        contexts:
        - name: ctx
          context:
            cluster: lab
            user: admin
        \(namespace.map { "    namespace: \($0)" } ?? "")
        - name: other
          context:
            cluster: lab
        current-context: \(current)
        preferences: {}
        """
    }

    @Test func bearerTokenAndDefaultNamespace() async throws {
        try await withTemporaryDirectory { dir in
            write(Self.kubeconfig(), to: dir + "/config")
            let config = try KubeConfigLoader.load(path: dir + "/config", environment: [:])
            #expect(config.server.absoluteString == "https://192.0.2.1:6443")
            #expect(config.auth == .bearerToken("abc123"))
            #expect(config.namespace == "default")
            #expect(config.caPEM == nil)
            #expect(config.insecureSkipTLSVerify == false)
            #expect(config.source.contains("context \"ctx\""))
        }
    }

    @Test func contextNamespaceAndExplicitContext() async throws {
        try await withTemporaryDirectory { dir in
            write(Self.kubeconfig(namespace: "ironlb-system"), to: dir + "/config")
            #expect(try KubeConfigLoader.load(path: dir + "/config", environment: [:]).namespace == "ironlb-system")
            let other = try KubeConfigLoader.load(path: dir + "/config", context: "other", environment: [:])
            #expect(other.auth == .none)
            #expect(other.namespace == "default")
        }
    }

    @Test func clientCertificateAndKeyDataAndCAData() async throws {
        try await withTemporaryDirectory { dir in
            let text = Self.kubeconfig(
                clusterExtra: "    certificate-authority-data: \(Fixtures.certificateBase64)",
                user: "    client-certificate-data: \(Fixtures.certificateBase64)\n    client-key-data: \(Fixtures.keyBase64)")
            write(text, to: dir + "/config")
            let config = try KubeConfigLoader.load(path: dir + "/config", environment: [:])
            #expect(config.caPEM == Array(Fixtures.certificatePEM.utf8))
            #expect(config.auth == .clientCertificate(certificatePEM: Array(Fixtures.certificatePEM.utf8), keyPEM: Array(Fixtures.keyPEM.utf8)))
            // The TLS setup accepts them.
            _ = try KubeClient.tlsConfiguration(for: config)
        }
    }

    @Test func filesAreRelativeToTheKubeconfig() async throws {
        try await withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/pki", withIntermediateDirectories: true)
            write(Fixtures.certificatePEM, to: dir + "/pki/ca.crt")
            write(Fixtures.certificatePEM, to: dir + "/pki/client.crt")
            write(Fixtures.keyPEM, to: dir + "/pki/client.key")
            let text = Self.kubeconfig(
                clusterExtra: "    certificate-authority: pki/ca.crt",
                user: "    client-certificate: pki/client.crt\n    client-key: \(dir)/pki/client.key")
            write(text, to: dir + "/config")
            let config = try KubeConfigLoader.load(path: dir + "/config", environment: [:])
            #expect(config.caPEM == Array(Fixtures.certificatePEM.utf8))
            guard case .clientCertificate(let certificate, let key) = config.auth else {
                Issue.record("expected a client certificate, got \(config.auth)")
                return
            }
            #expect(certificate == Array(Fixtures.certificatePEM.utf8))
            #expect(key == Array(Fixtures.keyPEM.utf8))
        }
    }

    @Test func missingCAFileIsNamed() async throws {
        try await withTemporaryDirectory { dir in
            write(Self.kubeconfig(clusterExtra: "    certificate-authority: nowhere/ca.crt"), to: dir + "/config")
            let error = #expect(throws: KubeConfigError.self) { try KubeConfigLoader.load(path: dir + "/config", environment: [:]) }
            #expect(error?.message.contains("\(dir)/nowhere/ca.crt") == true)
            #expect(error?.message.contains("certificate-authority of cluster \"lab\"") == true)
        }
    }

    @Test func insecureSkipTLSVerifyAndTokenFile() async throws {
        try await withTemporaryDirectory { dir in
            write("file-token\n", to: dir + "/token")
            write(Self.kubeconfig(clusterExtra: "    insecure-skip-tls-verify: true", user: "    tokenFile: token"), to: dir + "/config")
            let config = try KubeConfigLoader.load(path: dir + "/config", environment: [:])
            #expect(config.insecureSkipTLSVerify)
            #expect(config.auth == .tokenFile(dir + "/token"))
            let tls = try KubeClient.tlsConfiguration(for: config)
            #expect(tls.certificateVerification == .none)
        }
    }

    @Test func kubeconfigEnvironmentListMergesFirstWins() async throws {
        try await withTemporaryDirectory { dir in
            write(
                """
                clusters:
                - name: lab
                  cluster: {server: "https://first.example:6443"}
                contexts:
                - name: first
                  context: {cluster: lab, namespace: one}
                current-context: first
                """, to: dir + "/a")
            write(
                """
                clusters:
                - name: lab
                  cluster: {server: "https://second.example:6443"}
                - name: only-b
                  cluster: {server: "https://b.example"}
                users:
                - name: u
                  user: {token: from-b}
                contexts:
                - name: first
                  context: {cluster: only-b}
                - name: second
                  context: {cluster: only-b, user: u}
                current-context: second
                """, to: dir + "/b")
            let environment = ["KUBECONFIG": "\(dir)/missing:\(dir)/a:\(dir)/b", "HOME": dir]
            let merged = try KubeConfigLoader.load(environment: environment)
            #expect(merged.server.host == "first.example")  // a's current-context and a's cluster "lab"
            #expect(merged.namespace == "one")
            let second = try KubeConfigLoader.load(context: "second", environment: environment)
            #expect(second.server.host == "b.example")
            #expect(second.auth == .bearerToken("from-b"))
            // An explicit path wins over KUBECONFIG.
            #expect(try KubeConfigLoader.load(path: dir + "/b", environment: environment).server.host == "b.example")
        }
    }

    @Test func homeKubeconfigIsTheFallback() async throws {
        try await withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/.kube", withIntermediateDirectories: true)
            write(Self.kubeconfig(server: "https://home.example"), to: dir + "/.kube/config")
            #expect(try KubeConfigLoader.load(environment: ["HOME": dir]).server.host == "home.example")
            #expect(throws: KubeConfigError.self) { try KubeConfigLoader.load(environment: ["HOME": dir + "/nothing"]) }
        }
    }

    @Test func missingContextIsAClearError() async throws {
        try await withTemporaryDirectory { dir in
            write(Self.kubeconfig(), to: dir + "/config")
            let error = #expect(throws: KubeConfigError.self) {
                try KubeConfigLoader.load(path: dir + "/config", context: "x", environment: [:])
            }
            #expect(error?.message == "context \"x\" not found in \(dir)/config; contexts: ctx, other")

            write(Self.kubeconfig(current: "\"\""), to: dir + "/none")
            let noCurrent = #expect(throws: KubeConfigError.self) { try KubeConfigLoader.load(path: dir + "/none", environment: [:]) }
            #expect(noCurrent?.message.contains("no current-context") == true)
        }
    }

    @Test(arguments: [
        ("clusters: [\n  - name: x\n", "not valid YAML"),
        ("clusters: 5\n", "not a valid kubeconfig"),
        ("clusters:\n- cluster: {server: https://a}\n", "not a valid kubeconfig"),
        ("\t- : :\n", "kubeconfig"),
    ])
    func malformedYAMLIsAnErrorNotACrash(text: String, expected: String) async throws {
        try await withTemporaryDirectory { dir in
            write(text, to: dir + "/config")
            let error = #expect(throws: KubeConfigError.self) { try KubeConfigLoader.load(path: dir + "/config", environment: [:]) }
            #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
            #expect(error?.message.contains(dir + "/config") == true)
        }
    }

    @Test func incompleteEntriesAreNamed() async throws {
        try await withTemporaryDirectory { dir in
            let cases: [(String, String)] = [
                (Self.kubeconfig(server: "\"\""), "cluster \"lab\" in \(dir)/config has no server"),
                (Self.kubeconfig(server: "ftp://x"), "is not an http(s) URL"),
                (Self.kubeconfig(user: "    client-certificate-data: \(Fixtures.certificateBase64)"), "no client-key"),
                (Self.kubeconfig(user: "    exec: {command: aws}"), "exec credential plugin"),
                (Self.kubeconfig(user: "    client-key-data: '!!!'"), "not valid base64"),
                (Self.kubeconfig().replacingOccurrences(of: "user: admin", with: "user: ghost"), "user \"ghost\""),
                (Self.kubeconfig().replacingOccurrences(of: "cluster: lab\n    user", with: "cluster: nope\n    user"), "cluster \"nope\""),
            ]
            for (text, expected) in cases {
                write(text, to: dir + "/config")
                let error = #expect(throws: KubeConfigError.self) { try KubeConfigLoader.load(path: dir + "/config", environment: [:]) }
                #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error") should mention \(expected)")
            }
        }
    }

    @Test func explicitMissingFileIsNamed() {
        let error = #expect(throws: KubeConfigError.self) {
            try KubeConfigLoader.load(path: "/nonexistent/kubeconfig", environment: [:])
        }
        #expect(error?.message.contains("/nonexistent/kubeconfig") == true)
    }

    @Test func emptyFileHasNoContext() async throws {
        try await withTemporaryDirectory { dir in
            write("", to: dir + "/config")
            let error = #expect(throws: KubeConfigError.self) { try KubeConfigLoader.load(path: dir + "/config", environment: [:]) }
            #expect(error?.message.contains("contexts: none defined") == true)
        }
    }
}
