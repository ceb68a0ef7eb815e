import CLBNet
import Foundation
import LBCore
import Logging
import NIOCore
import NIOPosix

extension BGPPeerEngine {
    /// Opens the outbound TCP connection (RFC 4271 section 8.2.2 "initiates a TCP connection"):
    /// socket options first (TTL, TCP MD5), then bind to the source address, then connect with a
    /// timeout of one ConnectRetryTime. The result comes back as a step on the event loop.
    func connect() {
        generation &+= 1
        let generation = self.generation
        attemptInFlight = true
        attemptStarted = .now()
        let peer: SocketAddress
        let source: SocketAddress?
        do {
            peer = try SocketAddress(ipAddress: endpoint.address.description, port: Int(endpoint.port))
            source = try endpoint.sourceAddress.map { try SocketAddress(ipAddress: $0.description, port: 0) }
        } catch {
            connectFailed("invalid address: \(error)", generation: generation)
            return
        }
        let endpoint = self.endpoint
        let box = NIOLoopBound(self, eventLoop: eventLoop)
        var bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(Self.nanoseconds(configuration.connectRetryTime)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let engine = box.value
                    guard engine.generation == generation else { throw ChannelError.ioOnClosedChannel }
                    engine.attemptChannel = channel
                    try channel.pipeline.syncOperations.addHandler(BGPChannelHandler(engine: engine, generation: generation))
                }.flatMap {
                    BGPSocketOptions.apply(to: channel, endpoint: endpoint, peer: peer)
                }
            }
        if let source { bootstrap = bootstrap.bind(to: source) }
        logger.debug("BGP connecting", metadata: ["bgp.address": "\(peer)"])
        let connecting: EventLoopFuture<any Channel>
        if let namespace = endpoint.networkNamespace {
            // NIO creates the socket synchronously inside `connect(to:)`, on this thread: enter
            // the namespace just for that call (the socket keeps it), then come back at once.
            let previous = clbnet_netns_swap("/var/run/netns/\(namespace)")
            guard previous >= 0 else {
                connectFailed("cannot enter network namespace \(namespace): \(String(cString: strerror(errno)))", generation: generation)
                return
            }
            connecting = bootstrap.connect(to: peer)
            if clbnet_netns_restore(previous) != 0 {
                logger.critical("cannot return from network namespace \(namespace)", metadata: ["bgp.errno": "\(errno)"])
            }
        } else {
            connecting = bootstrap.connect(to: peer)
        }
        connecting.whenComplete { result in
            // Always a fresh step: a connect that fails at once must not re-enter `perform`.
            box.value.eventLoop.execute {
                let engine = box.value
                switch result {
                case .success(let channel):
                    guard engine.generation == generation, engine.attemptInFlight else {
                        channel.close(promise: nil)
                        return
                    }
                    engine.attemptInFlight = false
                    engine.attemptChannel = nil
                    engine.connected(channel)
                case .failure(let error):
                    engine.connectFailed(engine.describeConnectError(error), generation: generation)
                }
            }
        }
    }

    func connectFailed(_ text: String, generation: UInt64) {
        guard generation == self.generation, attemptInFlight else { return }
        attemptInFlight = false
        attemptChannel = nil
        status.lastError = text
        logger.debug("BGP connect failed", metadata: ["bgp.error": "\(text)"])
        step(.tcpConnectionFails)
    }

    /// The ConnectRetry timer abandoned an attempt that was still waiting: a timeout.
    func noteConnectTimeout() {
        let waited = NIODeadline.now() - attemptStarted
        status.lastError = timeoutText(after: .nanoseconds(waited.nanoseconds))
        logger.debug("BGP connect timed out", metadata: ["bgp.error": "\(status.lastError ?? "")"])
    }

    func timeoutText(after waited: Duration) -> String {
        let seconds = Double(Self.nanoseconds(waited)) / 1e9
        var text = "connect to \(endpoint.address) port \(endpoint.port) timed out after \(String(format: "%.1f", seconds))s"
        if endpoint.password != nil {
            text += " (a TCP MD5 password mismatch looks exactly like this: the peer silently drops SYNs whose signature is wrong or missing)"
        }
        return text
    }

    /// The errno text for a failed connect ("Connection refused", "No route to host"), or the
    /// timeout with the MD5 hint.
    func describeConnectError(_ error: any Error) -> String {
        if case ChannelError.connectTimeout = error {
            return timeoutText(after: configuration.connectRetryTime)
        }
        let target = "connect to \(endpoint.address) port \(endpoint.port)"
        if let io = error as? IOError {
            return "\(target) failed: \(String(cString: strerror(io.errnoCode))) (errno \(io.errnoCode))"
        }
        if let options = error as? BGPSocketOptions.Failure {
            return "\(target) failed: \(options)"
        }
        return "\(target) failed: \(error)"
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
