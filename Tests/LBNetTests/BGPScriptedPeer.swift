import Foundation
import LBCore
import LBWire
import NIOCore
import NIOPosix
import Synchronization

/// A scripted BGP router on loopback for `BGPPeerSession` tests: a NIO server on a random port
/// that speaks BGP with LBWire's codecs, records every message (and every decode error) it
/// receives per connection, keeps the routes it was sent as a RIB, and behaves as its script
/// says (answer OPEN or send a malformed one, close, stop reading, send raw bytes).
final class BGPScriptedPeer: Sendable {
    struct Script: Sendable {
        /// Our OPEN, sent when the session's OPEN arrives (nil: the bytes in `rawOpen`).
        var open: BGPOpen? = BGPOpen(asNumber: 65001, holdTime: 90, identifier: 0x0A00_0001, capabilities: [.ipv4Unicast, .ipv6Unicast, .routeRefresh])
        /// Raw bytes sent instead of an OPEN (a malformed one).
        var rawOpen: [UInt8]? = nil
        /// Set the socket's receive buffer this small (slow-reader tests).
        var smallReceiveBuffer = false
    }

    struct Connection: Sendable {
        var messages: [BGPMessage] = []
        var decodeErrors: [BGPDecodeError] = []
        /// Routes held from the session: prefix -> attributes (MP attributes stripped).
        var rib: [IPPrefix: BGPPathAttributes] = [:]
        var endOfRIB: [IPFamily] = []
        var established = false
        var closed = false
        var keepalives: Int { messages.filter { $0 == .keepalive }.count }
        var updates: [BGPUpdate] { messages.compactMap { if case .update(let u) = $0 { u } else { nil } } }
        var notifications: [BGPNotification] {
            messages.compactMap { if case .notification(let n) = $0 { n } else { nil } }
        }
    }

    private struct State {
        var connections: [Connection] = []
        var channels: [any Channel] = []
    }

    private let state = Mutex(State())
    let script: Script
    private let serverChannel: Mutex<(any Channel)?> = Mutex(nil)
    let group: MultiThreadedEventLoopGroup

    private init(script: Script, group: MultiThreadedEventLoopGroup) {
        self.script = script
        self.group = group
    }

    /// Starts a peer listening on `host` (127.0.0.1 or ::1), on a random port.
    static func start(host: String = "127.0.0.1", script: Script = Script()) async throws -> BGPScriptedPeer {
        let peer = BGPScriptedPeer(script: script, group: MultiThreadedEventLoopGroup.singleton)
        var bootstrap = ServerBootstrap(group: peer.group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
        if script.smallReceiveBuffer {
            bootstrap = bootstrap.serverChannelOption(ChannelOptions.socketOption(.so_rcvbuf), value: 2048)
        }
        let channel = try await bootstrap.childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let index = peer.state.withLock { s in
                    s.connections.append(Connection())
                    s.channels.append(channel)
                    return s.connections.count - 1
                }
                try channel.pipeline.syncOperations.addHandler(Handler(peer: peer, index: index))
            }
        }.bind(host: host, port: 0).get()
        peer.serverChannel.withLock { $0 = channel }
        return peer
    }

    var port: UInt16 { UInt16(serverChannel.withLock { $0?.localAddress?.port ?? 0 }) }
    var connections: [Connection] { state.withLock { $0.connections } }
    func connection(_ index: Int) -> Connection? {
        state.withLock { index < $0.connections.count ? $0.connections[index] : nil }
    }

    /// Writes raw bytes on connection `index`.
    func send(_ bytes: [UInt8], on index: Int) async throws {
        let channel = state.withLock { $0.channels[index] }
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    func send(_ message: BGPMessage, on index: Int) async throws {
        try await send(Array(try message.encoded().readableBytesView), on: index)
    }

    func close(_ index: Int) async {
        let channel = state.withLock { $0.channels[index] }
        try? await channel.close().get()
    }

    /// Stops or resumes reading on connection `index` (a router too busy to read).
    func setReading(_ reading: Bool, on index: Int) async throws {
        let channel = state.withLock { $0.channels[index] }
        try await channel.setOption(ChannelOptions.autoRead, value: reading).get()
        if reading { channel.read() }
    }

    func shutdown() async {
        let channels = state.withLock { $0.channels }
        for channel in channels { try? await channel.close().get() }
        let server = serverChannel.withLock { $0 }
        try? await server?.close().get()
    }

    fileprivate func record(_ index: Int, _ body: (inout Connection) -> Void) {
        state.withLock { body(&$0.connections[index]) }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let peer: BGPScriptedPeer
        let index: Int
        var buffer = ByteBuffer()
        var decoder = BGPMessageDecoder()
        var dead = false

        init(peer: BGPScriptedPeer, index: Int) {
            self.peer = peer
            self.index = index
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = Self.unwrapInboundIn(data)
            buffer.writeBuffer(&bytes)
            while !dead {
                do {
                    guard let message = try decoder.parseStep(&buffer) else { break }
                    handle(message, context: context)
                } catch {
                    peer.record(index) { $0.decodeErrors.append(error) }
                    if error.action == .sessionReset { dead = true }
                }
            }
        }

        func handle(_ message: BGPMessage, context: ChannelHandlerContext) {
            peer.record(index) { connection in
                connection.messages.append(message)
                if case .update(let update) = message { Self.apply(update, to: &connection) }
                if case .keepalive = message, connection.messages.contains(where: { if case .open = $0 { true } else { false } }) {
                    connection.established = true
                }
            }
            guard case .open(let open) = message else { return }
            if let raw = peer.script.rawOpen {
                context.writeAndFlush(NIOAny(ByteBuffer(bytes: raw)), promise: nil)
                return
            }
            guard let ours = peer.script.open else { return }
            decoder.fourOctetAS = ours.supportsFourOctetAS && open.supportsFourOctetAS
            for reply in [BGPMessage.open(ours), .keepalive] {
                if let bytes = try? reply.encoded() { context.write(NIOAny(bytes), promise: nil) }
            }
            context.flush()
        }

        static func apply(_ update: BGPUpdate, to connection: inout Connection) {
            if let family = update.endOfRIBFamily {
                connection.endOfRIB.append(family)
                return
            }
            var attributes = update.attributes
            attributes.mpReach = nil
            attributes.mpUnreach = nil
            for prefix in update.withdrawn + (update.attributes.mpUnreach?.withdrawn ?? []) {
                connection.rib[prefix] = nil
            }
            for prefix in update.nlri { connection.rib[prefix] = attributes }
            if let reach = update.attributes.mpReach {
                var v6 = attributes
                v6.nextHop = reach.nextHops.first
                for prefix in reach.nlri { connection.rib[prefix] = v6 }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer.record(index) { $0.closed = true }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

extension BGPMessage {
    /// The type, and code/subcode for a NOTIFICATION, for failure messages.
    var summary: String {
        switch self {
        case .open: "OPEN"
        case .update: "UPDATE"
        case .notification(let n): "NOTIFICATION \(n.code)/\(n.subcode)"
        case .keepalive: "KEEPALIVE"
        case .routeRefresh: "ROUTE-REFRESH"
        }
    }
}
