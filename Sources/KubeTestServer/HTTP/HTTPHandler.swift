import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// One HTTP/1.1 connection: collects a request, authenticates it, applies injected faults, hands it
/// to the API core, and writes the answer or streams the watch.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let shared: ServerShared
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var bodyTooLarge = false
    private var watch: WatchStreamer?

    init(shared: ServerShared) {
        self.shared = shared
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = context.channel.allocator.buffer(capacity: 0)
            bodyTooLarge = (h.headers.first(name: "content-length").flatMap { Int($0) } ?? 0) > shared.maxBodyBytes
        case .body(var chunk):
            guard !bodyTooLarge else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > shared.maxBodyBytes {
                bodyTooLarge = true
                body = nil
            } else {
                body?.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            process(context: context, head: head)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let watch {
            let id = watch.id
            watch.cancelTimers()
            shared.core.withLock { $0.stopWatch(id) }
            self.watch = nil
        }
        context.fireChannelInactive()
    }

    private func process(context: ChannelHandlerContext, head: HTTPRequestHead) {
        if bodyTooLarge {
            respond(context: context, head: head, response: .error(.requestEntityTooLarge(limit: shared.maxBodyBytes)), forceClose: true)
            return
        }
        var headers: [String: String] = [:]
        for (name, value) in head.headers {
            let key = name.lowercased()
            headers[key] = headers[key].map { "\($0),\(value)" } ?? value
        }
        let bytes = body.map { Array($0.readableBytesView) } ?? []
        body = nil
        let request = APIRequest(method: head.method.rawValue, target: head.uri, headers: headers, body: bytes)
        let verified = (try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate) != nil
        guard shared.authenticate(authorization: head.headers.first(name: "authorization"), path: request.path,
                                  hasVerifiedClientCertificate: verified) else {
            respond(context: context, head: head, response: .error(.unauthorized()), forceClose: false)
            return
        }
        let fault = shared.core.withLock { $0.takeFault(method: request.method, path: request.path) }
        if let fault, fault.latencySeconds > 0 {
            let loop = context.eventLoop.assumeIsolated()
            loop.scheduleTask(in: .nanoseconds(Int64(fault.latencySeconds * 1e9))) {
                self.dispatch(context: context, head: head, request: request, fault: fault)
            }
            return
        }
        dispatch(context: context, head: head, request: request, fault: fault)
    }

    private func dispatch(context: ChannelHandlerContext, head: HTTPRequestHead, request: APIRequest, fault: FaultRule?) {
        guard context.channel.isActive else { return }
        if let fault {
            if fault.dropConnection {
                context.close(promise: nil)
                return
            }
            if let error = fault.error {
                respond(context: context, head: head, response: .error(error), forceClose: false)
                return
            }
        }
        let response = shared.core.withLock { $0.handle(request) }
        if case .watch(let spec) = response {
            startWatch(context: context, head: head, spec: spec)
        } else {
            respond(context: context, head: head, response: response, forceClose: false)
        }
    }

    private func startWatch(context: ChannelHandlerContext, head: HTTPRequestHead, spec: WatchSpec) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: spec.format.contentType)
        headers.add(name: "Cache-Control", value: "no-cache, private")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        headers.add(name: "Date", value: Self.httpDate())
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
        let streamer = WatchStreamer(channel: context.channel, keepAlive: head.isKeepAlive)
        guard let id = shared.core.withLock({ $0.startWatch(spec, sink: streamer) }) else { return }
        streamer.id = id
        watch = streamer
        let shared = self.shared
        streamer.schedule(
            timeoutSeconds: spec.timeoutSeconds,
            bookmarkInterval: spec.options.allowWatchBookmarks ? shared.bookmarkInterval : nil,
            onTimeout: {
                shared.core.withLock { $0.stopWatch(id) }
                streamer.finish(dropConnection: false)
            },
            onBookmark: {
                shared.core.withLock { $0.sendBookmark(id) }
            })
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, response: APIResponse, forceClose: Bool) {
        var headers = HTTPHeaders()
        let status: Int
        var payload: ByteBuffer
        switch response {
        case .json(let code, let json, let contentType, let warnings):
            status = code
            payload = context.channel.allocator.buffer(string: json.serialized())
            headers.add(name: "Content-Type", value: contentType)
            for warning in warnings {
                headers.add(name: "Warning", value: "299 - \(JSONValue.string(warning).serialized())")
            }
            if contentType.contains("apidiscovery") || head.uri.hasPrefix("/api") && !head.uri.contains("/namespaces") {
                headers.add(name: "Vary", value: "Accept")
            }
        case .text(let code, let text, let contentType):
            status = code
            payload = context.channel.allocator.buffer(string: text)
            headers.add(name: "Content-Type", value: contentType)
        case .watch:
            return
        }
        if head.method == .HEAD { payload.clear() }
        headers.add(name: "Cache-Control", value: "no-cache, private")
        headers.add(name: "Content-Length", value: String(payload.readableBytes))
        headers.add(name: "Date", value: Self.httpDate())
        let keepAlive = head.isKeepAlive && !forceClose
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(payload))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// RFC 9110 IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) for the `Date` header. Written by
    /// hand: a `DateFormatter` per response cost a fifth of the server's CPU under load.
    static func httpDate(_ date: Date = Date()) -> String {
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var tm = tm()
        gmtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let weekday = days[Int(tm.tm_wday) % 7]
        return "\(weekday), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon)]) \(tm.tm_year + 1900) "
            + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) GMT"
    }
}
