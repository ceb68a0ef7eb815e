#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LBCore
import LBProtocols
import Logging
import NIOCore

/// Drives one `Membership` on one event loop: every input (a datagram, the timer, a new peer
/// list, leave) is a *step* that feeds the state machine, carries out its actions, publishes the
/// outcome and re-arms the timer for the machine's `nextDeadline`. Confined to the event loop
/// (reached through `NIOLoopBound`), so the state machine needs no lock and steps never overlap.
final class MembershipEngine {
    private var membership: Membership
    private let eventLoop: any EventLoop
    private let published: MembershipPublishedState
    private let logger: Logger
    /// Owned by the NIO channel once registered; written only while `socketOpen`.
    private let fd: CInt
    private let socketFamily: IPFamily
    /// The state machine's clock origin: its time is `ContinuousClock.now - origin`.
    private let origin = ContinuousClock.now

    /// False once the transport is closing or the channel is gone: nothing is sent after that
    /// (the descriptor number may be reused) and the timer stays disarmed.
    private var socketOpen = true
    private var started = false
    private var timer: Scheduled<Void>?
    private var armedDeadline: Duration?
    private var counters = MembershipTransportCounters()
    /// The newest membership event already counted (events are kept in a bounded history).
    private var lastCountedEvent: MembershipEvent?

    init(
        membership: Membership, fd: CInt, socketFamily: IPFamily, eventLoop: any EventLoop,
        published: MembershipPublishedState, logger: Logger
    ) {
        self.membership = membership
        self.fd = fd
        self.socketFamily = socketFamily
        self.eventLoop = eventLoop
        self.published = published
        self.logger = logger
        self.lastCountedEvent = membership.events.last
    }

    private func now() -> Duration { ContinuousClock.now - origin }

    // MARK: - Inputs (all on the event loop)

    /// First step: the state machine's first deadline is "now" (send the first heartbeats).
    func start() {
        eventLoop.assertInEventLoop()
        guard !started, socketOpen else { return }
        started = true
        rearm()
    }

    func received(_ datagram: ByteBuffer, from source: SocketAddress) {
        eventLoop.assertInEventLoop()
        guard socketOpen else { return }
        var result = ReceiveResult.accepted([])
        step { m, now in
            result = m.receive(datagram, now: now)
            return result.actions
        }
        if let reason = result.dropReason, logger.logLevel <= .debug {
            logger.debug(
                "membership datagram dropped",
                metadata: [
                    "membership.reason": "\(reason)", "membership.source": "\(source)",
                    "membership.bytes": "\(datagram.readableBytes)",
                ])
        }
    }

    func setPeers(_ peers: [String: PeerAddress]) {
        eventLoop.assertInEventLoop()
        guard socketOpen else { return }
        step { m, now in m.setPeers(peers, now: now) }
    }

    /// Sends the state machine's leave copies; each `sendto` has returned when this does.
    func leave() {
        eventLoop.assertInEventLoop()
        guard socketOpen, !membership.hasLeft else { return }
        step { m, now in m.leave(now: now) }
        logger.debug("membership left", metadata: ["membership.node": "\(membership.selfName)"])
    }

    /// A read error the channel survived (NIO closes the channel itself on fatal ones).
    func readError(_ error: any Error) {
        eventLoop.assertInEventLoop()
        counters.receiveErrors += 1
        publish(live: nil, eventsChanged: false)
        logger.debug("membership socket read error", metadata: ["membership.error": "\(error)"])
    }

    /// The transport is closing or the channel went away: stop sending and ticking.
    func stop() {
        eventLoop.assertInEventLoop()
        socketOpen = false
        timer?.cancel()
        timer = nil
        armedDeadline = nil
        published.finish()
    }

    // MARK: - Steps

    private func step(_ body: (inout Membership, Duration) -> [MembershipAction]) {
        let actions = body(&membership, now())
        var live: Set<String>?
        for action in actions {
            switch action {
            case .send(let datagram, let peer): send(datagram, to: peer)
            case .membershipChanged(let set): live = set
            }
        }
        let eventsChanged = countNewEvents()
        if let live {
            logger.debug("membership live set changed", metadata: ["membership.live": "\(live.sorted())"])
        }
        publish(live: live, eventsChanged: eventsChanged)
        rearm()
    }

    private func send(_ datagram: ByteBuffer, to peer: PeerAddress) {
        guard socketOpen else { return }
        let error = MembershipSocket.send(fd, socketFamily: socketFamily, datagram, to: peer)
        if error == 0 {
            counters.datagramsSent += 1
            return
        }
        counters.sendErrors += 1
        logger.debug(
            "membership send failed",
            metadata: [
                "membership.peer": "\(peer)", "membership.errno": "\(error)",
                "membership.error": "\(String(cString: strerror(error)))",
            ])
    }

    /// Counts the events recorded since the last step. Exact unless one step records more
    /// events than `config.eventHistory` keeps (then the overflow goes uncounted).
    private func countNewEvents() -> Bool {
        let events = membership.events
        guard events.last != lastCountedEvent else { return false }
        let fresh: ArraySlice<MembershipEvent>
        if let last = lastCountedEvent, let index = events.lastIndex(of: last) {
            fresh = events[(index + 1)...]
        } else {
            fresh = events[...]
        }
        for event in fresh {
            switch event.kind {
            case .died: counters.failovers += 1
            case .joined: counters.joins += 1
            case .left: counters.leaves += 1
            case .restarted: counters.restarts += 1
            case .removed: break
            }
            logger.debug(
                "membership peer \(event.kind.rawValue)",
                metadata: ["membership.peer": "\(event.node)", "membership.incarnation": "\(event.incarnation)"])
        }
        lastCountedEvent = events.last
        return true
    }

    private func publish(live: Set<String>?, eventsChanged: Bool) {
        counters.accepted = membership.acceptedCount
        counters.drops = membership.dropCounts
        published.update(live: live, counters: counters, events: eventsChanged ? membership.events : nil)
    }

    // MARK: - Timer

    /// Arms the timer for `nextDeadline` unless it already is. The deadline is converted to a
    /// delay at arming time: NIO's timers run on its own monotonic clock, and a relative delay
    /// stays right even if the two clocks drift apart (after a suspend, say).
    private func rearm() {
        guard started, socketOpen, let deadline = membership.nextDeadline else {
            timer?.cancel()
            timer = nil
            armedDeadline = nil
            return
        }
        if timer != nil, armedDeadline == deadline { return }
        timer?.cancel()
        let (seconds, attoseconds) = max(deadline - now(), .zero).components
        let delay = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let engine = NIOLoopBound(self, eventLoop: eventLoop)
        armedDeadline = deadline
        timer = eventLoop.scheduleTask(in: delay) { engine.value.timerFired(deadline: deadline) }
    }

    private func timerFired(deadline: Duration) {
        timer = nil
        armedDeadline = nil
        guard socketOpen else { return }
        let lateness = now() - deadline
        if lateness > counters.maxTimerLateness { counters.maxTimerLateness = lateness }
        step { m, now in m.tick(now: now) }
    }
}
