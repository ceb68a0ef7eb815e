import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An in-memory Kubernetes API server on a real socket, faithful to what IronLB and `kubectl` use
/// (see KUBE-API.md). Start one per test on an ephemeral port:
///
/// ```swift
/// let server = try await KubeTestServer.start(.init())
/// defer { Task { try? await server.shutdown() } }
/// try server.writeKubeconfig(to: dir + "/kubeconfig")
/// server.forceExpiredWatches(1)            // the next resumed watch gets ERROR 410
/// ```
public final class KubeTestServer: Sendable {
    public struct Configuration: Sendable {
        /// The address to listen on; port 0 picks a free one.
        public var host = "127.0.0.1"
        public var port = 0
        /// Serve HTTPS with a CA and certificate generated at start; client certificates from that CA
        /// are accepted as authentication.
        public var tls = false
        /// The bearer token clients must send; generated when nil.
        public var token: String?
        /// Accept requests without credentials (simple tests).
        public var allowAnonymous = false
        /// Changes kept for watches to resume from; older versions are 410 Expired.
        public var historyLimit = 1000
        /// How often watches with `allowWatchBookmarks=true` get a BOOKMARK.
        public var bookmarkInterval: TimeAmount = .seconds(60)
        /// How long a watch without `timeoutSeconds` lasts.
        public var defaultWatchTimeoutSeconds = 1800
        /// Larger request bodies are refused with 413 (the real limit is 3 MiB).
        public var maxBodyBytes = 3 * 1024 * 1024
        /// Create `default/kubernetes` as a real cluster has it.
        public var seedKubernetesService = true
        public var network: ClusterNetwork = .standard
        /// Extra DNS names and IPs for the serving certificate.
        public var extraCertificateNames: [String] = []
        /// The clock used for timestamps and ages (tests may freeze it).
        public var clock: @Sendable () -> Date = { Date() }

        public init() {}
    }

    let shared: ServerShared
    let channel: any Channel
    public let configuration: Configuration
    /// The port actually bound.
    public let port: Int
    /// `http://127.0.0.1:PORT` or `https://...`.
    public let url: String
    public let token: String
    /// The CA that signed the serving certificate (TLS only).
    public let certificateAuthority: CertificateAuthority?

    private init(shared: ServerShared, channel: any Channel, configuration: Configuration, port: Int, url: String,
                 token: String, certificateAuthority: CertificateAuthority?) {
        self.shared = shared
        self.channel = channel
        self.configuration = configuration
        self.port = port
        self.url = url
        self.token = token
        self.certificateAuthority = certificateAuthority
    }

