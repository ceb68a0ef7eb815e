import Foundation
import LBCore
import LBProtocols
import LBWire
import Logging
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The thin I/O shell of layer-2 announcing on one interface: it carries out what a
/// `Layer2Engine` decides (replies to ARP/NDP, gratuitous ARP / unsolicited NA, solicited-node
/// group membership) on a `PacketSocket`.
///
/// The receive loop is a dedicated thread blocked in poll(2) with a short timeout
/// (`pollInterval`), so `stop()` takes effect within that interval without a wake-up pipe, and
/// the gratuitous schedule (whose finest step is 250 ms) is served on time. Lifecycle:
/// `start()` once, `stop()` once; a stopped announcer cannot be restarted (its socket is closed).
/// The speaker drives announcers through `LBSpeaker.Layer2AnnouncementSink` (one per interface,
/// created on demand, stopped when the interface has no IPs left).
public final class Layer2Announcer: Sendable {
    enum Phase: Sendable { case idle, running, stopping, stopped }

    struct State: Sendable {
        var engine: Layer2Engine
        var joinedGroups: Set<MACAddress> = []
        var phase = Phase.idle
    }

    public let interface: String
    public let mac: MACAddress
    public let pollInterval: Duration
    private let socket: PacketSocket
    private let state: Mutex<State>
    private let finished = DispatchSemaphore(value: 0)
    private let logger: Logger

    /// Opens the interface's packet socket. Throws if the interface does not exist, has no
    /// Ethernet MAC, or the socket cannot be opened (needs CAP_NET_RAW).
    ///
    /// - Parameter pollInterval: 20 ms by default: short enough that `stop()` is prompt and the
    ///   250 ms gratuitous step is accurate, long enough that an idle announcer costs nothing
    ///   measurable.
    public init(
        interface: String, pollInterval: Duration = .milliseconds(20), timing: GratuitousTiming = .default,
        logger: Logger? = nil
    ) throws(LBNetError) {
        guard let info = try Interfaces.named(interface) else {
            throw LBNetError(operation: "lookup", interface: interface, errno: ENODEV)
        }
        guard let mac = info.mac else {
            throw LBNetError(operation: "SIOCGIFHWADDR (no Ethernet address)", interface: interface, errno: EAFNOSUPPORT)
        }
        self.interface = interface
        self.mac = mac
        self.pollInterval = pollInterval
        self.socket = try PacketSocket(interface: interface)
        self.state = Mutex(State(engine: Layer2Engine(mac: mac, timing: timing)))
        var logger = logger ?? Logger(label: "ironlb.layer2")
        logger[metadataKey: "l2.interface"] = "\(interface)"
        self.logger = logger
    }

    deinit { socket.close() }

    public var counters: Layer2Counters { state.withLock { $0.engine.counters } }
    public var ownedIPs: Set<IPAddress> { state.withLock { $0.engine.ownedIPs } }

    /// The foreign claims on owned IPs seen since the last call (see
    /// `Layer2Engine.drainForeignAnswers()`), for the speaker to report as events.
    public func drainForeignAnswers() -> [ForeignAnswer] {
        state.withLock { $0.engine.drainForeignAnswers() }
    }

    /// Replaces the set of IPs this interface answers for. Removed IPs stop being answered (and
    /// their gratuitous repeats stop) at once; newly owned IPs are announced immediately and then
    /// on the schedule; IPv6 ones get their solicited-node multicast group joined first, so a
    /// solicitation prompted by the announcement is not missed.
    public func setOwned(_ ips: Set<IPAddress>) {
        state.withLock { state in
            guard state.phase != .stopped else { return }
            let announcements = state.engine.replaceOwned(ips, at: .now)
            updateGroups(&state)
            sendGratuitous(announcements, &state)
        }
    }

    /// Starts the receive thread; later calls are no-ops.
    public func start() {
        let shouldStart = state.withLock { state -> Bool in
            guard state.phase == .idle else { return false }
            state.phase = .running
            return true
        }
        guard shouldStart else { return }
        let thread = Thread { [self] in self.run() }
        thread.name = "ironlb-l2-\(interface)"
        thread.start()
    }

