/// The addresses a Service holds and where they came from.
public struct Assignment: Hashable, Sendable {
    public var service: ServiceKey { request.key }
    /// The pool every address came from.
    public var pool: String
    /// One address per family, IPv4 first.
    public var ips: [IPAddress]
    /// The request the addresses were given for (its sharing facts decide who may join).
    public var request: ServiceRequest

    public init(pool: String, ips: [IPAddress], request: ServiceRequest) {
        self.pool = pool
        self.ips = ips.sorted()
        self.request = request
    }

    public var profile: SharingProfile { SharingProfile(request) }
}

/// Addresses of one family in one pool: how many exist (exact, even for a /64) and how many are
/// held by at least one Service.
public struct FamilyUsage: Hashable, Sendable, Codable {
    public var total: AddressCount
    public var inUse: AddressCount
    public var free: AddressCount { total - inUse }

    public init(total: AddressCount, inUse: AddressCount) {
        self.total = total
        self.inUse = inUse
    }
}

/// Per-pool usage, per family.
public struct PoolUsage: Hashable, Sendable {
    public var pool: String
    public var ipv4: FamilyUsage
    public var ipv6: FamilyUsage

    public subscript(family: IPFamily) -> FamilyUsage { family == .ipv4 ? ipv4 : ipv6 }

    public var total: AddressCount { ipv4.total + ipv6.total }
    public var inUse: AddressCount { ipv4.inUse + ipv6.inUse }
}

/// What applying a new configuration did to existing assignments.
public struct ConfigChangeReport: Hashable, Sendable {
    /// Services whose addresses are all still valid under the new configuration.
    public var kept: [ServiceKey]
    /// Services that lost their addresses, with why. The caller reallocates them (another pool)
    /// or leaves them pending, and tells the user.
    public var evicted: [ServiceKey: AllocationError]
}
