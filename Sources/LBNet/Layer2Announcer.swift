import CLBNet
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
/// Receiving: one socket and one thread per CPU group (`receiveThreads`, by default one per CPU
/// up to 8), joined in a PACKET_FANOUT_CPU group, each thread pinned to the CPUs whose frames its
/// socket gets. A request is then answered by a thread on the CPU that received it, woken
/// locally: with one thread, the wake-up of a thread asleep on another (idle, halted) CPU was
/// most of the reply's latency (measured in a VM: 25-35 us of 50-85). The first thread also
/// serves the gratuitous schedule (whose finest step is 250 ms), polling with a short timeout
/// (`pollInterval`); the others sleep until a frame or `stop()` (an eventfd) wakes them.
/// Without fanout (an old kernel) it falls back to one socket and one unpinned thread.
/// Lifecycle: `start()` once, `stop()` once; a stopped announcer cannot be restarted (its sockets
/// are closed).
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
    /// The first socket sends the gratuitous frames and holds the multicast memberships; each
    /// socket's thread answers the requests it receives on it.
    private let sockets: [PacketSocket]
    private var socket: PacketSocket { sockets[0] }
    /// The CPUs each socket's thread is pinned to (nil: not pinned).
    private let cpuSets: [[UInt64]?]
    /// Written by `stop()` to wake every receive thread at once.
    private let wakeFD: Int32
    private let state: Mutex<State>
    private let finished = DispatchGroup()
    private let logger: Logger

    /// One receive thread per CPU, at most 8 (beyond that, each thread covers several CPUs).
    public static var defaultReceiveThreads: Int {
        var mask = [UInt64](repeating: 0, count: 16)
        let configured = mask.withUnsafeMutableBufferPointer { clbnet_allowed_cpus($0.baseAddress) }
        return max(1, min(8, Int(configured)))
    }

    /// Opens the interface's packet socket. Throws if the interface does not exist, has no
    /// Ethernet MAC, or the socket cannot be opened (needs CAP_NET_RAW).
    ///
    /// - Parameter pollInterval: 20 ms by default: short enough that `stop()` is prompt and the
    ///   250 ms gratuitous step is accurate, long enough that an idle announcer costs nothing
    ///   measurable.
    ///
    /// - Parameter receiveThreads: sockets and threads receiving requests (see the type's notes);
    ///   1 turns fanout off.
    public init(
        interface: String, pollInterval: Duration = .milliseconds(20), timing: GratuitousTiming = .default,
        receiveThreads: Int = Layer2Announcer.defaultReceiveThreads, logger: Logger? = nil
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
        var logger = logger ?? Logger(label: "ironlb.layer2")
        logger[metadataKey: "l2.interface"] = "\(interface)"
        self.logger = logger
        let wakeFD = clbnet_eventfd()
        guard wakeFD >= 0 else { throw .current("eventfd", interface) }
        let primary: PacketSocket
        do {
            primary = try PacketSocket(interface: interface)
        } catch {
            Glibc.close(wakeFD)
            throw error
        }
        self.wakeFD = wakeFD
        (self.sockets, self.cpuSets) = Self.fanOut(primary, count: receiveThreads, logger: logger)
        self.state = Mutex(State(engine: Layer2Engine(mac: mac, timing: timing)))
    }

    deinit {
        for socket in sockets { socket.close() }
        Glibc.close(wakeFD)
    }

    /// Adds `count - 1` sockets to a PACKET_FANOUT_CPU group with `primary` and works out which
    /// CPUs each one's thread belongs on: member i gets the frames of CPUs c with c % count == i.
    /// Any failure leaves `primary` alone (it then gets every frame), logged at debug.
    private static func fanOut(_ primary: PacketSocket, count: Int, logger: Logger) -> ([PacketSocket], [[UInt64]?]) {
        guard count > 1 else { return ([primary], [nil]) }
        var extra: [PacketSocket] = []
        do {
            let group = try primary.joinFanoutByCPU(group: 0)
            for _ in 1..<count {
                let member = try PacketSocket(interface: primary.interface)
                extra.append(member)
                try member.joinFanoutByCPU(group: group)
            }
        } catch {
            for member in extra { member.close() }
            logger.debug("one receive socket: PACKET_FANOUT is unavailable", metadata: ["l2.error": "\(error)"])
            return ([primary], [nil])
        }
        var allowed = [UInt64](repeating: 0, count: 16)
        let configured = allowed.withUnsafeMutableBufferPointer { clbnet_allowed_cpus($0.baseAddress) }
        var sets: [[UInt64]?] = []
        for member in 0..<count {
            var mask = [UInt64](repeating: 0, count: 16)
            var any = false
            for cpu in stride(from: member, to: min(Int(max(configured, 1)), 1024), by: count)
            where allowed[cpu / 64] & (1 << UInt64(cpu % 64)) != 0 {
                mask[cpu / 64] |= 1 << UInt64(cpu % 64)
                any = true
            }
            sets.append(any ? mask : nil)
        }
        return ([primary] + extra, sets)
    }

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
        for index in sockets.indices {
            finished.enter()
            let thread = Thread { [self] in self.run(index) }
            thread.name = "ironlb-l2-\(interface)-\(index)"
            thread.start()
        }
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
            _ = clbnet_eventfd_signal(wakeFD)
            finished.wait()
        }
        state.withLock { state in
            state.phase = .stopped
            updateGroups(&state)
        }
        for socket in sockets { socket.close() }
    }

    /// Thread `index`'s loop: answers what its socket receives; thread 0 also sends the
    /// gratuitous frames when due.
    private func run(_ index: Int) {
        defer { finished.leave() }
        if let cpus = cpuSets[index] {
            let pinned = cpus.withUnsafeBufferPointer { clbnet_pin_thread($0.baseAddress) }
            if pinned != 0 { logger.debug("receive thread not pinned", metadata: ["l2.thread": "\(index)", "l2.errno": "\(errno)"]) }
        }
        let parts = pollInterval.components
        let timeoutMS: Int32 =
            index == 0 ? Int32(clamping: max(1, parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000)) : -1
        let socket = sockets[index]
        // Made once: an array literal here was a heap allocation on every wake-up, that is on
        // every ARP/NDP request.
        var fds = [
            pollfd(fd: socket.fileDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0),
        ]
        while state.withLock({ $0.phase == .running }) {
            fds[0].revents = 0
            fds[1].revents = 0
            if poll(&fds, 2, timeoutMS) > 0 && fds[0].revents != 0 { drain(socket) }
            guard index == 0 else { continue }
            state.withLock { state in
                let announcements = state.engine.dueAnnouncements(at: .now)
                sendGratuitous(announcements, &state)
            }
        }
    }

    /// Reads every frame queued on `socket`, at most 256 per wake-up so the schedule and the stop
    /// request are checked regularly even under a flood; replies go out on the same socket.
    private func drain(_ socket: PacketSocket) {
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
                if send(reply.frame, on: socket, &state) {
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

    /// Sends one frame (on the first socket unless told otherwise); false (counted and logged)
    /// when the kernel refuses it.
    private func send(_ frame: ByteBuffer, on socket: PacketSocket? = nil, _ state: inout State) -> Bool {
        let socket = socket ?? self.socket
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
