import LBCore
import LBNet

/// The speaker's BGP decision for one node: which Service IPs of `bgp` pools this node
/// advertises, as which prefixes with which attributes, and to which configured peers.
///
/// Unlike layer 2 there is no single owner: every eligible node advertises, and the routers
/// spread traffic over them (ECMP). Eligibility is layer 2's (`Election.eligibleNodes`): live,
/// not `NetworkUnavailable`, not excluded by label, selected by the pool's `node-selectors`,
/// and for `externalTrafficPolicy: Local` holding a ready endpoint.
public struct BGPPlan: Sendable, Hashable {
    /// One IP of a bgp pool.
    public struct Entry: Sendable, Hashable {
        public var ip: IPAddress
        public var pool: String
        public var services: [ServiceKey]
        public var trafficPolicy: ExternalTrafficPolicy
        /// Whether this node advertises the IP.
        public var advertised: Bool
        /// Every node that advertises the IP, by name, sorted.
        public var advertisingNodes: [String]
        /// Why this node does not advertise it; empty when it does.
        public var reasons: [NotAnnouncingReason]
        /// The lengths of `prefixes`, distinct, in advertisement order. One array per pool and
        /// family, shared by its entries: an array of prefixes per entry was an allocation per
        /// IP (with 10,000 IPs, most of a megabyte).
        public var prefixLengths: [UInt8]

        /// The prefixes the IP is advertised as (one per distinct `aggregation-length` of the
        /// pool's `bgp-advertisements`); the same whether or not this node advertises.
        public var prefixes: [IPPrefix] { prefixLengths.compactMap { IPPrefix(address: ip, length: Int($0)) } }

        public init(
            ip: IPAddress, pool: String, services: [ServiceKey], trafficPolicy: ExternalTrafficPolicy,
            advertised: Bool, advertisingNodes: [String], reasons: [NotAnnouncingReason], prefixLengths: [UInt8]
        ) {
            self.ip = ip
            self.pool = pool
            self.services = services
            self.trafficPolicy = trafficPolicy
            self.advertised = advertised
            self.advertisingNodes = advertisingNodes
            self.reasons = reasons
            self.prefixLengths = prefixLengths
        }
    }

    /// The path attributes one prefix is advertised with: the type the sessions take, so the
    /// plan's route table goes to them as is (a converted copy of 10,000 routes was 1.2 MB).
    /// When several advertisements (or several IPs aggregated into one prefix) give the same
    /// prefix, their communities are merged and the highest LOCAL_PREF wins (`merge`), so the
    /// result does not depend on their order.
    public typealias RouteAttributes = BGPRouteAttributes

    /// A configured peer and whether this node opens a session to it.
    public struct PeerSelection: Sendable, Hashable {
        public var peer: BGPPeer
        /// False when the peer's `node-selectors` do not match this node's labels.
        public var selected: Bool
    }

    public let node: String
    /// Whether the speaker sees this node's Node object (without it the node advertises nothing).
    public let localNodeKnown: Bool
    /// Every IP of a bgp pool, sorted by address.
    public let entries: [Entry]
    /// What this node advertises: prefix to attributes (the adj-RIB-out every session sends).
    public let routes: [IPPrefix: RouteAttributes]
    /// Every configured peer, in config order, with whether this node talks to it.
    public let peers: [PeerSelection]

    public init(node: String, localNodeKnown: Bool, entries: [Entry], routes: [IPPrefix: RouteAttributes], peers: [PeerSelection]) {
        self.node = node
        self.localNodeKnown = localNodeKnown
        // The planner's entries come sorted: checking is a pass, sorting a copy of them all.
        var sorted = true
        for i in entries.indices.dropFirst() where !(entries[i - 1].ip < entries[i].ip) {
            sorted = false
            break
        }
        self.entries = sorted ? entries : entries.sorted { $0.ip < $1.ip }
        self.routes = routes
        self.peers = peers
    }

    /// The peers this node opens sessions to.
    public var selectedPeers: [BGPPeer] { peers.filter(\.selected).map(\.peer) }

    /// The IPs this node advertises.
    public var advertised: Set<IPAddress> { Set(entries.filter(\.advertised).map(\.ip)) }

    /// The entry for `ip`, if it is in a bgp pool.
    public func entry(for ip: IPAddress) -> Entry? {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].ip < ip { low = mid + 1 } else { high = mid }
        }
        return low < entries.count && entries[low].ip == ip ? entries[low] : nil
    }
}

extension SpeakerCore {
    /// Decides which Service IPs of bgp pools `node` advertises, as which routes, to which peers.
    /// Pure, like `layer2Plan`; same inputs, same meaning.
    ///
    /// `liveSpeakers` decides the other nodes' eligibility (for `advertisingNodes` and
    /// `lbctl`); this node counts as live, since a running speaker is the one advertising and a
    /// dead one's sessions drop (the routers withdraw its routes on their own).
    public static func bgpPlan(
        config: Config, services: [SpeakerService], readyEndpoints: [ServiceKey: Set<String>],
        nodes: [SpeakerNode], liveSpeakers: Set<String>, node: String
    ) -> BGPPlan {
        bgpPlan(
            config: config, shared: sharedIPs(services), readyEndpoints: readyEndpoints, nodes: nodes,
            liveSpeakers: liveSpeakers, node: node)
    }

