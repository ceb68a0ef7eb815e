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
        let before = ownedIPs
        arp.ownedIPs = ips.filter { $0.family == .ipv4 }
        ndp.ownedIPs = ips.filter { $0.family == .ipv6 }
        for ip in before.subtracting(ips) { schedule.lost(ip) }
        for ip in ips.subtracting(before) { schedule.took(ip, at: now) }
        return due(at: now)
    }

    /// Gratuitous ARP (request and reply forms) / unsolicited NA frames due at `now`.
    public mutating func due(at now: Instant) -> [ByteBuffer] {
        guard let deadline = schedule.nextDeadline, deadline <= now else { return [] }
        let owned = ownedIPs
        return schedule.due(at: now).filter { owned.contains($0.ip) }.flatMap {
            GratuitousFrames.frames(announcing: $0.ip, from: mac)
        }
    }

    /// What to do with one received frame: the reply to send, or nil (with the drop counted by
    /// reason). Never traps, whatever the bytes.
    public mutating func receive(_ frame: ByteBuffer, strippedVLAN: UInt16? = nil) -> ByteBuffer? {
        counters.framesReceived += 1
        let decision: Layer2Decision
        let foreign: ForeignAnswer
        switch Self.etherType(of: frame) {
        case 0x0806:
            counters.arpFramesReceived += 1
            // The kernel took the tag off a frame that belongs to a VLAN sub-interface.
            if let strippedVLAN, strippedVLAN != arp.vlan { return drop(.wrongVLAN(strippedVLAN)) }
            decision = arp.respond(to: frame)
            foreign = decision == .drop(.notRequest) ? arp.inspectForeignAnswer(frame) : .noConflict
        case 0x86DD:
            counters.ndpFramesReceived += 1
            if let strippedVLAN, strippedVLAN != ndp.vlan { return drop(.wrongVLAN(strippedVLAN)) }
            decision = ndp.respond(to: frame)
            foreign = decision == .drop(.notRequest) ? ndp.inspectForeignAnswer(frame) : .noConflict
        default:
            counters.drops["unknownEtherType", default: 0] += 1
            return nil
        }
        if case .conflict = foreign {
            counters.foreignAnswers += 1
            lastForeignAnswer = foreign
        }
        switch decision {
        case .reply(let reply): return reply
        case .drop(let reason): return drop(reason)
        }
    }

    private mutating func drop(_ reason: Layer2DropReason) -> ByteBuffer? {
        counters.drops[reason.label, default: 0] += 1
        return nil
    }

    /// EtherType after the MAC addresses and at most one 802.1Q/802.1ad tag; nil when too short.
    static func etherType(of frame: ByteBuffer) -> UInt16? {
        guard let type = frame.getInteger(at: frame.readerIndex + 12, as: UInt16.self) else { return nil }
        guard type == 0x8100 || type == 0x88A8 else { return type }
        return frame.getInteger(at: frame.readerIndex + 16, as: UInt16.self)
    }
}
