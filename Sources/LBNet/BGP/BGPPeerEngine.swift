import Foundation
import LBCore
import LBProtocols
import LBWire
import Logging
import NIOCore

/// Drives one `BGPSession` on one event loop: every input (a connect result, bytes from the
/// peer, the timer, a new table, stop) is a *step* that feeds the state machine, carries out its
/// actions in order, sends whatever part of the table the connection can take, publishes the
/// status and re-arms the timer at the machine's `nextDeadline`.
///
/// Confined to the event loop (reached through `NIOLoopBoundBox`), so nothing here needs a lock
/// and steps never overlap. Callbacks from futures and the channel hop through `execute` or
/// check `generation`, so a late event of an abandoned connection never reaches the machine.
final class BGPPeerEngine {
    let endpoint: BGPPeerEndpoint
    let configuration: BGPSessionConfiguration
    let nextHopV4: IPAddress?
    let nextHopV6: IPAddress?
    let eventLoop: any EventLoop
    let published: BGPPeerPublishedState
    let logger: Logger

    /// Prefixes encoded per batch before the channel's writability is checked again: about one
    /// or two full UPDATEs, so a peer that stops reading leaves at most the channel's high
    /// water mark (64 KiB by default) plus one batch in memory.
    static let batchLimit = 800
    /// Encoded octets per batch (announcement groups are not split across this limit): with
    /// one UPDATE per prefix (every route with its own communities) the prefix limit alone
    /// would let a batch grow to megabytes.
    static let batchByteLimit = 32 * 1024

    var fsm: BGPSession
    /// The state machine's clock origin: its time is `NIODeadline.now() - origin`.
    let origin = NIODeadline.now()
    var timer: Scheduled<Void>?
    /// The deadline the timer is armed for (tests check that hold time 0 arms none).
    private(set) var armedDeadline: Duration?

    /// Bumped by every connect and disconnect: events carrying an older value are stale.
    var generation: UInt64 = 0
    /// The socket of the connection attempt in flight (set by the channel initializer).
    var attemptChannel: (any Channel)?
    var attemptInFlight = false
    var attemptStarted = NIODeadline.now()
    /// The connection carrying the session (OpenSent and later).
    private(set) var channel: (any Channel)?
    var currentChannel: (any Channel)? { channel }
    private var lastWrite: EventLoopFuture<Void>?
    private var inbound = ByteBuffer()
    private var decoder = BGPMessageDecoder()

    var rib = BGPAdjRIBOut()
    private var context: BGPAdjRIBOut.Context?
    private var endOfRIBPending: [IPFamily] = []
    private var stopped = false
    var status = BGPPeerStatus()
    private var blockedNote: String?

