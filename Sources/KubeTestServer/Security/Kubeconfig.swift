import Foundation

/// Writes a kubeconfig that the real `kubectl` and client-go accept.
public struct Kubeconfig: Sendable {
    public var server: String
    public var certificateAuthorityPEM: String?
    public var token: String?
    public var clientCertificatePEM: String?
    public var clientKeyPEM: String?
    public var contextName: String
    public var namespace: String

    public init(server: String, certificateAuthorityPEM: String? = nil, token: String? = nil,
                clientCertificatePEM: String? = nil, clientKeyPEM: String? = nil,
                contextName: String = "ironlb-lab", namespace: String = "default") {
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.token = token
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.contextName = contextName
        self.namespace = namespace
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The kubeconfig YAML; every string is JSON-quoted, which is valid YAML.
    public var yaml: String {
        func q(_ s: String) -> String { JSONValue.string(s).serialized() }
        var lines = ["apiVersion: v1", "kind: Config", "clusters:", "- name: \(q(contextName))", "  cluster:",
                     "    server: \(q(server))"]
        if let ca = certificateAuthorityPEM { lines.append("    certificate-authority-data: \(Self.base64(ca))") }
        lines += ["users:", "- name: \(q(contextName))"]
        var user: [String] = []
        if let token { user.append("    token: \(q(token))") }
        if let cert = clientCertificatePEM, let key = clientKeyPEM {
            user.append("    client-certificate-data: \(Self.base64(cert))")
            user.append("    client-key-data: \(Self.base64(key))")
        }
        lines += user.isEmpty ? ["  user: {}"] : ["  user:"] + user
        lines += ["contexts:", "- name: \(q(contextName))", "  context:", "    cluster: \(q(contextName))",
                  "    user: \(q(contextName))", "    namespace: \(q(namespace))", "current-context: \(q(contextName))",
                  "preferences: {}"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the file with mode 0600, as kubectl expects of credentials.
    public func write(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(yaml.utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}
