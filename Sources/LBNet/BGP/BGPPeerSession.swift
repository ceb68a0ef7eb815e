import LBCore
import LBProtocols
import Logging
import NIOCore

/// One BGP session with a real router, over SwiftNIO TCP: the shell around `BGPSession` (the
/// RFC 4271 state machine) and an Adj-RIB-Out.
///
/// It connects out only (no listening socket, like MetalLB's native speaker), with the socket
/// options of `BGPPeerEndpoint` (source address, TCP MD5, TTL), reconnects as the state machine
/// says (ConnectRetry timer, backoff after errors), and advertises the table given to
/// `setRoutes`: a new session gets the whole table and then End-of-RIB for each negotiated
/// family; later calls send only the difference. Routes the peer sends are counted and dropped.
///
/// Everything that touches the connection runs on `eventLoop`; the public methods hop there and
/// return without waiting (except `stop`). `status` reads what the loop last published.
///
/// Lifecycle: `start()` (or `BGPPeerSession.start(...)`), `setRoutes` whenever the table
/// changes, `stop()` to close with a Cease NOTIFICATION.
public final class BGPPeerSession: Sendable {
    public let endpoint: BGPPeerEndpoint
    public let configuration: BGPSessionConfiguration
    /// The loop that runs the session; its connection is served there too.
    public let eventLoop: any EventLoop

    private let engine: NIOLoopBoundBox<BGPPeerEngine>
    private let published: BGPPeerPublishedState

    /// A session in Idle; nothing is sent until `start()`.
    ///
    /// - Parameters:
    ///   - nextHopV4: the IPv4 NEXT_HOP of our routes; nil means the local address of the TCP
    ///     connection when it runs over IPv4 (over IPv6 without it, IPv4 routes are not sent).
    ///   - nextHopV6: the IPv6 next hop in MP_REACH_NLRI; nil means the local address of the
    ///     connection when it runs over IPv6 (over IPv4 without it, IPv6 routes are not sent).
    ///   - eventLoop: where the session and its connection run (its thread's network namespace
    ///     is the one the socket is opened in).
    ///   - logger: receives info lines for session changes and debug lines for the rest, with
    ///     `bgp.peer` metadata.
    public init(
        endpoint: BGPPeerEndpoint, configuration: BGPSessionConfiguration, nextHopV4: IPAddress? = nil,
        nextHopV6: IPAddress? = nil, eventLoop: any EventLoop, logger: Logger
    ) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.eventLoop = eventLoop
        let published = BGPPeerPublishedState()
        self.published = published
        self.engine = NIOLoopBoundBox.makeBoxSendingValue(
            BGPPeerEngine(
                endpoint: endpoint, configuration: configuration, nextHopV4: nextHopV4, nextHopV6: nextHopV6,
                eventLoop: eventLoop, published: published, logger: logger),
            as: BGPPeerEngine.self, eventLoop: eventLoop)
    }

    /// Creates a session and starts it (RFC 4271 ManualStart): it connects at once.
    public static func start(
        endpoint: BGPPeerEndpoint, configuration: BGPSessionConfiguration, nextHopV4: IPAddress? = nil,
        nextHopV6: IPAddress? = nil, eventLoop: any EventLoop, logger: Logger
    ) -> BGPPeerSession {
        let session = BGPPeerSession(
            endpoint: endpoint, configuration: configuration, nextHopV4: nextHopV4, nextHopV6: nextHopV6,
            eventLoop: eventLoop, logger: logger)
        session.start()
        return session
    }

    /// ManualStart: connect now, and again whenever the session drops, until `stop()`.
    /// Does nothing once stopped.
    public func start() {
        let engine = self.engine
        eventLoop.execute { engine.value.start() }
    }

    /// The desired Adj-RIB-Out. When Established, the difference with what the peer holds is
    /// sent at once (withdrawals, then announcements grouped by identical attributes and packed
    /// into 4096-octet UPDATEs); otherwise it is kept for the next session. Only the newest
    /// table is kept, never a queue of UPDATEs: a peer that reads slowly gets the latest state.
    public func setRoutes(_ routes: [IPPrefix: BGPRouteAttributes]) {
        let engine = self.engine
        eventLoop.execute { engine.value.setRoutes(routes) }
    }

    /// The status the event loop last published.
    public var status: BGPPeerStatus { published.status }

    /// The current status at once, then every change (state, counters, table sends). A slow
    /// consumer loses the oldest unread statuses, never the newest. Finishes after `stop()`.
    public func statusChanges() -> AsyncStream<BGPPeerStatus> { published.subscribe() }

    /// ManualStop: sends a Cease NOTIFICATION (Administrative Shutdown, RFC 4486) if a session
    /// is up, closes the connection and never reconnects. Returns once the connection is
    /// closed; finishes the `statusChanges()` streams. Idempotent.
    public func stop() async {
        let engine = self.engine
        let closed = eventLoop.flatSubmit { engine.value.stop() }
        try? await closed.get()
        published.finish()
    }

    /// The IP TTL (IPv4) or unicast hop limit (IPv6) of the current connection's socket, read
    /// back with getsockopt; nil without a connection. A diagnostic for `ebgp-multihop`.
    public func connectionTTL() async -> Int? {
        let engine = self.engine
        let family = endpoint.address.family
        let read: EventLoopFuture<Int?> = eventLoop.flatSubmit {
            guard let channel = engine.value.currentChannel else { return engine.value.eventLoop.makeSucceededFuture(nil) }
            return BGPSocketOptions.ttl(of: channel, family: family).map { Optional($0) }
        }
        return (try? await read.get()) ?? nil
    }

    /// The deadline the session's single timer task is armed for (tests: hold time 0 arms none).
    func armedTimerDeadline() async -> Duration? {
        let engine = self.engine
        return try? await eventLoop.submit { engine.value.armedDeadline }.get()
    }

    /// Bytes written to the connection that the kernel has not taken yet (tests: a peer that does
    /// not read must not make this grow without bound).
    func bufferedOutboundBytes() async -> Int {
        let engine = self.engine
        let read: EventLoopFuture<Int> = eventLoop.flatSubmit {
            guard let channel = engine.value.currentChannel else { return engine.value.eventLoop.makeSucceededFuture(0) }
            return channel.getOption(ChannelOptions.bufferedWritableBytes)
        }
        return (try? await read.get()) ?? 0
    }
}
