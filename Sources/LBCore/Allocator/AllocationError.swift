/// Why the allocator refused a Service. Every case renders to a sentence that says what is wrong
/// and what the user can change; `reason` is a short CamelCase tag for events and metrics.
public enum AllocationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The Service's own fields or annotations make no sense.
    case invalidRequest(String)
    /// No address pools are configured at all.
    case noPools
    /// The `address-pool` annotation names a pool that does not exist.
    case unknownPool(String, existing: [String])
    /// The pool's `namespaces` list does not include the Service's namespace.
    case namespaceNotAllowed(pool: String, namespace: String)
    /// A requested IP lies in no pool.
    case requestedIPNotInAnyPool(IPAddress)
    /// A requested IP lies in a pool other than the one the annotation names.
    case requestedIPNotInNamedPool(IPAddress, pool: String)
    /// Requested IPs lie in different pools.
    case requestedIPsInDifferentPools([IPAddress])
    /// A requested IP is held by Services this one cannot share with.
    case requestedIPInUse(IPAddress, by: [ServiceKey], why: String)
    /// A requested IP is .0 or .255 in a pool with `avoid-buggy-ips`.
    case requestedIPBuggy(IPAddress, pool: String)
    /// A requested IP's family is not one the Service has.
    case requestedIPWrongFamily(IPAddress, families: [IPFamily])
    /// The named pool has no free address of a family the Service needs.
    case poolExhausted(pool: String, family: IPFamily)
    /// The named pool has no address of a family the Service requires.
    case poolLacksFamily(pool: String, family: IPFamily)
    /// No auto-assign pool could serve the Service.
    case noPoolAvailable(families: [IPFamily], namespace: String, detail: String)
    /// Addresses a Service held (or its status showed) cannot be kept, e.g. after a config change.
    case addressesNotKept([IPAddress], why: String)

    /// A short tag for Kubernetes event messages and metric labels.
    public var reason: String {
        switch self {
        case .invalidRequest: "InvalidRequest"
        case .noPools: "NoPools"
        case .unknownPool: "UnknownPool"
        case .namespaceNotAllowed: "NamespaceNotAllowed"
        case .requestedIPNotInAnyPool, .requestedIPNotInNamedPool, .requestedIPsInDifferentPools: "RequestedIPNotInPool"
        case .requestedIPInUse: "RequestedIPInUse"
        case .requestedIPBuggy: "RequestedIPBuggy"
        case .requestedIPWrongFamily: "RequestedIPWrongFamily"
        case .poolExhausted: "PoolExhausted"
        case .poolLacksFamily: "PoolLacksFamily"
        case .noPoolAvailable: "NoPoolAvailable"
        case .addressesNotKept: "AddressNotKept"
        }
    }

    public var description: String {
        switch self {
        case .invalidRequest(let s):
            return s
        case .noPools:
            return "no address pools are configured; add an address-pools entry to the IronLB ConfigMap"
        case .unknownPool(let name, let existing):
            let list = existing.isEmpty ? "none" : existing.joined(separator: ", ")
            return "the address-pool annotation names pool \"\(name)\", which does not exist (pools: \(list))"
        case .namespaceNotAllowed(let pool, let ns):
            return "pool \"\(pool)\" does not allow namespace \"\(ns)\"; add it to the pool's namespaces list or use another pool"
        case .requestedIPNotInAnyPool(let ip):
            return "requested IP \(ip) is not in any address pool; add it to a pool or request an IP from one"
        case .requestedIPNotInNamedPool(let ip, let pool):
            return "requested IP \(ip) is not in pool \"\(pool)\" named by the address-pool annotation"
        case .requestedIPsInDifferentPools(let ips):
            return "requested IPs \(ips.map(\.description).joined(separator: ", ")) are in different pools; a Service's IPs must come from one pool"
        case .requestedIPInUse(let ip, let by, let why):
            return "requested IP \(ip) is in use by \(by.map(\.description).joined(separator: ", ")) and cannot be shared: \(why)"
        case .requestedIPBuggy(let ip, let pool):
            return "requested IP \(ip) ends in .0 or .255 and pool \"\(pool)\" sets avoid-buggy-ips; request another IP"
        case .requestedIPWrongFamily(let ip, let families):
            return "requested IP \(ip) is \(ip.family) but the Service's ipFamilies are \(families.map(\.rawValue).joined(separator: ","))"
        case .poolExhausted(let pool, let family):
            return "pool \"\(pool)\" has no free \(family) address; add addresses to it or free some"
        case .poolLacksFamily(let pool, let family):
            return "pool \"\(pool)\" has no \(family) addresses but the Service requires one (RequireDualStack); add an \(family) range to the pool or use PreferDualStack"
        case .noPoolAvailable(let families, let ns, let detail):
            let fam = families.isEmpty ? "" : families.map(\.rawValue).joined(separator: "+") + " "
            return "no auto-assign pool can give namespace \"\(ns)\" \(fam)addresses: \(detail)"
        case .addressesNotKept(let ips, let why):
            return "addresses \(ips.map(\.description).joined(separator: ", ")) cannot be kept: \(why)"
        }
    }
}
