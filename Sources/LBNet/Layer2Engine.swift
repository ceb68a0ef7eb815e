import LBCore
import LBProtocols
import LBWire
import NIOCore

/// The decisions of layer-2 announcing on one interface, with no I/O: which received frame gets
/// which reply, which gratuitous frames are due, which multicast groups must be joined, and the
/// counters. `Layer2Announcer` is the thin shell that carries these out on a `PacketSocket`.
///
/// Time is passed in (`at:`), so tests drive the gratuitous schedule without sleeping.
public struct Layer2Engine: Sendable {
    public typealias Instant = ContinuousClock.Instant

    public let mac: MACAddress
    public private(set) var arp: ARPResponder
    public private(set) var ndp: NDPResponder
    private var schedule: GratuitousSchedule<Instant>
    /// Public so the shell can count what it actually managed to send.
    public var counters = Layer2Counters()
    /// The most recent foreign claim on an owned IP (`.noConflict` until one is seen).
    public private(set) var lastForeignAnswer: ForeignAnswer = .noConflict
    /// Foreign claims not yet collected by `drainForeignAnswers()`, oldest first, at most
    /// `foreignAnswerBacklog` (older ones are dropped; `counters` still counts every claim).
    public private(set) var pendingForeignAnswers: [ForeignAnswer] = []
    /// How many uncollected foreign claims are kept: a host flooding conflicting replies must
    /// not grow memory; the reporter only needs to know who claims what.
    public static let foreignAnswerBacklog = 64

    /// The gratuitous frames for one IP (both ARP forms, or one unsolicited NA).
    public struct Announcement: Sendable {
        public let ip: IPAddress
        public let frames: [ByteBuffer]
    }

    /// A reply to send, and the owned IP it answers for (nil only if the request could not be
    /// decoded a second time, which the responders' own decoding rules out).
    public struct Reply: Sendable {
        public let frame: ByteBuffer
        public let ip: IPAddress?
    }

    public init(mac: MACAddress, timing: GratuitousTiming = .default) {
        self.mac = mac
        self.arp = ARPResponder(interfaceMAC: mac)
        self.ndp = NDPResponder(interfaceMAC: mac)
        self.schedule = GratuitousSchedule(timing: timing)
    }

    public var ownedIPs: Set<IPAddress> { arp.ownedIPs.union(ndp.ownedIPs) }

    /// The link-layer multicast groups the interface must be in: the solicited-node MAC
    /// (RFC 4861 section 7.2.1, RFC 2464 section 7) of every owned IPv6 address.
    public var wantedGroups: Set<MACAddress> { Set(ndp.ownedIPs.compactMap { MACAddress(solicitedNodeOf: $0) }) }

    /// When `due(at:)` next has something to send, or nil when no announcement is pending.
    public var nextDeadline: Instant? { schedule.nextDeadline }

    /// Replaces the owned set. Removed IPs are no longer answered from this call on and their
    /// pending gratuitous repeats are cancelled; new ones start their schedule at `now`. Returns
    /// the gratuitous frames due at once (the schedule's first offset is zero).
    public mutating func setOwned(_ ips: Set<IPAddress>, at now: Instant) -> [ByteBuffer] {
        replaceOwned(ips, at: now).flatMap(\.frames)
    }

    /// `setOwned`, with the frames grouped per IP (for per-IP counters).
    public mutating func replaceOwned(_ ips: Set<IPAddress>, at now: Instant) -> [Announcement] {
        let before = ownedIPs
        arp.ownedIPs = ips.filter { $0.family == .ipv4 }
        ndp.ownedIPs = ips.filter { $0.family == .ipv6 }
        for ip in before.subtracting(ips) { schedule.lost(ip) }
        for ip in ips.subtracting(before) { schedule.took(ip, at: now) }
        return dueAnnouncements(at: now)
    }

    /// Gratuitous ARP (request and reply forms) / unsolicited NA frames due at `now`.
    public mutating func due(at now: Instant) -> [ByteBuffer] {
        dueAnnouncements(at: now).flatMap(\.frames)
    }

