import LBCore

/// What one speaker does in layer 2 mode, for every IP of every Service IronLB handles: which node
/// announces it, whether this node does, and why not. Computed by `SpeakerCore.layer2Plan`, a pure
/// function of the cluster's state; every speaker computes the same owners from the same inputs.
///
/// The runtime announces exactly `announced` and uses the rest for logs, metrics, events and the
/// published `SpeakerState`.
public struct Layer2Plan: Sendable, Hashable {
    /// One IP of a layer2 pool.
    public struct Entry: Sendable, Hashable {
        public var ip: IPAddress
        /// The name of the layer2 pool the IP belongs to.
        public var pool: String
        /// The pool's `interfaces`: announce only on these; empty means every interface that has
        /// an address in the IP's subnet.
        public var interfaces: [String]
        /// The Services whose status holds the IP, sorted (several when the IP is shared).
        public var services: [ServiceKey]
        /// The policy the election used: `local` when any sharing Service has
        /// `externalTrafficPolicy: Local` (traffic for it must land on a node with its endpoint),
        /// `cluster` otherwise.
        public var trafficPolicy: ExternalTrafficPolicy
        /// The node that announces the IP, or nil when no node is eligible.
        public var owner: String?
        /// The eligible nodes, best first (`ranking.first == owner`); the IP moves to
        /// `ranking[1]` if the owner goes away.
        public var ranking: [String]
        /// Whether this node announces the IP (`owner == node`).
        public var announced: Bool
        /// Why this node does not announce the IP, most basic first; empty when it does, and
        /// when this node is not among the known Nodes (see `Layer2Plan.localNodeKnown`).
        public var reasons: [NotAnnouncingReason]

        public init(
            ip: IPAddress, pool: String, interfaces: [String], services: [ServiceKey],
            trafficPolicy: ExternalTrafficPolicy, owner: String?, ranking: [String], announced: Bool,
            reasons: [NotAnnouncingReason]
        ) {
            self.ip = ip
            self.pool = pool
            self.interfaces = interfaces
            self.services = services
            self.trafficPolicy = trafficPolicy
            self.owner = owner
            self.ranking = ranking
            self.announced = announced
            self.reasons = reasons
        }
    }

    /// An IP of one of our Services that no protocol handles (it is in no pool), and why.
    public struct Skipped: Sendable, Hashable {
        public var ip: IPAddress
        /// The Services whose status holds the IP, sorted.
        public var services: [ServiceKey]
        public var reason: Layer2SkipReason

        public init(ip: IPAddress, services: [ServiceKey], reason: Layer2SkipReason) {
            self.ip = ip
            self.services = services
            self.reason = reason
        }
    }

    /// The node this plan was computed for.
    public let node: String
    /// Whether this node was among the Nodes given. When it is not (its Node object is not in
    /// the cache yet, or was deleted) its labels and conditions are unknown, so it announces
    /// nothing; the other nodes' owners are still computed.
    public let localNodeKnown: Bool
    /// The layer2 IPs, sorted by address (IPv4 first).
    public let entries: [Entry]
    /// The IPs in no pool, sorted by address. (IPs of a bgp pool are in neither list: the BGP
    /// plan has them.)
    public let skipped: [Skipped]
    /// The IPs this node announces.
    public let announced: Set<IPAddress>
    /// Where each IP is, for O(1) look-ups.
    private let index: [IPAddress: Slot]

    private enum Slot: Sendable, Hashable {
        case entry(Int)
        case skipped(Int)
    }

    public init(node: String, localNodeKnown: Bool, entries: [Entry], skipped: [Skipped]) {
        self.node = node
        self.localNodeKnown = localNodeKnown
        self.entries = entries.sorted { $0.ip < $1.ip }
        self.skipped = skipped.sorted { $0.ip < $1.ip }
        var announced: Set<IPAddress> = []
        var index: [IPAddress: Slot] = [:]
        // Sized once: growing by doubling held the old and the new table at once (with 10,000
        // IPs, about a megabyte of the speaker's peak).
        index.reserveCapacity(self.entries.count + self.skipped.count)
        for (i, e) in self.entries.enumerated() {
            if e.announced { announced.insert(e.ip) }
            index[e.ip] = .entry(i)
        }
        for (i, s) in self.skipped.enumerated() where index[s.ip] == nil { index[s.ip] = .skipped(i) }
        self.announced = announced
        self.index = index
    }

    /// The layer2 entry for `ip`, or nil when the IP is skipped, not layer 2's, or unknown.
    public func entry(for ip: IPAddress) -> Entry? {
        guard case .entry(let i) = index[ip] else { return nil }
        return entries[i]
    }

    /// The skipped entry for `ip`, or nil when the IP is in a pool, or unknown.
    public func skipped(for ip: IPAddress) -> Skipped? {
        guard case .skipped(let i) = index[ip] else { return nil }
        return skipped[i]
    }

    /// The Services using `ip` (sorted), whether layer 2 announces it or not, to attribute an
    /// event about the IP (a conflicting MAC, a take-over) to the right objects. Empty when no
    /// Service of ours has the IP, or it is a bgp pool's.
    public func services(for ip: IPAddress) -> [ServiceKey] {
        switch index[ip] {
        case .entry(let i): entries[i].services
        case .skipped(let i): skipped[i].services
        case nil: []
        }
    }

    /// The entries this node announces, sorted by address.
    public var announcedEntries: [Entry] { entries.filter(\.announced) }
}
