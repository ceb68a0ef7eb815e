import LBProtocols
import Logging
import NIOCore
import NIOPosix

/// The speakers' membership protocol over UDP: a SwiftNIO datagram endpoint that owns one
/// `Membership` state machine and carries it out. Datagrams go to `receive`, the timer wakes at
/// the machine's `nextDeadline` (so a dead peer is noticed when its `deadAfter` runs out, not
/// at the next poll), and the machine's actions become datagrams.
///
/// All state-machine work runs on the channel's event loop, one step at a time; the public
/// methods hop there and the snapshots (`liveMembers`, `counters`, `recentEvents`) read what
/// the loop last published. Anything a peer sends is counted and otherwise ignored when it is
/// malformed, forged or replayed; send errors are counted and logged at debug, never fatal.
///
/// Lifecycle: `start` binds and begins heartbeating; `setPeers` as the peer list changes;
/// on shutdown `leave()` (peers hand over at once) then `close()`. Both are idempotent.
public final class MembershipTransport: Sendable {
    /// The address the socket is bound to (with the real port when bound to port 0).
    public let localAddress: SocketAddress
    /// This node's name in the membership.
    public let selfName: String

    private let channel: any Channel
    private let engine: NIOLoopBound<MembershipEngine>
    private let published: MembershipPublishedState

    private init(
        channel: any Channel, localAddress: SocketAddress, selfName: String, engine: NIOLoopBound<MembershipEngine>,
        published: MembershipPublishedState
    ) {
        self.channel = channel
        self.localAddress = localAddress
        self.selfName = selfName
        self.engine = engine
        self.published = published
    }

    /// Binds a UDP socket and starts driving `membership`: the first heartbeats go out as soon
    /// as peers are set.
    ///
    /// - Parameters:
    ///   - membership: a fresh state machine (its incarnation larger than this node's last).
    ///   - bindHost: a numeric address: `0.0.0.0`, `::` (dual-stack: reaches IPv4 peers too), or
    ///     the node's own address.
    ///   - port: the UDP port, the same on every node in production; 0 picks a free one (tests).
    ///   - logger: receives debug lines for drops, send errors and membership changes.
    ///   - eventLoopGroup: where the socket is served; one loop of it is used.
    /// - Throws: `MembershipTransportError` for a bad host or port, `LBNetError` if the socket
    ///   cannot be opened or bound (the port is taken, the address is not local), or the error
    ///   NIO reports when registering it.
    public static func start(
        membership: Membership, bindHost: String, port: Int, logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> MembershipTransport {
        let socket = try MembershipSocket.openBound(host: bindHost, port: port)
        let eventLoop = eventLoopGroup.next()
        let published = MembershipPublishedState(live: membership.liveMembers)
        let engine: NIOLoopBound<MembershipEngine>
        do {
            engine = try await eventLoop.submit {
                NIOLoopBound(
                    MembershipEngine(
                        membership: membership, fd: socket.fd, socketFamily: socket.family, eventLoop: eventLoop,
                        published: published, logger: logger),
                    eventLoop: eventLoop)
            }.get()
        } catch {
            MembershipSocket.close(socket.fd)
            throw error
        }
        // From here the channel owns the descriptor and closes it.
        let channel = try await DatagramBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MembershipDatagramHandler(engine: engine.value))
                }
            }
            .withBoundSocket(socket.fd)
            .get()
        guard let localAddress = channel.localAddress else {
            try? await channel.close().get()
            throw MembershipTransportError.invalidBindHost(bindHost, reason: "the socket has no local address")
        }
        try await eventLoop.submit { engine.value.start() }.get()
        logger.debug(
            "membership transport started",
            metadata: ["membership.node": "\(membership.selfName)", "membership.local": "\(localAddress)"])
        return MembershipTransport(
            channel: channel, localAddress: localAddress, selfName: membership.selfName, engine: engine,
            published: published)
    }

    /// The bound UDP port (the free port chosen when started with port 0).
    public var port: Int { localAddress.port ?? 0 }

    /// Replaces the peer list (name to membership address; this node's own entry is ignored).
    /// New peers get a heartbeat at once; removed ones stop counting. Applied on the event loop
    /// in call order; returns without waiting.
    public func setPeers(_ peers: [String: PeerAddress]) {
        let engine = self.engine
        channel.eventLoop.execute { engine.value.setPeers(peers) }
    }

    /// The members considered live now: this node (until it leaves) and every peer heard from
    /// within `deadAfter`.
    public var liveMembers: Set<String> { published.live }

    /// The current live set at once, then every new one, promptly (re-run the elections on each).
    /// A slow consumer gets only the newest set. The stream finishes when the transport closes.
    public func liveMemberChanges() -> AsyncStream<Set<String>> { published.subscribe() }

    /// Counters for metrics: accepted datagrams, drops per reason, failovers, joins, errors.
    public var counters: MembershipTransportCounters { published.counters }

    /// The state machine's recent peer events (joined, died, left, ...), oldest first.
    public var recentEvents: [MembershipEvent] { published.events }

    /// Leaves the membership (graceful shutdown): sends the state machine's `leave` copies to
    /// every peer and returns once the kernel has taken them; afterwards no heartbeat is sent,
    /// but the socket stays open (datagrams are still read and counted) until `close()`. Does
    /// nothing if already left or closed.
    public func leave() async {
        let engine = self.engine
        try? await channel.eventLoop.submit { engine.value.leave() }.get()
    }

    /// Stops the timer, closes the socket and finishes every `liveMemberChanges()` stream. Sends
    /// nothing (call `leave()` first for a graceful hand-over). Idempotent; returns once closed.
    public func close() async {
        let engine = self.engine
        try? await channel.eventLoop.submit { engine.value.stop() }.get()
        try? await channel.close().get()  // fails with alreadyClosed on a second call: fine
        try? await channel.closeFuture.get()
    }
}
