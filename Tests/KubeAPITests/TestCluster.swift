import Foundation
import KubeTestServer
import Logging

@testable import KubeAPI

/// A KubeTestServer of this test's own (ephemeral port) and a KubeClient built the way a user's
/// would be: from the kubeconfig the server writes, through `KubeConfigLoader`.
///
/// This is the only test file that imports KubeTestServer: it defines `JSONValue` and `ObjectKey`
/// too, and the other files use KubeAPI's.
final class TestCluster: Sendable {
    let server: KubeTestServer
    let client: KubeClient
    let configuration: ClientConfiguration

    private init(server: KubeTestServer, client: KubeClient, configuration: ClientConfiguration) {
        self.server = server
        self.client = client
        self.configuration = configuration
    }

    struct Options {
        var tls = false
        var clientCertificate = false
        var historyLimit = 1000
        var bookmarkInterval: Duration = .seconds(60)
    }

    /// Starts a server and a client, runs `body`, and shuts both down whatever happens.
    static func with<R>(_ options: Options = Options(), _ body: (TestCluster) async throws -> R) async throws -> R {
        var serverConfiguration = KubeTestServer.Configuration()
        serverConfiguration.tls = options.tls
        serverConfiguration.historyLimit = options.historyLimit
        serverConfiguration.bookmarkInterval = .nanoseconds(Int64(options.bookmarkInterval.components.seconds) * 1_000_000_000
            + options.bookmarkInterval.components.attoseconds / 1_000_000_000)
        let server = try await KubeTestServer.start(serverConfiguration)
        do {
            let path = NSTemporaryDirectory() + "kubeapi-kubeconfig-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: path) }
            if options.clientCertificate {
                try server.clientCertificateKubeconfig(user: "ironlb-test").write(to: path)
            } else {
                try server.writeKubeconfig(to: path)
            }
            var configuration = try KubeConfigLoader.load(path: path, environment: [:])
            configuration.requestTimeout = .seconds(10)
            let client = try KubeClient(configuration: configuration, fieldManager: "kubeapi-tests", logger: testLogger())
            let cluster = TestCluster(server: server, client: client, configuration: configuration)
            do {
                let result = try await body(cluster)
                try await cluster.shutdown()
                return result
            } catch {
                try? await cluster.shutdown()
                throw error
            }
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    private func shutdown() async throws {
        try await client.shutdown()
        try await server.shutdown()
    }

    /// Another client to the same server (a second replica).
    func makeClient() throws -> KubeClient {
        try KubeClient(configuration: configuration, logger: testLogger())
    }

    // MARK: Test hooks, re-exported so other files need not import KubeTestServer.

    /// The next `count` watches resuming from a version get an ERROR event with code 410.
    func forceExpiredWatches(_ count: Int = 1) { server.forceExpiredWatches(count) }
    /// Every older version is now too old: watches from it get 410, as after etcd compaction.
    func compactHistory() { server.compactHistory() }
    /// Closes every watch connection abruptly.
    func dropWatches() { server.dropWatches() }
    /// Ends every watch cleanly, as a timeout does.
    func endWatches() { server.endWatches() }
    var openWatchCount: Int { server.openWatchCount }
    func requestCount(_ verb: String, _ resource: String) -> Int { server.requestCount(verb, resource) }
    func resetRequestCounts() { server.resetRequestCounts() }

    /// Makes the next `count` requests whose path starts with `pathPrefix` fail by closing the
    /// connection (nil: all of them until `clearFaults`).
    func dropRequests(pathPrefix: String, method: String? = nil, count: Int? = nil) {
        server.addFault(FaultRule(method: method, pathPrefix: pathPrefix, dropConnection: true, remaining: count))
    }

    /// Makes matching requests answer after `seconds`.
    /// Applies a merge patch in-process, synchronously (no HTTP), and returns the HTTP status:
    /// a write that lands at an exact point of a client's request sequence.
    func mergePatchInProcess(_ path: String, _ json: String) -> Int {
        Int(server.handle(
            APIRequest(method: "PATCH", target: path, headers: ["content-type": "application/merge-patch+json"],
                       body: Array(json.utf8))).status)
    }

    func delayRequests(pathPrefix: String, method: String? = nil, seconds: Double, count: Int? = nil) {
        server.addFault(FaultRule(method: method, pathPrefix: pathPrefix, latencySeconds: seconds, remaining: count))
    }

    /// Makes matching requests fail with an HTTP error carrying a Status (`code`, `reason`).
    func failRequests(pathPrefix: String, method: String? = nil, code: Int, reason: String, message: String = "injected", count: Int? = nil) {
        server.addFault(
            FaultRule(method: method, pathPrefix: pathPrefix, error: APIError(code: code, reason: reason, message: message), remaining: count))
    }

    func clearFaults() { server.clearFaults() }

    var token: String { server.token }
    var url: String { server.url }
    var certificateAuthorityPEM: String? { server.certificateAuthority?.certificatePEM }
}

/// Logs go nowhere unless KUBEAPI_TEST_LOG is set (then to stderr at trace level).
func testLogger() -> Logger {
    guard ProcessInfo.processInfo.environment["KUBEAPI_TEST_LOG"] != nil else {
        return Logger(label: "kubeapi-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    }
    var logger = Logger(label: "kubeapi-tests", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = .trace
    return logger
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
