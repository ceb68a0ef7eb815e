/// The validated, internal configuration. It is produced only by `ConfigParser.parse(_:)` (the
/// YAML schema lives apart from this model, in `RawConfig`), so every value here has already been
/// checked: ranges do not overlap, names are unique, numbers are in range.
public struct Config: Sendable, Hashable {
    /// Address pools in the order the ConfigMap lists them (the order matters: automatic
    /// allocation tries pools in this order, as MetalLB does).
    public var pools: [AddressPool]
    public var peers: [BGPPeer]
    /// `bgp-communities`: alias name -> community.
    public var communityAliases: [String: BGPCommunity]
    public var bfdProfiles: [BFDProfile]
    /// `bgp-communities` aliases whose value is a large community (`large:GLOBAL:LOCAL1:LOCAL2`,
    /// an IronLB extension): alias name -> large community.
    public var largeCommunityAliases: [String: BGPLargeCommunity] = [:]

    public init(
        pools: [AddressPool] = [], peers: [BGPPeer] = [], communityAliases: [String: BGPCommunity] = [:],
        bfdProfiles: [BFDProfile] = []
    ) {
        self.pools = pools
        self.peers = peers
        self.communityAliases = communityAliases
        self.bfdProfiles = bfdProfiles
    }

    public func pool(named name: String) -> AddressPool? { pools.first { $0.name == name } }

    /// The pool whose ranges hold `address`, if any (pools never overlap, so at most one).
    public func pool(containing address: IPAddress) -> AddressPool? {
        pools.first { $0.contains(address) }
    }
}

/// How a pool's addresses are made reachable.
public enum PoolProtocol: String, Sendable, Hashable, Codable, CaseIterable {
    /// One elected node answers ARP/NDP for each IP.
    case layer2
    /// Every eligible node advertises a route over BGP.
    case bgp
}

/// One `address-pools[]` entry.
public struct AddressPool: Sendable, Hashable {
    public var name: String
    public var `protocol`: PoolProtocol
    /// The pool's addresses, as given (CIDRs are stored as their ranges), in the order listed.
    public var ranges: [IPRange]
    /// `auto-assign` (default true): whether Services that ask for no pool and no IP may get an
    /// address from this pool.
    public var autoAssign: Bool
    /// `avoid-buggy-ips` (default false): never hand out IPv4 addresses ending in .0 or .255.
    public var avoidBuggyIPs: Bool
    /// `bgp-advertisements` (bgp pools only). Empty means one default advertisement: the /32 or
    /// /128 of each IP with no communities, as MetalLB does.
    public var bgpAdvertisements: [BGPAdvertisement]
    /// IronLB extension `interfaces` (layer2 only): announce only on these interfaces. Empty
    /// means every interface that has an address in the IP's subnet.
    public var interfaces: [String]
    /// IronLB extension `node-selectors`: which nodes may announce this pool's IPs. Empty means
    /// every node. A node matches if it matches any one selector.
    public var nodeSelectors: [LabelSelector]
    /// IronLB extension `namespaces`: which namespaces may use this pool. Empty means all.
    public var namespaces: [String]

    public init(
        name: String, protocol: PoolProtocol, ranges: [IPRange], autoAssign: Bool = true,
        avoidBuggyIPs: Bool = false, bgpAdvertisements: [BGPAdvertisement] = [], interfaces: [String] = [],
        nodeSelectors: [LabelSelector] = [], namespaces: [String] = []
    ) {
        self.name = name
        self.protocol = `protocol`
        self.ranges = ranges
        self.autoAssign = autoAssign
        self.avoidBuggyIPs = avoidBuggyIPs
        self.bgpAdvertisements = bgpAdvertisements
        self.interfaces = interfaces
        self.nodeSelectors = nodeSelectors
        self.namespaces = namespaces
    }

    public func contains(_ address: IPAddress) -> Bool {
        ranges.contains { $0.contains(address) }
    }

    /// Whether Services in `namespace` may take addresses from this pool.
    public func allows(namespace: String) -> Bool {
        namespaces.isEmpty || namespaces.contains(namespace)
    }

    /// The families this pool has addresses of.
    public var families: Set<IPFamily> { Set(ranges.map(\.family)) }

    /// Addresses of `family` this pool can hand out (buggy IPs excluded when avoided), exact.
    public func usableCount(_ family: IPFamily) -> AddressCount {
        var total = AddressCount.zero
        for r in ranges where r.family == family {
            total += r.count
            if avoidBuggyIPs { total -= r.buggyIPv4Count }
        }
        return total
    }
}

/// One `bgp-advertisements[]` entry of a bgp pool.
public struct BGPAdvertisement: Sendable, Hashable {
    /// Prefix length advertised for IPv4 addresses (default 32).
    public var aggregationLength: Int
    /// Prefix length advertised for IPv6 addresses (default 128).
    public var aggregationLengthV6: Int
    /// LOCAL_PREF (iBGP sessions only); nil means not set.
    public var localPref: UInt32?
    /// Resolved communities (aliases already replaced by their values).
    public var communities: [BGPCommunity]
    /// Resolved large communities (RFC 8092), an IronLB extension written `large:a:b:c`.
    public var largeCommunities: [BGPLargeCommunity]

