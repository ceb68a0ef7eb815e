import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle
import Synchronization

/// Serves `/metrics` (Prometheus text format 0.0.4), `/healthz` and `/readyz` on one address.
///
/// Liveness and readiness are closures so each process decides what they mean: the controller
/// is ready once its informers have synced and a config has been considered; the speaker once
/// its sockets are open. A failing check answers 503 with the reason in the body, so
/// `kubectl describe pod` shows why a probe fails.
public final class ObservabilityServer: Service, Sendable {
    public typealias Check = @Sendable () async -> HealthCheckResult

    public let registry: PrometheusCollectorRegistry
    private let host: String
    private let port: Int
    private let liveness: Check
    private let readiness: Check
    private let extraMetrics: @Sendable () -> [UInt8]
    private let logger: Logger
    private let boundPort = Mutex<Int?>(nil)

    /// - Parameters:
    ///   - address: `HOST:PORT` (`[::]:7472`, `0.0.0.0:7472`, `127.0.0.1:0` for an ephemeral port).
    ///   - extraMetrics: exposition-format text appended to the registry's on every scrape, for
    ///     series kept outside the registry (large label sets it would copy on every change).
    public init(
        address: String, registry: PrometheusCollectorRegistry, logger: Logger,
        liveness: @escaping Check = { .healthy }, readiness: @escaping Check = { .healthy },
        extraMetrics: @escaping @Sendable () -> [UInt8] = { [] }
    ) throws(ObservabilityServer.AddressError) {
        self.extraMetrics = extraMetrics
        let (h, p) = try ObservabilityServer.split(address)
        self.host = h
        self.port = p
        self.registry = registry
        self.logger = logger
        self.liveness = liveness
        self.readiness = readiness
    }

    public struct AddressError: Error, CustomStringConvertible, Sendable {
        public let address: String
        public var description: String {
            "metrics address \"\(address)\" is not HOST:PORT (e.g. 0.0.0.0:7472 or [::]:7472) with a port 0-65535"
        }
    }

    /// Checks a `HOST:PORT` listen address without binding it (for flag validation).
    public static func validate(address: String) throws(AddressError) {
        _ = try split(address)
    }

    static func split(_ address: String) throws(AddressError) -> (String, Int) {
        guard let colon = address.lastIndex(of: ":") else { throw AddressError(address: address) }
        var host = String(address[..<colon])
        let portText = address[address.index(after: colon)...]
        guard let port = Int(portText), (0...65535).contains(port) else { throw AddressError(address: address) }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        return (host, port)
    }

    /// The port actually bound (useful with port 0), once `run()` has started listening.
    public var listeningPort: Int? { boundPort.withLock { $0 } }

    public func run() async throws {
        let registry = self.registry
        let liveness = self.liveness
        let readiness = self.readiness
        let extra = self.extraMetrics
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let actual = server.channel.localAddress?.port
        boundPort.withLock { $0 = actual }
        logger.info("serving /metrics, /healthz, /readyz", metadata: ["obs.address": "\(host):\(actual ?? port)"])
        try await withThrowingDiscardingTaskGroup { group in
            try await withGracefulShutdownHandler {
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask {
                            await Self.serve(
                                connection, registry: registry, extra: extra, liveness: liveness, readiness: readiness)
                        }
                    }
                }
            } onGracefulShutdown: {
                server.channel.close(promise: nil)
            }
            // The listener is closed: end idle keep-alive connections instead of waiting for
            // their clients to hang up.
            group.cancelAll()
        }
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        registry: PrometheusCollectorRegistry, extra: @Sendable () -> [UInt8], liveness: Check, readiness: Check
    ) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let h): head = h
                    case .body: continue
                    case .end:
                        guard let h = head else { continue }
                        let (status, contentType, body) = await respond(
                            h, registry: registry, extra: extra, liveness: liveness, readiness: readiness)
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: contentType)
                        headers.add(name: "Content-Length", value: "\(body.count)")
                        let keepAlive = h.isKeepAlive
                        if !keepAlive { headers.add(name: "Connection", value: "close") }
                        try await outbound.write(.head(HTTPResponseHead(version: h.version, status: status, headers: headers)))
                        if h.method != .HEAD {
                            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                        }
                        try await outbound.write(.end(nil))
                        if !keepAlive { return }
                        head = nil
                    }
                }
            }
        } catch {
            // A client that goes away mid-request is not an error worth reporting.
        }
    }

    static func respond(
        _ head: HTTPRequestHead, registry: PrometheusCollectorRegistry, extra: @Sendable () -> [UInt8] = { [] },
        liveness: Check, readiness: Check
    ) async -> (HTTPResponseStatus, String, [UInt8]) {
        let text = "text/plain; charset=utf-8"
        guard head.method == .GET || head.method == .HEAD else {
            return (.methodNotAllowed, text, Array("only GET and HEAD are served\n".utf8))
        }
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        switch path {
        case "/metrics":
            return (.ok, "text/plain; version=0.0.4; charset=utf-8", registry.emitToBuffer() + extra())
        case "/healthz", "/livez":
            return render(await liveness())
        case "/readyz":
            return render(await readiness())
        default:
            return (.notFound, text, Array("not found; try /metrics, /healthz or /readyz\n".utf8))
        }
    }

    private static func render(_ r: HealthCheckResult) -> (HTTPResponseStatus, String, [UInt8]) {
        switch r {
        case .healthy: return (.ok, "text/plain; charset=utf-8", Array("ok\n".utf8))
        case .unhealthy(let why): return (.serviceUnavailable, "text/plain; charset=utf-8", Array("not ok: \(why)\n".utf8))
        }
    }
}

/// The answer of a health or readiness check.
public enum HealthCheckResult: Sendable, Equatable {
    case healthy
    case unhealthy(String)
}

