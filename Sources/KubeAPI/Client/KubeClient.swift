import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOSSL
import Synchronization

/// A small Kubernetes API client over AsyncHTTPClient: typed CRUD, list and watch, with the TLS and
/// authentication of a `ClientConfiguration`.
///
/// The client owns an `HTTPClient`: call `shutdown()` when done (AsyncHTTPClient traps in debug
/// builds if a client is released while running).
public final class KubeClient: Sendable {
    public static let defaultUserAgent = "ironlb/0.1.0 (KubeAPI)"

    public let configuration: ClientConfiguration
    public let userAgent: String
    /// Sent as `fieldManager` on create, update and patch, so `managedFields` name IronLB.
    public let fieldManager: String?
    let logger: Logger
    let http: HTTPClient
    let tokenSource: TokenSource?
    let baseURL: String

    /// Upper bound for a non-watch response body.
    static let maximumBodySize = 256 * 1024 * 1024

    /// Builds the TLS setup from `configuration` (trusting only its CA when one is given, presenting
    /// its client certificate, or not verifying at all when `insecureSkipTLSVerify`). Throws if a PEM
    /// does not parse.
    public init(
        configuration: ClientConfiguration, userAgent: String = KubeClient.defaultUserAgent,
        fieldManager: String? = nil, logger: Logger = Logger(label: "ironlb.kube"),
        eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup
    ) throws {
        self.configuration = configuration
        self.userAgent = userAgent
        self.fieldManager = fieldManager
        self.logger = logger
        var base = configuration.server.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        if case .tokenFile(let path) = configuration.auth {
            let source = TokenSource(path: path)
            _ = try source.token()
            self.tokenSource = source
        } else {
            self.tokenSource = nil
        }

        var httpConfiguration = HTTPClient.Configuration(
            tlsConfiguration: try Self.tlsConfiguration(for: configuration),
            redirectConfiguration: .disallow,
            // No read timeout: a quiet watch is healthy. Non-watch requests get a whole-request
            // deadline instead (`configuration.requestTimeout`).
            // AsyncHTTPClient keeps retrying a failing connect (refused, TLS handshake error) until
            // the connect timeout and then reports the last error: keep it well inside the request
            // deadline so the caller sees that error rather than a bare timeout.
            timeout: .init(connect: Self.connectTimeout(for: configuration), read: nil),
            decompression: .disabled)
        httpConfiguration.connectionPool = .init(idleTimeout: .seconds(60))
        self.http = HTTPClient(
            eventLoopGroup: eventLoopGroup, configuration: httpConfiguration, backgroundActivityLogger: logger)
    }