    public init(
        aggregationLength: Int = 32, aggregationLengthV6: Int = 128, localPref: UInt32? = nil,
        communities: [BGPCommunity] = [], largeCommunities: [BGPLargeCommunity] = []
    ) {
        self.aggregationLength = aggregationLength
        self.aggregationLengthV6 = aggregationLengthV6
        self.localPref = localPref
        self.communities = communities
        self.largeCommunities = largeCommunities
    }
}

/// An RFC 1997 community, written `ASN:VALUE` with both halves 0-65535.
public struct BGPCommunity: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: UInt32

    public init(value: UInt32) { self.value = value }
    public init(asn: UInt16, local: UInt16) { self.value = UInt32(asn) << 16 | UInt32(local) }

    public var asn: UInt16 { UInt16(value >> 16) }
    public var local: UInt16 { UInt16(value & 0xFFFF) }
    public var description: String { "\(asn):\(local)" }

    public static func < (a: BGPCommunity, b: BGPCommunity) -> Bool { a.value < b.value }
}

/// An RFC 8092 large community, `GLOBAL:LOCAL1:LOCAL2`, each 32 bits.
public struct BGPLargeCommunity: Sendable, Hashable, CustomStringConvertible {
    public var global: UInt32
    public var local1: UInt32
    public var local2: UInt32

    public init(global: UInt32, local1: UInt32, local2: UInt32) {
        self.global = global
        self.local1 = local1
        self.local2 = local2
    }

    public var description: String { "\(global):\(local1):\(local2)" }
}

/// One `peers[]` entry.
public struct BGPPeer: Sendable, Hashable {
    /// A stable name for logs, metrics and lbctl: the `name` key if given (IronLB extension),
    /// else `ADDRESS:PORT`.
    public var name: String
    public var peerAddress: IPAddress
    public var peerASN: UInt32
    public var myASN: UInt32
    /// TCP port (default 179).
    public var peerPort: UInt16
    /// Hold time in seconds (default 90; 0 means no keepalives, RFC 4271 section 4.2).
    public var holdTime: Int
    /// Keepalive interval in seconds (default hold time / 3).
    public var keepaliveTime: Int
    /// BGP identifier; nil means the node's address.
    public var routerID: IPAddress?
    /// Source address of the TCP connection; nil lets the kernel choose.
    public var sourceAddress: IPAddress?
    /// TCP MD5 signature key (RFC 2385); nil means none.
    public var password: String?
    /// Raise the TTL for an eBGP peer that is not directly connected.
    public var ebgpMultihop: Bool
    /// Name of a `bfd-profiles` entry (accepted for compatibility; BFD is not run).
    public var bfdProfile: String?
    /// Which nodes open a session to this peer; empty means every node.
    public var nodeSelectors: [LabelSelector]

    public var isIBGP: Bool { peerASN == myASN }

    public init(
        name: String, peerAddress: IPAddress, peerASN: UInt32, myASN: UInt32, peerPort: UInt16 = 179,
        holdTime: Int = 90, keepaliveTime: Int = 30, routerID: IPAddress? = nil, sourceAddress: IPAddress? = nil,
        password: String? = nil, ebgpMultihop: Bool = false, bfdProfile: String? = nil,
        nodeSelectors: [LabelSelector] = []
    ) {
        self.name = name
        self.peerAddress = peerAddress
        self.peerASN = peerASN
        self.myASN = myASN
        self.peerPort = peerPort
        self.holdTime = holdTime
        self.keepaliveTime = keepaliveTime
        self.routerID = routerID
        self.sourceAddress = sourceAddress
        self.password = password
        self.ebgpMultihop = ebgpMultihop
        self.bfdProfile = bfdProfile
        self.nodeSelectors = nodeSelectors
    }
}

/// One `bfd-profiles[]` entry. Parsed and validated for MetalLB compatibility; IronLB does not
/// run BFD (its own membership protocol gives sub-second failure detection in layer 2).
public struct BFDProfile: Sendable, Hashable {
    public var name: String
    public var receiveInterval: Int?
    public var transmitInterval: Int?
    public var detectMultiplier: Int?
    public var echoInterval: Int?
    public var echoMode: Bool?
    public var passiveMode: Bool?
    public var minimumTTL: Int?

    public init(
        name: String, receiveInterval: Int? = nil, transmitInterval: Int? = nil, detectMultiplier: Int? = nil,
        echoInterval: Int? = nil, echoMode: Bool? = nil, passiveMode: Bool? = nil, minimumTTL: Int? = nil
    ) {
        self.name = name
        self.receiveInterval = receiveInterval
        self.transmitInterval = transmitInterval
        self.detectMultiplier = detectMultiplier
        self.echoInterval = echoInterval
        self.echoMode = echoMode
        self.passiveMode = passiveMode
        self.minimumTTL = minimumTTL
    }
}
