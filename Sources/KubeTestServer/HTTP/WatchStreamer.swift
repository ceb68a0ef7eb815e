import NIOCore
import NIOHTTP1

/// Streams one watch over a chunked HTTP response. Every write hops onto the channel's event loop
/// with `execute`, even from that loop, so events keep the order in which the store produced them.
final class WatchStreamer: WatchSink, @unchecked Sendable {
    let channel: any Channel
    let keepAlive: Bool
    // The fields below are only touched on `channel.eventLoop`.
    var id = 0
    private var finished = false
    private var timeout: Scheduled<Void>?
    private var bookmarks: RepeatedTask?

    init(channel: any Channel, keepAlive: Bool) {
        self.channel = channel
        self.keepAlive = keepAlive
    }

    func send(_ line: String) {
        channel.eventLoop.execute { [self] in
            guard !finished else { return }
            let buffer = channel.allocator.buffer(string: line)
            channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
        }
    }

    func finish(dropConnection: Bool) {
        channel.eventLoop.execute { [self] in finishOnLoop(dropConnection: dropConnection) }
    }

    var isFinished: Bool { finished }

    func finishOnLoop(dropConnection: Bool) {
        guard !finished else { return }
        finished = true
        timeout?.cancel()
        bookmarks?.cancel()
        if dropConnection {
            channel.close(promise: nil)
        } else {
            let channel = self.channel
            let keepAlive = self.keepAlive
            channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in
                if !keepAlive { channel.close(promise: nil) }
            }
        }
    }

    /// Ends the stream cleanly after `seconds` and sends bookmarks every `bookmarkInterval`.
    func schedule(timeoutSeconds: Int, bookmarkInterval: TimeAmount?, onTimeout: @escaping @Sendable () -> Void,
                  onBookmark: @escaping @Sendable () -> Void) {
        let loop = channel.eventLoop
        timeout = loop.scheduleTask(in: .seconds(Int64(max(0, timeoutSeconds)))) { onTimeout() }
        if let bookmarkInterval {
            bookmarks = loop.scheduleRepeatedTask(initialDelay: bookmarkInterval, delay: bookmarkInterval) { _ in onBookmark() }
        }
    }

    func cancelTimers() {
        finished = true
        timeout?.cancel()
        bookmarks?.cancel()
    }
}
