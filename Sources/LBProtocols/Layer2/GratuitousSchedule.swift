import LBCore

/// When to send gratuitous ARP (both forms) and unsolicited Neighbor Advertisements for the
/// addresses this node has just taken over. Pure: the caller passes the time in (any
/// `InstantProtocol`, so tests use a fake clock), asks what is `due(at:)`, sends the frames of
/// `GratuitousFrames`, and sleeps until `nextDeadline`.
///
/// Why repeat at all: a neighbor only learns the new owner's MAC from a packet it receives.
/// - The first packet can be lost (a switch port still learning, a full queue), and a single
///   loss would leave every neighbor sending to the old, maybe dead, node until its cache
///   entry expires (tens of seconds): a second copy 250 ms later makes that window short.
/// - Linux keeps the first of several different answers for `locktime` (IPv4: 1 s,
///   `net.ipv4.neigh.*.locktime` = 100 centiseconds) and ignores a different MAC for an entry
///   updated within it, unless the packet is a gratuitous ARP in a form it recognises
///   (`arp_is_garp`); other stacks have similar hold-downs. Copies at +1 s, +2 s and +4 s land
///   after any such window opened by the old owner's last packet.
/// - Every copy also refreshes switches' MAC tables (the source MAC on this port) and reaches
///   hosts whose entry was in a probe state when the first copies went out.
/// After +4 s ordinary ARP/NDP traffic is answered by the responders and nothing more is needed.
///
/// IPv6 follows RFC 4861 section 7.2.6: "a node MAY send up to MAX_NEIGHBOR_ADVERTISEMENT
/// unsolicited Neighbor Advertisement messages to the all-nodes multicast address. These
/// advertisements MUST be separated by at least RetransTimer seconds." (section 10: 3
/// transmissions, 1 s): so by default immediately, +1 s and +2 s. Linux's IPv6 `locktime` is 0,
/// so one that arrives is used at once. IPv4 has no such limit; RFC 5227 section 3 sends two
/// announcements 2 s apart, which the IPv4 default covers.
///
/// An address lost (`lost(_:)`) stops at once: a node that no longer owns an IP must not tell
/// anyone it does. `took(_:at:)` for an address already held is a no-op, so a reconcile loop may
/// repeat it; a takeover after a loss starts a fresh series.
public struct GratuitousSchedule<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    struct Entry: Sendable {
        var takenAt: Instant
        var nextRound: Int
    }

    public let timing: GratuitousTiming
    private var held: [IPAddress: Entry] = [:]

    public init(timing: GratuitousTiming = .default) {
        self.timing = timing
    }

    /// This node now announces `ip`: its series starts at `now` (the first round, offset 0,
    /// is due at once). A no-op if `ip` is already held.
    public mutating func took(_ ip: IPAddress, at now: Instant) {
        guard held[ip] == nil else { return }
        held[ip] = Entry(takenAt: now, nextRound: 0)
    }

    /// This node no longer announces `ip`: nothing more is sent for it, from now on.
    public mutating func lost(_ ip: IPAddress) {
        held[ip] = nil
    }

    /// The announcements due at `now`, in address order, and the schedule moved past them.
    /// When the caller comes late and several rounds of one address are due, one announcement
    /// stands for all of them: a burst of stale copies helps no one.
    public mutating func due(at now: Instant) -> [GratuitousAnnouncement] {
        var out: [GratuitousAnnouncement] = []
        for (ip, entry) in held {
            let offsets = timing.offsets(for: ip.family)
            var round = entry.nextRound
            while round < offsets.count, entry.takenAt.advanced(by: offsets[round]) <= now { round += 1 }
            guard round > entry.nextRound else { continue }
            out.append(GratuitousAnnouncement(ip: ip, round: round - 1))
            held[ip]?.nextRound = round
        }
        return out.sorted { $0.ip < $1.ip }
    }

    /// When the next announcement falls due; nil when no series is running.
    public var nextDeadline: Instant? {
        held.compactMap { ip, entry -> Instant? in
            let offsets = timing.offsets(for: ip.family)
            guard entry.nextRound < offsets.count else { return nil }
            return entry.takenAt.advanced(by: offsets[entry.nextRound])
        }.min()
    }

    /// The addresses held (taken and not lost), whether or not their series has finished.
    public var heldIPs: Set<IPAddress> { Set(held.keys) }

    /// True while `ip` still has announcements to come.
    public func isAnnouncing(_ ip: IPAddress) -> Bool {
        guard let entry = held[ip] else { return false }
        return entry.nextRound < timing.offsets(for: ip.family).count
    }
}

/// One announcement to send now: for IPv4 both gratuitous ARP forms, for IPv6 one
/// unsolicited NA (`GratuitousFrames.frames(announcing:from:vlan:)`).
public struct GratuitousAnnouncement: Hashable, Sendable {
    public let ip: IPAddress
    /// Index into the family's offsets of the round this announcement stands for.
    public let round: Int

    public init(ip: IPAddress, round: Int) {
        self.ip = ip
        self.round = round
    }
}