    /// `due(at:)`, grouped per IP.
    public mutating func dueAnnouncements(at now: Instant) -> [Announcement] {
        guard let deadline = schedule.nextDeadline, deadline <= now else { return [] }
        let owned = ownedIPs
        return schedule.due(at: now).filter { owned.contains($0.ip) }.map {
            Announcement(ip: $0.ip, frames: GratuitousFrames.frames(announcing: $0.ip, from: mac))
        }
    }

    /// The foreign claims seen since the last call, oldest first (see `pendingForeignAnswers`).
    public mutating func drainForeignAnswers() -> [ForeignAnswer] {
        defer { pendingForeignAnswers = [] }
        return pendingForeignAnswers
    }

    /// What to do with one received frame: the reply to send, or nil (with the drop counted by
    /// reason). Never traps, whatever the bytes.
    public mutating func receive(_ frame: ByteBuffer, strippedVLAN: UInt16? = nil) -> ByteBuffer? {
        answer(frame, strippedVLAN: strippedVLAN)?.frame
    }

    /// `receive`, also naming the owned IP a reply answers for (counted in
    /// `counters.requestsReceivedByIP`).
    public mutating func answer(_ frame: ByteBuffer, strippedVLAN: UInt16? = nil) -> Reply? {
        counters.framesReceived += 1
        let decision: Layer2Decision
        let foreign: ForeignAnswer
        switch Self.etherType(of: frame) {
        case 0x0806:
            counters.arpFramesReceived += 1
            // The kernel took the tag off a frame that belongs to a VLAN sub-interface.
            if let strippedVLAN, strippedVLAN != arp.vlan {
                drop(.wrongVLAN(strippedVLAN))
                return nil
            }
            decision = arp.respond(to: frame)
            foreign = decision == .drop(.notRequest) ? arp.inspectForeignAnswer(frame) : .noConflict
        case 0x86DD:
            counters.ndpFramesReceived += 1
            if let strippedVLAN, strippedVLAN != ndp.vlan {
                drop(.wrongVLAN(strippedVLAN))
                return nil
            }
            decision = ndp.respond(to: frame)
            foreign = decision == .drop(.notRequest) ? ndp.inspectForeignAnswer(frame) : .noConflict
        default:
            counters.drops["unknownEtherType", default: 0] += 1
            return nil
        }
        if case .conflict(let ip, _) = foreign {
            counters.foreignAnswers += 1
            counters.foreignAnswersByIP[ip, default: 0] += 1
            lastForeignAnswer = foreign
            if pendingForeignAnswers.count >= Self.foreignAnswerBacklog { pendingForeignAnswers.removeFirst() }
            pendingForeignAnswers.append(foreign)
        }
        switch decision {
        case .reply(let reply):
            let ip = Self.requestedIP(in: frame)
            if let ip { counters.requestsReceivedByIP[ip, default: 0] += 1 }
            return Reply(frame: reply, ip: ip)
        case .drop(let reason):
            drop(reason)
            return nil
        }
    }

    /// The IP an ARP request or neighbor solicitation asks about (the responder has already
    /// decoded and accepted the frame; this reads the target again for the per-IP counters).
    static func requestedIP(in frame: ByteBuffer) -> IPAddress? {
        if let arp = try? ARPFrame(decoding: frame) { return arp.packet.targetIP }
        if let ndp = try? NDPFrame(decoding: frame), case .neighborSolicitation(let ns) = ndp.message { return ns.target }
        return nil
    }

    private mutating func drop(_ reason: Layer2DropReason) {
        counters.drops[reason.label, default: 0] += 1
    }

    /// EtherType after the MAC addresses and at most one 802.1Q/802.1ad tag; nil when too short.
    static func etherType(of frame: ByteBuffer) -> UInt16? {
        guard let type = frame.getInteger(at: frame.readerIndex + 12, as: UInt16.self) else { return nil }
        guard type == 0x8100 || type == 0x88A8 else { return type }
        return frame.getInteger(at: frame.readerIndex + 16, as: UInt16.self)
    }
}