    init(
        endpoint: BGPPeerEndpoint, configuration: BGPSessionConfiguration, nextHopV4: IPAddress?,
        nextHopV6: IPAddress?, eventLoop: any EventLoop, published: BGPPeerPublishedState, logger: Logger
    ) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.nextHopV4 = nextHopV4
        self.nextHopV6 = nextHopV6
        self.eventLoop = eventLoop
        self.published = published
        var logger = logger
        logger[metadataKey: "bgp.peer"] = "\(endpoint.name)"
        self.logger = logger
        self.fsm = BGPSession(configuration: configuration)
    }

    var now: Duration {
        .nanoseconds(Int64(NIODeadline.now().uptimeNanoseconds) - Int64(origin.uptimeNanoseconds))
    }

    // MARK: steps

    func start() {
        guard !stopped else { return }
        step(.manualStart)
    }

    /// ManualStop: Cease if connected, close, no restart. The future completes once the
    /// connection (if any) is closed.
    func stop() -> EventLoopFuture<Void> {
        let wasConnected = channel
        if !stopped {
            // Set first: the ManualStop's disconnect is not a connect timeout, and nothing
            // may connect or arm a timer from here on.
            stopped = true
            step(.manualStop)
        }
        timer?.cancel()
        timer = nil
        armedDeadline = nil
        attemptChannel?.close(promise: nil)
        publish()
        return wasConnected?.closeFuture ?? eventLoop.makeSucceededVoidFuture()
    }

    func setRoutes(_ routes: [IPPrefix: BGPRouteAttributes]) {
        rib.setDesired(routes)
        syncRoutes()
        publish()
    }

    /// Feeds one event and carries out what the machine answers.
    func step(_ event: BGPSessionEvent) {
        let actions = fsm.handle(event, now: now)
        perform(actions)
        rearm()
        publish()
    }

    func tick() {
        timer = nil
        armedDeadline = nil
        let actions = fsm.tick(now: now)
        perform(actions)
        rearm()
        publish()
    }

    private func perform(_ actions: [BGPSessionAction]) {
        for action in actions {
            switch action {
            case .connect:
                if !stopped { connect() }
            case .disconnect:
                disconnect()
            case .send(let message):
                send(message)
            case .established(let negotiated):
                established(negotiated)
            case .sessionDown(let reason):
                sessionDown(reason)
            }
        }
    }

    /// Arms one task for the machine's earliest deadline (none when nothing runs).
    private func rearm() {
        let deadline = stopped ? nil : fsm.nextDeadline
        guard deadline != armedDeadline else { return }
        timer?.cancel()
        timer = nil
        armedDeadline = deadline
        guard let deadline else { return }
        let (seconds, attoseconds) = deadline.components
        let at = origin + .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        timer = eventLoop.assumeIsolated().scheduleTask(deadline: at) { [self] in tick() }
    }

    // MARK: the connection

    /// The connection came up: it carries the session from now on.
    func connected(_ newChannel: any Channel) {
        channel = newChannel
        inbound = newChannel.allocator.buffer(capacity: 4096)
        decoder = BGPMessageDecoder(fourOctetAS: true)
        lastWrite = nil
        status.localAddress = newChannel.localAddress?.ipAddress
        logger.debug("BGP connection up", metadata: ["bgp.local": "\(status.localAddress ?? "?")"])
        step(.tcpConnectionSucceeded)
    }

    /// Bytes from the peer: split into messages, each fed to the machine in turn. Stops at the
    /// first error that closes the session (the rest of the stream is meaningless then).
    func received(_ bytes: inout ByteBuffer, generation: UInt64) {
        guard generation == self.generation, channel != nil else { return }
        inbound.writeBuffer(&bytes)
        while channel != nil, generation == self.generation {
            let message: BGPMessage?
            do {
                message = try decoder.parseStep(&inbound)
            } catch {
                logger.debug("BGP message from peer rejected", metadata: ["bgp.error": "\(error)"])
                step(.decodeError(error))
                if error.action == .sessionReset { break }
                continue
            }
            guard let message else { break }
            switch message {
            case .update(let update):
                status.updatesReceived += 1
                status.prefixesReceived += update.nlri.count + (update.attributes.mpReach?.nlri.count ?? 0)
            case .routeRefresh(let refresh):
                if fsm.state == .established, refresh.subtype == 0, let family = Self.family(afi: refresh.afi, safi: refresh.safi) {
                    rib.readvertise(family)
                }
            default:
                break
            }
            step(.messageReceived(message))
            if case .routeRefresh = message { syncRoutes() }
        }
        inbound.discardReadBytes()
    }

    /// The connection closed or failed under us.
    func connectionClosed(generation: UInt64) {
        guard generation == self.generation, channel != nil else { return }
        channel = nil
        logger.debug("BGP connection closed by the peer or the network")
        if fsm.state == .openSent {
            // The state machine goes back to Active without a sessionDown: name the reason here.
            status.lastError =
                "\(endpoint.address) closed the connection before sending its OPEN (is it configured for this address and AS?)"
        }
        step(.tcpConnectionFails)
    }

    func writabilityChanged(generation: UInt64) {
        guard generation == self.generation else { return }
        syncRoutes()
        publish()
    }

    private func send(_ message: BGPMessage) {
        guard let channel else { return }
        do {
            let bytes = try message.encoded()
            lastWrite = channel.writeAndFlush(bytes)
        } catch {
            logger.error("BGP message could not be encoded", metadata: ["bgp.error": "\(error)"])
        }
    }

    /// Closes the connection (after the bytes already written, such as a NOTIFICATION, left),
    /// or abandons the attempt in flight.
    func disconnect() {
        generation &+= 1
        if attemptInFlight {
            attemptInFlight = false
            if !stopped { noteConnectTimeout() }
            attemptChannel?.close(promise: nil)
        }
        attemptChannel = nil
        guard let closing = channel else { return }
        channel = nil
        context = nil
        status.localAddress = nil
        let afterWrites = lastWrite ?? eventLoop.makeSucceededVoidFuture()
        lastWrite = nil
        afterWrites.whenComplete { _ in closing.close(promise: nil) }
        // A peer that does not read never completes the write: close anyway, soon.
        eventLoop.scheduleTask(in: .seconds(2)) { closing.close(promise: nil) }
    }

    // MARK: session up and down

    private func established(_ negotiated: BGPNegotiatedSession) {
        guard let channel else { return }
        decoder.fourOctetAS = negotiated.fourOctetAS
        let local = channel.localAddress?.ipAddress.flatMap { IPAddress($0) }
        let context = BGPAdjRIBOut.Context(
            internalPeer: configuration.localAS == configuration.peerAS,
            localAS: configuration.localAS,
            fourOctetAS: negotiated.fourOctetAS,
            nextHopV4: nextHopV4 ?? (local?.family == .ipv4 ? local : nil),
            nextHopV6: nextHopV6 ?? (local?.family == .ipv6 ? local : nil),
            ipv4Negotiated: negotiated.ipv4Unicast,
            ipv6Negotiated: negotiated.ipv6Unicast)
        self.context = context
        endOfRIBPending = [.ipv4, .ipv6].filter { $0 == .ipv4 ? negotiated.ipv4Unicast : negotiated.ipv6Unicast }
        rib.resetSession()
        status.sessionsEstablished += 1
        status.establishedSince = Date()
        logger.info(
            "BGP session established",
            metadata: [
                "bgp.holdTime": "\(negotiated.holdTime)", "bgp.fourOctetAS": "\(negotiated.fourOctetAS)",
                "bgp.ipv4": "\(negotiated.ipv4Unicast)", "bgp.ipv6": "\(negotiated.ipv6Unicast)",
            ])
        syncRoutes()
    }

    private func sessionDown(_ reason: BGPSessionDownReason) {
        // RFC 4271 section 9.1.5 / 3.2: a peer drops everything learned over a closed session.
        rib.resetSession()
        context = nil
        endOfRIBPending = []
        status.establishedSince = nil
        if reason != .administrativeStop || status.lastError == nil {
            status.lastError = reason.description
        }
        logger.info("BGP session down", metadata: ["bgp.reason": "\(reason)"])
    }

    /// Sends what the peer lacks, batch by batch, while the connection is writable; then, once
    /// after the first full table of a session, End-of-RIB for each negotiated family (RFC 4724
    /// section 2). Unsendable families are noted in `lastError`.
    func syncRoutes() {
        guard let channel, let context, fsm.state == .established else { return }
        var wrote = false
        while channel.isWritable {
            let messages: [ByteBuffer]
            do {
                messages = try rib.nextBatch(in: context, limit: Self.batchLimit, byteLimit: Self.batchByteLimit)
            } catch {
                // Only oversized attributes (thousands of communities) get here: say so, keep the session.
                status.lastError = "routes could not be encoded: \(error)"
                logger.error("BGP UPDATE could not be encoded", metadata: ["bgp.error": "\(error)"])
                break
            }
            if messages.isEmpty {
                for family in endOfRIBPending {
                    if let bytes = try? BGPMessage.update(.endOfRIB(family)).encoded() {
                        channel.write(bytes, promise: nil)
                        status.updatesSent += 1
                        wrote = true
                    }
                }
                endOfRIBPending = []
                break
            }
            for bytes in messages { lastWrite = channel.write(bytes) }
            status.updatesSent += messages.count
            wrote = true
        }
        if wrote {
            channel.flush()
            perform(fsm.handle(.updateSent, now: now))
            rearm()
        }
        noteBlocked(context)
    }

    private func noteBlocked(_ context: BGPAdjRIBOut.Context) {
        let blocked = rib.blocked(in: context)
        let note = blocked.isEmpty
            ? nil : blocked.map { "\($0.count) \($0.family) prefixes not advertised: \($0.reason)" }.joined(separator: "; ")
        if note != blockedNote {
            blockedNote = note
            if let note {
                status.lastError = note
                logger.warning("BGP routes not advertised", metadata: ["bgp.reason": "\(note)"])
            }
        }
    }

    func publish() {
        status.state = fsm.state
        status.negotiated = fsm.negotiated
        status.prefixesAdvertised = rib.advertised.count
        status.pendingPrefixes = rib.pendingCount
        if fsm.state != .established { status.establishedSince = nil }
        published.update(status)
    }

    static func family(afi: UInt16, safi: UInt8) -> IPFamily? {
        switch (afi, safi) {
        case (1, 1): .ipv4
        case (2, 1): .ipv6
        default: nil
        }
    }
}
