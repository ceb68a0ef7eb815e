import LBCore
import LBNet
import LBProtocols
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Helpers for `MembershipTransportTests`: transports on loopback, a plain UDP socket that
/// captures and forges datagrams, and bounded waiting (never a timing assertion).
enum MembershipTestSupport {
    static let key = [UInt8](repeating: 0x5C, count: 32)
    static let wrongKey = [UInt8](repeating: 0xA3, count: 32)

    static func logger(_ name: String) -> Logger {
        var logger = Logger(label: "membership-test.\(name)")
        logger.logLevel = .info
        return logger
    }

    static func start(_ name: String, host: String = "127.0.0.1", incarnation: UInt64 = 1) async throws
        -> MembershipTransport
    {
        let membership = try Membership(selfName: name, incarnation: incarnation, key: key)
        return try await MembershipTransport.start(membership: membership, bindHost: host, port: 0, logger: logger(name))
    }

    static func address(_ transport: MembershipTransport, host: String = "127.0.0.1") -> PeerAddress {
        PeerAddress(host: IPAddress(host) ?? IPAddress(ipv4: 0x7F00_0001), port: UInt16(clamping: transport.port))
    }

    /// Tells every transport about every other one.
    static func connectAll(_ transports: [MembershipTransport], host: String = "127.0.0.1") {
        var peers: [String: PeerAddress] = [:]
        for t in transports { peers[t.selfName] = address(t, host: host) }
        for t in transports { t.setPeers(peers) }
    }

    /// Polls `condition` until it holds or `limit` passes (a hang guard, not a timing check).
    static func eventually(limit: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + limit
        while clock.now < end {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition()
    }

    /// The first element of `stream` satisfying `predicate`, or nil if none comes within `limit`
    /// or the stream ends.
    static func first(
        of stream: AsyncStream<Set<String>>, limit: Duration = .seconds(10), where predicate: @escaping @Sendable (Set<String>) -> Bool
    ) async -> Set<String>? {
        await withTaskGroup(of: Set<String>?.self) { group in
            group.addTask {
                for await set in stream where predicate(set) { return set }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let result = await group.next() ?? nil
            group.cancelAll()
            return result
        }
    }
}

/// A plain UDP socket on loopback that records what it receives and sends arbitrary bytes:
/// the attacker (or a peer address pointing somewhere we watch).
final class PlainUDPSocket: Sendable {
    let channel: any Channel
    private let received: Received

    /// What the socket has received, filled on its event loop, read by the test.
    private final class Received: Sendable {
        let buffers = Mutex<[ByteBuffer]>([])
    }

    private final class Recorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let received: Received
        init(received: Received) { self.received = received }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = Self.unwrapInboundIn(data).data
            received.buffers.withLock { $0.append(buffer) }
        }
    }

    private init(channel: any Channel, received: Received) {
        self.channel = channel
        self.received = received
    }

    static func bind(host: String = "127.0.0.1") async throws -> PlainUDPSocket {
        let received = Received()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Recorder(received: received))
                }
            }
            .bind(host: host, port: 0).get()
        return PlainUDPSocket(channel: channel, received: received)
    }

    var datagrams: [ByteBuffer] { received.buffers.withLock { $0 } }

    var address: PeerAddress {
        PeerAddress(host: IPAddress(ipv4: 0x7F00_0001), port: UInt16(clamping: channel.localAddress?.port ?? 0))
    }

    func send(_ bytes: ByteBuffer, to transport: MembershipTransport) async throws {
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: transport.port)
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: bytes)).get()
    }

    func close() async { try? await channel.close().get() }
}
