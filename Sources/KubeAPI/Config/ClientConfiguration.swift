import Foundation

/// Where the API server is and how to authenticate to it: the result of reading a kubeconfig or the
/// in-cluster service-account files (`KubeConfigLoader`).
public struct ClientConfiguration: Sendable, Hashable {
    /// `https://10.96.0.1:443`, possibly with a path prefix (`https://rancher/k8s/clusters/c-1`).
    public var server: URL
    public var auth: Authentication
    /// PEM bundle of the CAs to trust for the server's certificate; nil means the system roots.
    /// When set, only these CAs are trusted (as kubectl does).
    public var caPEM: [UInt8]?
    /// Skip server certificate verification (`insecure-skip-tls-verify`). Never the default.
    public var insecureSkipTLSVerify: Bool
    /// Name to verify the server certificate against instead of the URL's host (`tls-server-name`).
    public var tlsServerName: String?
    /// The context's namespace (`default` when the context names none); the in-cluster Pod's namespace.
    public var namespace: String
    /// Deadline for each non-watch request, from connect to the last body byte.
    public var requestTimeout: Duration
    /// Where this came from, for logs and errors: `kubeconfig /root/.kube/config, context "kind"`.
    public var source: String

    public init(
        server: URL, auth: Authentication = .none, caPEM: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false,
        tlsServerName: String? = nil, namespace: String = "default", requestTimeout: Duration = .seconds(30),
        source: String = "explicit"
    ) {
        self.server = server
        self.auth = auth
        self.caPEM = caPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.namespace = namespace
        self.requestTimeout = requestTimeout
        self.source = source
    }
}

/// How requests authenticate.
public enum Authentication: Sendable, Hashable {
    case none
    /// A fixed bearer token.
    case bearerToken(String)
    /// A bearer token read from a file and re-read when the file changes (checked at most once a
    /// minute) and after a 401: projected service-account tokens rotate every hour or so.
    case tokenFile(String)
    /// A TLS client certificate and its private key, both PEM.
    case clientCertificate(certificatePEM: [UInt8], keyPEM: [UInt8])
}

extension Authentication: CustomStringConvertible {
    /// Never prints secrets.
    public var description: String {
        switch self {
        case .none: return "none"
        case .bearerToken: return "bearer token"
        case .tokenFile(let path): return "token file \(path)"
        case .clientCertificate: return "client certificate"
        }
    }
}