    /// Stops answering at once, waits for the receive thread (about one `pollInterval`), leaves
    /// the multicast groups and closes the socket. Safe to call more than once, from any thread.
    public func stop() {
        let mustWait = state.withLock { state -> Bool in
            _ = state.engine.setOwned([], at: .now)
            switch state.phase {
            case .idle, .stopped:
                state.phase = .stopped
                return false
            case .running, .stopping:
                state.phase = .stopping
                return true
            }
        }
        if mustWait {
            // Turnstile: every concurrent caller waits for the single signal and passes it on.
            finished.wait()
            finished.signal()
        }
        state.withLock { state in
            state.phase = .stopped
            updateGroups(&state)
        }
        socket.close()
    }

    private func run() {
        let parts = pollInterval.components
        let timeoutMS = Int32(clamping: max(1, parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000))
        while state.withLock({ $0.phase == .running }) {
            var pfd = pollfd(fd: socket.fileDescriptor, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, timeoutMS) > 0 { drain() }
            state.withLock { state in
                let announcements = state.engine.dueAnnouncements(at: .now)
                sendGratuitous(announcements, &state)
            }
        }
        finished.signal()
    }

    /// Reads every queued frame, at most 256 per wake-up so the schedule and the stop request are
    /// checked regularly even under a flood.
    private func drain() {
        for _ in 0..<256 {
            let received: PacketSocket.Received?
            do {
                received = try socket.receive()
            } catch {
                state.withLock { $0.engine.counters.receiveErrors += 1 }
                logger.debug("receive failed", metadata: ["l2.error": "\(error)"])
                return
            }
            guard let received else { return }
            state.withLock { state in
                let conflictsBefore = state.engine.counters.foreignAnswers
                guard let reply = state.engine.answer(received.frame, strippedVLAN: received.strippedVLAN) else {
                    if state.engine.counters.foreignAnswers != conflictsBefore,
                        case .conflict(let ip, let foreignMAC) = state.engine.lastForeignAnswer
                    {
                        logger.warning(
                            "foreign MAC answers for an owned IP",
                            metadata: ["l2.ip": "\(ip)", "l2.foreign_mac": "\(foreignMAC)"])
                    }
                    return
                }
                if send(reply.frame, &state) {
                    state.engine.counters.responsesSent += 1
                    if let ip = reply.ip { state.engine.counters.responsesSentByIP[ip, default: 0] += 1 }
                }
            }
        }
    }

    private func sendGratuitous(_ announcements: [Layer2Engine.Announcement], _ state: inout State) {
        for announcement in announcements {
            for frame in announcement.frames {
                guard send(frame, &state) else { continue }
                state.engine.counters.gratuitousSent += 1
                state.engine.counters.gratuitousSentByIP[announcement.ip, default: 0] += 1
            }
        }
    }

    /// Sends one frame; false (counted and logged) when the kernel refuses it.
    private func send(_ frame: ByteBuffer, _ state: inout State) -> Bool {
        do {
            try socket.send(frame)
            return true
        } catch {
            state.engine.counters.sendErrors += 1
            logger.warning("sending a frame failed", metadata: ["l2.error": "\(error)"])
            return false
        }
    }

    /// Brings the socket's multicast memberships in line with the engine's wanted groups.
    private func updateGroups(_ state: inout State) {
        let wanted = state.engine.wantedGroups
        for group in wanted.subtracting(state.joinedGroups) {
            do {
                try socket.setMulticastMembership(group, joined: true)
                state.joinedGroups.insert(group)
            } catch {
                logger.warning("joining multicast group failed", metadata: ["l2.error": "\(error)"])
            }
        }
        for group in state.joinedGroups.subtracting(wanted) {
            try? socket.setMulticastMembership(group, joined: false)
            state.joinedGroups.remove(group)
        }
    }
}