    /// Closes all connections. Watches still running fail with a transport error.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    static func connectTimeout(for configuration: ClientConfiguration) -> TimeAmount {
        let half = configuration.requestTimeout.nanosecondsApproximation / 2
        return .nanoseconds(max(min(half, 10_000_000_000), 100_000_000))
    }

    static func tlsConfiguration(for configuration: ClientConfiguration) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caPEM = configuration.caPEM {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(caPEM))
            } catch {
                throw KubeConfigError("the CA of \(configuration.source) is not a valid PEM certificate bundle: \(error)")
            }
        }
        if case .clientCertificate(let certificatePEM, let keyPEM) = configuration.auth {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificatePEM).map { .certificate($0) }
            } catch {
                throw KubeConfigError("the client certificate of \(configuration.source) is not valid PEM: \(error)")
            }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: keyPEM, format: .pem))
            } catch {
                throw KubeConfigError("the client key of \(configuration.source) is not a valid PEM private key: \(error)")
            }
        }
        if configuration.insecureSkipTLSVerify {
            tls.certificateVerification = .none
        } else if configuration.tlsServerName != nil {
            // AsyncHTTPClient verifies against the URL's host and cannot be told another name. With
            // a dedicated cluster CA the chain check is what matters, so keep that and skip the name;
            // without one (system roots) that would be unsafe, so refuse.
            guard configuration.caPEM != nil else {
                throw KubeConfigError(
                    "tls-server-name in \(configuration.source) is only supported together with certificate-authority(-data)")
            }
            tls.certificateVerification = .noHostnameVerification
        }
        return tls
    }

    // MARK: - Transport

    /// HTTP methods, kept apart from NIOHTTP1's type (KubeAPI does not depend on NIOHTTP1 directly).
    enum Verb: String, Sendable {
        case GET, POST, PUT, PATCH, DELETE
    }

    struct RawResponse: Sendable {
        var status: Int
        var body: ByteBuffer
    }

    /// Sends a request and collects the whole answer, within `configuration.requestTimeout`.
    /// Retries once after a 401 if the token file had rotated.
    func perform(
        _ method: Verb, _ path: String, query: [(String, String?)] = [], body: ByteBuffer? = nil,
        contentType: String? = nil
    ) async throws -> RawResponse {
        let url = baseURL + path + ResourcePath.query(query)
        let timeout = configuration.requestTimeout
        let started = ContinuousClock.now
        let result = try await withDeadline(timeout, what: "\(method) \(path)") {
            try await self.performOnce(method, url: url, body: body, contentType: contentType)
        }
        logger.debug(
            "kube request",
            metadata: [
                "kube.verb": "\(method)", "kube.path": "\(path)", "kube.code": "\(result.status)",
                "kube.duration": "\(ContinuousClock.now - started)",
            ])
        return result
    }

    private func performOnce(_ method: Verb, url: String, body: ByteBuffer?, contentType: String?) async throws -> RawResponse {
        var response = try await execute(method, url: url, body: body, contentType: contentType, deadline: .now() + .seconds(3600))
        if response.status.code == 401, tokenSource?.reload() == true {
            _ = try? await response.body.collect(upTo: 1 << 20)
            response = try await execute(method, url: url, body: body, contentType: contentType, deadline: .now() + .seconds(3600))
        }
        do {
            let collected = try await response.body.collect(upTo: Self.maximumBodySize)
            return RawResponse(status: Int(response.status.code), body: collected)
        } catch {
            throw Self.transportError(error, while: "reading the answer to \(method) \(url)")
        }
    }

    /// Starts a request and returns once the response head has arrived (the body is the caller's
    /// to consume). `deadline` bounds connecting and waiting for the head.
    func execute(
        _ method: Verb, url: String, body: ByteBuffer?, contentType: String?, deadline: NIODeadline
    ) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method.rawValue)
        request.headers.add(name: "User-Agent", value: userAgent)
        request.headers.add(name: "Accept", value: "application/json")
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let header = try authorizationHeader() { request.headers.add(name: "Authorization", value: header) }
        if let body { request.body = .bytes(body) }
        logger.trace("kube request start", metadata: ["kube.verb": "\(method)", "kube.url": "\(url)"])
        do {
            return try await http.execute(request, deadline: deadline, logger: logger)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw Self.transportError(error, while: "\(method) \(url)")
        }
    }

    private func authorizationHeader() throws -> String? {
        switch configuration.auth {
        case .bearerToken(let token): return "Bearer " + token
        case .tokenFile: return try tokenSource.map { "Bearer " + (try $0.token()) }
        case .none, .clientCertificate: return nil
        }
    }

    static func transportError(_ error: any Error, while doing: String) -> any Error {
        if error is CancellationError { return error }
        if let error = error as? KubeAPIError { return error }
        if let error = error as? HTTPClientError, error == .cancelled { return CancellationError() }
        return KubeAPIError.transport(message: "\(doing) failed", underlying: error)
    }

    /// Runs `operation`, failing with a transport error if it has not finished within `timeout`.
    ///
    /// The timer is an event-loop scheduled task, cancelled (and freed) the moment the operation
    /// ends. A racing `Task.sleep` child, as this once was, leaves its dispatch timer and task
    /// alive until the full timeout passes even when cancelled: at thousands of requests a second
    /// that held megabytes and cost a task per request.
    func withDeadline<R: Sendable>(
        _ timeout: Duration, what: String, _ operation: @escaping @Sendable () async throws -> R
    ) async throws -> R {
        let work = Task { try await operation() }
        let expired = Mutex(false)
        let timer = http.eventLoopGroup.any().scheduleTask(in: .nanoseconds(timeout.nanosecondsApproximation)) {
            expired.withLock { $0 = true }
            work.cancel()
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            do {
                return try await work.value
            } catch {
                if expired.withLock({ $0 }) {
                    throw KubeAPIError.transport(message: "\(what) timed out after \(timeout)", underlying: nil)
                }
                throw error
            }
        } onCancel: {
            work.cancel()
        }
    }

    // MARK: - Decoding answers

    /// Decodes a 2xx answer as `R`, or throws the server's Status for anything else.
    func decodeAnswer<R: Decodable>(_ response: RawResponse, as type: R.Type, context: @autoclosure () -> String) throws -> R {
        guard (200..<300).contains(response.status) else {
            throw Self.statusError(code: response.status, body: response.body)
        }
        do {
            return try JSONDecoder().decode(R.self, from: Data(buffer: response.body, byteTransferStrategy: .noCopy))
        } catch {
            throw KubeAPIError.decoding(message: "\(context()): the answer is not the expected JSON", underlying: error)
        }
    }

    /// The server's Status from an error answer, or one made up from the HTTP code and body text.
    static func statusError(code: Int, body: ByteBuffer) -> KubeAPIError {
        let data = Data(buffer: body, byteTransferStrategy: .noCopy)
        if var status = try? JSONDecoder().decode(Status.self, from: data), status.reason != nil || status.message != nil {
            if status.code == nil { status.code = code }
            return .status(status)
        }
        let text = String(decoding: body.readableBytesView.prefix(512), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return .status(
            Status(
                message: text.isEmpty ? "the server answered HTTP \(code)" : text,
                reason: KubeAPIError.reason(forHTTPCode: code), code: code))
    }

    static func encodeBody<B: Encodable>(_ value: B) throws -> ByteBuffer {
        do {
            return ByteBuffer(data: try KubeJSON.encode(value))
        } catch {
            throw KubeAPIError.decoding(message: "cannot encode the request body", underlying: error)
        }
    }
}
