import AsyncHTTPClient
import NIOCore

extension KubeClient {
    /// `GET ...?watch=true`: the stream of changes after `resourceVersion` (or, without one, synthetic
    /// ADDED events for what exists, then changes).
    ///
    /// The request is made when the stream is first iterated, in the iterating task; stopping the
    /// iteration (or cancelling that task) closes the connection. The stream ends when the server
    /// ends the watch (`timeoutSeconds`), and throws `KubeAPIError` for an ERROR event (`isGone`
    /// for 410), an HTTP error, or a dropped connection.
    public func watch<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
        resourceVersion: String? = nil, allowBookmarks: Bool = true, timeoutSeconds: Int? = nil
    ) -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        let path = ResourcePath.path(T.self, namespace: T.isNamespaced ? namespace : nil)
        let query = ResourcePath.query([
            ("watch", "true"),
            ("labelSelector", labelSelector.flatMap { $0.isEmpty ? nil : $0 }),
            ("fieldSelector", fieldSelector.flatMap { $0.isEmpty ? nil : $0 }),
            ("resourceVersion", resourceVersion.flatMap { $0.isEmpty ? nil : $0 }),
            ("allowWatchBookmarks", allowBookmarks ? "true" : nil),
            ("timeoutSeconds", timeoutSeconds.map(String.init)),
        ])
        let state = WatchState<T>(client: self, url: baseURL + path + query)
        return AsyncThrowingStream(unfolding: { try await state.next() })
    }
}

/// The iteration state of one watch. `AsyncThrowingStream(unfolding:)` calls `next()` strictly one
/// at a time, from the consuming task, which is what makes the unchecked Sendable sound.
final class WatchState<T: KubeObject>: @unchecked Sendable {
    private let client: KubeClient
    private let url: String
    private var body: HTTPClientResponse.Body.AsyncIterator?
    private var splitter = JSONLineSplitter()
    private var started = false
    private var finished = false

    init(client: KubeClient, url: String) {
        self.client = client
        self.url = url
    }

    func next() async throws -> WatchEvent<T>? {
        if !started {
            started = true
            try await start()
        }
        while true {
            if let line = try nextLine() {
                guard let event = try WatchEventDecoder.decode(line, as: T.self) else {
                    client.logger.debug("kube watch: skipping an event of unknown type", metadata: ["kube.url": "\(url)"])
                    continue
                }
                client.logger.trace(
                    "kube watch event",
                    metadata: ["kube.resource": "\(T.plural)", "kube.rv": "\(event.resourceVersion ?? "")"])
                return event
            }
            if finished { return nil }
            do {
                if let chunk = try await body?.next() {
                    splitter.append(chunk)
                } else {
                    finished = true
                    body = nil
                }
            } catch {
                finished = true
                body = nil
                throw KubeClient.transportError(error, while: "watching \(url)")
            }
        }
    }

    private func nextLine() throws -> ByteBuffer? {
        do {
            if let line = try splitter.nextLine() { return line }
            return finished ? splitter.finish() : nil
        } catch {
            finished = true
            body = nil
            throw KubeAPIError.decoding(message: "watching \(url)", underlying: error)
        }
    }

    private func start() async throws {
        let deadline = NIODeadline.now() + .nanoseconds(Int64(client.configuration.requestTimeout.nanosecondsApproximation))
        var response = try await client.execute(.GET, url: url, body: nil, contentType: nil, deadline: deadline)
        if response.status.code == 401, client.tokenSource?.reload() == true {
            _ = try? await response.body.collect(upTo: 1 << 20)
            response = try await client.execute(.GET, url: url, body: nil, contentType: nil, deadline: deadline)
        }
        guard response.status.code == 200 else {
            let text = (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer()
            finished = true
            throw KubeClient.statusError(code: Int(response.status.code), body: text)
        }
        client.logger.debug("kube watch started", metadata: ["kube.url": "\(url)"])
        body = response.body.makeAsyncIterator()
    }
}

extension Duration {
    var nanosecondsApproximation: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