    public static func start(_ configuration: Configuration = Configuration()) async throws -> KubeTestServer {
        var settings = APIServerCore.Settings()
        settings.historyLimit = configuration.historyLimit
        settings.network = configuration.network
        settings.defaultWatchTimeoutSeconds = configuration.defaultWatchTimeoutSeconds
        settings.seedKubernetesService = configuration.seedKubernetesService
        let token = configuration.token ?? Self.randomToken()
        let shared = ServerShared(core: APIServerCore(settings: settings, clock: configuration.clock), token: token,
                                  allowAnonymous: configuration.allowAnonymous, maxBodyBytes: configuration.maxBodyBytes,
                                  bookmarkInterval: configuration.bookmarkInterval)
        var authority: CertificateAuthority?
        var sslContext: NIOSSLContext?
        if configuration.tls {
            let ca = try CertificateAuthority()
            var ips = ["127.0.0.1", "::1"]
            var names = ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"]
            for extra in [configuration.host] + configuration.extraCertificateNames where !extra.isEmpty {
                if IPText(extra) != nil { ips.append(extra) } else { names.append(extra) }
            }
            let serving = try ca.issueServerCertificate(dnsNames: names, ipAddresses: ips)
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(try NIOSSLCertificate(bytes: serving.certificateDER, format: .der))],
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: serving.privateKeyDER, format: .der)))
            tls.certificateVerification = .optionalVerification
            tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(ca.certificatePEM.utf8), format: .pem)])
            tls.sendCANameList = true
            sslContext = try NIOSSLContext(configuration: tls)
            authority = ca
        }
        let context = sslContext
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    shared.track(channel)
                    if let context { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPHandler(shared: shared))
                }
            }
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        let port = channel.localAddress?.port ?? configuration.port
        var host = configuration.host
        if host == "0.0.0.0" || host.isEmpty { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
        if host.contains(":") { host = "[\(host)]" }
        let url = "\(configuration.tls ? "https" : "http")://\(host):\(port)"
        return KubeTestServer(shared: shared, channel: channel, configuration: configuration, port: port, url: url,
                              token: token, certificateAuthority: authority)
    }

    /// Stops listening and closes every connection (watches end abruptly).
    public func shutdown() async throws {
        shared.core.withLock { $0.endAllWatches(drop: true) }
        try? await channel.close()
        shared.closeAllConnections()
    }

    static func randomToken() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    // MARK: Clients

    /// A kubeconfig for this server authenticating with the bearer token.
    public func kubeconfig(contextName: String = "ironlb-lab", namespace: String = "default") -> Kubeconfig {
        Kubeconfig(server: url, certificateAuthorityPEM: certificateAuthority?.certificatePEM, token: token,
                   contextName: contextName, namespace: namespace)
    }

    /// A kubeconfig authenticating with a fresh client certificate (TLS only).
    public func clientCertificateKubeconfig(user: String, groups: [String] = ["system:masters"],
                                            contextName: String = "ironlb-lab") throws -> Kubeconfig {
        guard let ca = certificateAuthority else { throw APIError.badRequest("client certificates need TLS") }
        let issued = try ca.issueClientCertificate(commonName: user, organizations: groups)
        return Kubeconfig(server: url, certificateAuthorityPEM: ca.certificatePEM, clientCertificatePEM: issued.certificatePEM,
                          clientKeyPEM: issued.privateKeyPEM, contextName: contextName)
    }

    public func writeKubeconfig(to path: String, contextName: String = "ironlb-lab", namespace: String = "default") throws {
        try kubeconfig(contextName: contextName, namespace: namespace).write(to: path)
    }

    // MARK: In-process access

    /// Handles a request without the network (no authentication). Watches are not started.
    public func handle(_ request: APIRequest) -> APIResponse {
        shared.core.withLock { $0.handle(request) }
    }

    /// Runs `body` with the API core locked, for seeding objects or inspecting the store.
    public func withCore<R: Sendable>(_ body: (APIServerCore) -> R) -> R {
        shared.core.withLock { body($0) }
    }

    /// Creates namespace `name` for a test or the lab (no network, no authentication); one that
    /// already exists is left as it is. Throws with the server's answer for anything else.
    public func createNamespace(_ name: String) throws(SeedError) {
        var object: [String: JSONValue] = ["apiVersion": "v1", "kind": "Namespace"]
        object["metadata"] = ["name": .string(name)]
        let response = handle(
            APIRequest(
                method: "POST", path: "/api/v1/namespaces", headers: ["content-type": "application/json"],
                body: JSONValue.object(object).serializedBytes()))
        guard response.status == 201 || response.status == 409 else {
            throw SeedError(message: "creating namespace \(name): HTTP \(response.status)")
        }
    }

    /// A seeding helper's failure, naming what could not be created.
    public struct SeedError: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    /// The current global resourceVersion.
    public var resourceVersion: Int { withCore { $0.store.resourceVersion } }

    // MARK: Test hooks

    /// The next `count` watches that resume from a resourceVersion get HTTP 200 and one ERROR event
    /// with a 410 Expired Status, as when the history has moved on.
    public func forceExpiredWatches(_ count: Int = 1) { withCore { $0.forceExpiredWatches(count) } }

    /// Forgets the change history: every watch or exact list from an older version gets 410.
    public func compactHistory() { withCore { $0.compactHistory() } }

    /// Closes every open watch connection without the terminating chunk (a dropped connection).
    public func dropWatches() { withCore { $0.endAllWatches(drop: true) } }

    /// Ends every open watch cleanly, as a watch timeout does.
    public func endWatches() { withCore { $0.endAllWatches(drop: false) } }

    public func addFault(_ rule: FaultRule) { withCore { $0.addFault(rule) } }

    public func clearFaults() { withCore { $0.clearFaults() } }

    /// Requests served, keyed `"<verb> <resource>[/<subresource>]"` (`"update leases"`,
    /// `"patch services/status"`, `"watch services"`); discovery is `"get discovery"`.
    public func requestCounts() -> [String: Int] { withCore { $0.requestCounts } }

    public func requestCount(_ verb: String, _ resource: String) -> Int { requestCounts()["\(verb) \(resource)"] ?? 0 }

    /// Requests whose verb is a write (create, update, patch, delete, deletecollection).
    public func writeCount() -> Int {
        requestCounts().filter { ["create", "update", "patch", "delete", "deletecollection"].contains($0.key.split(separator: " ").first ?? "") }
            .values.reduce(0, +)
    }

    public func resetRequestCounts() { withCore { $0.resetRequestCounts() } }

    public var openWatchCount: Int { withCore { $0.openWatchCount } }
}