    /// `bgpPlan` from `sharedIPs(services)` computed once for both plans (the runtime's way).
    static func bgpPlan(
        config: Config, shared: [SharedIP], readyEndpoints: [ServiceKey: Set<String>],
        nodes: [SpeakerNode], liveSpeakers: Set<String>, node: String
    ) -> BGPPlan {
        // Layer-2-only configs (the common case) skip the walk over every IP: this runs on each
        // recomputation, a layer 2 failover's included.
        let shared = config.pools.contains { $0.protocol == .bgp } ? shared : []
        var live = liveSpeakers
        live.insert(node)
        let facts = nodes.map { $0.facts(speakerLive: live.contains($0.name)) }
        let localNode = nodes.first { $0.name == node }
        var entries: [BGPPlan.Entry] = []
        var routes: [IPPrefix: BGPPlan.RouteAttributes] = [:]
        // Per pool, computed once: its advertisements' attributes (normalized) and, for
        // `Cluster` IPs, who is eligible: eligibility does not depend on the IP, only on the
        // pool and the nodes (with 10,000 IPs this is most of the plan's cost otherwise).
        var advertisementsByPool: [String: [(BGPAdvertisement, BGPPlan.RouteAttributes)]] = [:]
        var clusterEligibility: [String: (eligible: [String], reasons: [NotAnnouncingReason], advertised: Bool)] = [:]
        var lengthsByPool: [String: (v4: [UInt8], v6: [UInt8])] = [:]
        // In address order (as `shared` is), so the plan's own sort finds its input sorted.
        for (position, sharing) in shared.enumerated() {
            let ip = sharing.ip
            guard let pool = config.pool(containing: ip), pool.protocol == .bgp else { continue }
            let keys = sharing.services
            let local = sharing.localServices
            let policy = sharing.trafficPolicy
            let verdict: (eligible: [String], reasons: [NotAnnouncingReason], advertised: Bool)
            if policy == .cluster, let cached = clusterEligibility[pool.name] {
                verdict = cached
            } else {
                var ready: Set<String> = []
                for key in local { ready.formUnion(readyEndpoints[key] ?? []) }
                let input = ElectionInput(ip: ip, pool: pool, trafficPolicy: policy, nodesWithReadyEndpoints: ready)
                let eligibility = Election.eligibleNodes(input, nodes: facts)
                let advertised = eligibility.eligible.contains(node)
                verdict = (eligibility.eligible.sorted(), advertised ? [] : eligibility.reasons[node] ?? [], advertised)
                if policy == .cluster { clusterEligibility[pool.name] = verdict }
            }
            let advertisements: [(BGPAdvertisement, BGPPlan.RouteAttributes)]
            if let cached = advertisementsByPool[pool.name] {
                advertisements = cached
            } else {
                advertisements = (pool.bgpAdvertisements.isEmpty ? [BGPAdvertisement()] : pool.bgpAdvertisements).map {
                    var attributes = BGPPlan.RouteAttributes()
                    attributes.merge(
                        BGPPlan.RouteAttributes(
                            localPref: $0.localPref, communities: $0.communities, largeCommunities: $0.largeCommunities))
                    return ($0, attributes)
                }
                advertisementsByPool[pool.name] = advertisements
                lengthsByPool[pool.name] = (
                    Self.distinctLengths(advertisements.map(\.0.aggregationLength), family: .ipv4),
                    Self.distinctLengths(advertisements.map(\.0.aggregationLengthV6), family: .ipv6)
                )
            }
            if entries.isEmpty { entries.reserveCapacity(shared.count - position) }
            for (advertisement, attributes) in advertisements where verdict.advertised {
                let length = ip.family == .ipv4 ? advertisement.aggregationLength : advertisement.aggregationLengthV6
                guard let prefix = IPPrefix(address: ip, length: length) else { continue }
                // Sized at the first route (most often one per IP from here on): growing by
                // doubling held two tables at once, and sizing up front cost a table's worth
                // when this node advertises nothing.
                if routes.isEmpty { routes.reserveCapacity(shared.count - position) }
                if var existing = routes[prefix] {
                    if existing != attributes {
                        existing.merge(attributes)
                        routes[prefix] = existing
                    }
                } else {
                    routes[prefix] = attributes
                }
            }
            let lengths = lengthsByPool[pool.name]!
            entries.append(
                BGPPlan.Entry(
                    ip: ip, pool: pool.name, services: keys, trafficPolicy: policy, advertised: verdict.advertised,
                    advertisingNodes: verdict.eligible, reasons: verdict.reasons,
                    prefixLengths: ip.family == .ipv4 ? lengths.v4 : lengths.v6))
        }
        let labels = localNode?.labels ?? [:]
        let peers = config.peers.map {
            BGPPlan.PeerSelection(peer: $0, selected: localNode != nil && $0.nodeSelectors.matchesAny(labels))
        }
        return BGPPlan(node: node, localNodeKnown: localNode != nil, entries: entries, routes: routes, peers: peers)
    }

    /// The distinct valid lengths among `lengths`, in their order.
    private static func distinctLengths(_ lengths: [Int], family: IPFamily) -> [UInt8] {
        var result: [UInt8] = []
        for length in lengths where length >= 0 && length <= family.bitWidth && !result.contains(UInt8(length)) {
            result.append(UInt8(length))
        }
        return result
    }
}

extension BGPRouteAttributes {
    /// Merges another advertisement's attributes for the same prefix: communities united and
    /// sorted, the highest LOCAL_PREF.
    mutating func merge(_ other: BGPRouteAttributes) {
        if let p = other.localPref { localPref = max(localPref ?? p, p) }
        communities = Array(Set(communities).union(other.communities)).sorted()
        largeCommunities = Array(Set(largeCommunities).union(other.largeCommunities)).sorted {
            ($0.global, $0.local1, $0.local2) < ($1.global, $1.local1, $1.local2)
        }
    }
}
