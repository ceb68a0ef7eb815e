/// Assigns LoadBalancer IPs from the configured pools. A plain value with no Kubernetes client
/// and no I/O: the controller feeds it Services and applies what it returns.
///
/// Cost: every operation is O(log n) or amortised O(1) in the number of assignments and
/// proportional to the number of pools and ranges, never to the size of a pool (see
/// `FamilySpace`).
public struct Allocator: Sendable {
    public private(set) var config: Config

    struct PoolSpace: Sendable {
        var pool: AddressPool
        var v4: FamilySpace
        var v6: FamilySpace

        init(_ pool: AddressPool) {
            self.pool = pool
            self.v4 = FamilySpace(family: .ipv4, ranges: pool.ranges, avoidBuggyIPs: pool.avoidBuggyIPs)
            self.v6 = FamilySpace(family: .ipv6, ranges: pool.ranges, avoidBuggyIPs: pool.avoidBuggyIPs)
        }

        subscript(family: IPFamily) -> FamilySpace { family == .ipv4 ? v4 : v6 }

        /// Mutates one family's space in place. (A get/set subscript would hand out a copy, and
        /// mutating the copy's heap would copy the whole heap on every allocation.)
        mutating func modify<R>(_ family: IPFamily, _ body: (inout FamilySpace) -> R) -> R {
            family == .ipv4 ? body(&v4) : body(&v6)
        }
    }

    /// Who holds an address. Usually one Service; several when they share it.
    struct Holding: Sendable {
        var pool: String
        var holders: [(key: ServiceKey, profile: SharingProfile)]
    }

    private var spaces: [String: PoolSpace] = [:]
    private var holdings: [IPAddress: Holding] = [:]
    private var assignments: [ServiceKey: Assignment] = [:]
    /// Shared addresses by sharing key, so a Service with a key finds a partner in O(partners).
    private var bySharingKey: [String: Set<IPAddress>] = [:]

    public init(config: Config) {
        self.config = config
        for p in config.pools { spaces[p.name] = PoolSpace(p) }
    }

    // MARK: Queries

    public var assignmentCount: Int { assignments.count }

    public func assignment(for key: ServiceKey) -> Assignment? { assignments[key] }

    public var allAssignments: [Assignment] { assignments.values.sorted { $0.service < $1.service } }

    /// The Services holding `ip`, sorted.
    public func services(using ip: IPAddress) -> [ServiceKey] {
        (holdings[ip]?.holders.map(\.key) ?? []).sorted()
    }

    public func usage(pool name: String) -> PoolUsage? {
        guard let s = spaces[name] else { return nil }
        return PoolUsage(
            pool: name,
            ipv4: FamilyUsage(total: s.v4.total, inUse: AddressCount(UInt128(s.v4.inUse))),
            ipv6: FamilyUsage(total: s.v6.total, inUse: AddressCount(UInt128(s.v6.inUse))))
    }

    /// Usage of every pool, in configuration order.
    public var usage: [PoolUsage] { config.pools.compactMap { usage(pool: $0.name) } }

    // MARK: Assigning

    /// Gives `request` its addresses. If the Service already holds addresses that still satisfy
    /// the request, it keeps them. Otherwise, if `existing` (what the Service's status shows)
    /// is given and valid, it gets exactly those. Otherwise it gets new ones: the requested IPs,
    /// or the lowest free addresses of the named pool or of the first auto-assign pool that can
    /// serve it. On failure the Service holds nothing.
    public mutating func assign(_ request: ServiceRequest, existing: [IPAddress] = []) -> Result<Assignment, AllocationError> {
        if let current = assignments[request.key] {
            if case .success(let pool) = check(current.ips, for: request) {
                return .success(commit(request, pool: pool, ips: current.ips))
            }
            release(request.key)
        } else if !existing.isEmpty, case .success(let pool) = check(existing, for: request) {
            return .success(commit(request, pool: pool, ips: existing))
        }
        return allocateNew(request)
    }

    /// Records addresses a Service already has (found in its status when the controller starts)
    /// without ever choosing new ones: a restarted controller calls this for every Service before
    /// it assigns anything, so no address moves and none is given away twice.
    public mutating func register(_ request: ServiceRequest, ips: [IPAddress]) -> Result<Assignment, AllocationError> {
        if let current = assignments[request.key], Set(current.ips) != Set(ips) {
            release(request.key)
        }
        switch check(ips, for: request) {
        case .success(let pool): return .success(commit(request, pool: pool, ips: ips))
        case .failure(let e): return .failure(e)
        }
    }

    /// Frees everything `key` holds. Shared addresses stay with their other holders.
    public mutating func release(_ key: ServiceKey) {
        guard let a = assignments.removeValue(forKey: key) else { return }
        for ip in a.ips {
            guard var h = holdings[ip] else { continue }
            h.holders.removeAll { $0.key == key }
            if h.holders.isEmpty {
                holdings[ip] = nil
                spaces[h.pool]?.modify(ip.family) { $0.didRelease(ip.value) }
                if let k = a.request.sharingKey {
                    bySharingKey[k]?.remove(ip)
                    if bySharingKey[k]?.isEmpty == true { bySharingKey[k] = nil }
                }
            } else {
                holdings[ip] = h
            }
        }
    }

    /// Switches to `newConfig`. Every assignment whose addresses are still valid under it is
    /// kept exactly; the others are released and reported with the reason, for the caller to
    /// reallocate (`assign`) or leave pending.
    public mutating func applyConfig(_ newConfig: Config) -> ConfigChangeReport {
        var next = Allocator(config: newConfig)
        var kept: [ServiceKey] = []
        var evicted: [ServiceKey: AllocationError] = [:]
        for a in assignments.values.sorted(by: { $0.service < $1.service }) {
            switch next.register(a.request, ips: a.ips) {
            case .success: kept.append(a.service)
            case .failure(let e): evicted[a.service] = e
            }
        }
        self = next
        return ConfigChangeReport(kept: kept, evicted: evicted)
    }

    // MARK: Internals

    @discardableResult
    private mutating func commit(_ request: ServiceRequest, pool: String, ips: [IPAddress]) -> Assignment {
        let key = request.key
        let profile = SharingProfile(request)
        for ip in ips {
            if var h = holdings[ip] {
                if let i = h.holders.firstIndex(where: { $0.key == key }) {
                    h.holders[i].profile = profile
                } else {
                    h.holders.append((key, profile))
                }
                holdings[ip] = h
            } else {
                holdings[ip] = Holding(pool: pool, holders: [(key, profile)])
                spaces[pool]?.modify(ip.family) { $0.didTake(ip.value) }
            }
            if let k = request.sharingKey { bySharingKey[k, default: []].insert(ip) }
        }
        let a = Assignment(pool: pool, ips: ips, request: request)
        assignments[key] = a
        return a
    }

    /// The families a request wants, primary first, and whether it needs all of them.
    private func wantedFamilies(_ r: ServiceRequest) -> (families: [IPFamily], needAll: Bool, anyOne: Bool) {
        let policy = r.ipFamilyPolicy ?? .singleStack
        var fams: [IPFamily] = []
        for f in r.ipFamilies where !fams.contains(f) { fams.append(f) }
        switch policy {
        case .singleStack:
            if let first = fams.first { return ([first], true, false) }
            return ([.ipv4, .ipv6], false, true)
        case .preferDualStack, .requireDualStack:
            for f in IPFamily.allCases where !fams.contains(f) { fams.append(f) }
            return (fams, policy == .requireDualStack, false)
        }
    }

    /// Whether `ips` may serve `request`; on success, the pool they come from.
    private func check(_ ips: [IPAddress], for r: ServiceRequest) -> Result<String, AllocationError> {
        guard !ips.isEmpty else { return .failure(.addressesNotKept([], why: "no addresses")) }
        if config.pools.isEmpty { return .failure(.noPools) }
        if Set(ips.map(\.family)).count != ips.count {
            return .failure(.addressesNotKept(ips, why: "more than one address of one family"))
        }
        var poolName: String?
        for ip in ips {
            guard let p = config.pool(containing: ip) else {
                return .failure(
                    r.requestedIPs.contains(ip)
                        ? .requestedIPNotInAnyPool(ip) : .addressesNotKept(ips, why: "\(ip) is not in any address pool"))
            }
            if let n = poolName, n != p.name { return .failure(.requestedIPsInDifferentPools(ips)) }
            poolName = p.name
        }
        guard let name = poolName, let pool = config.pool(named: name) else { return .failure(.noPools) }
        if let wanted = r.pool, wanted != name {
            if config.pool(named: wanted) == nil {
                return .failure(.unknownPool(wanted, existing: config.pools.map(\.name)))
            }
            return .failure(
                r.requestedIPs.isEmpty
                    ? .addressesNotKept(ips, why: "they are in pool \"\(name)\" but the Service asks for pool \"\(wanted)\"")
                    : .requestedIPNotInNamedPool(ips[0], pool: wanted))
        }
        if !pool.allows(namespace: r.key.namespace) {
            return .failure(.namespaceNotAllowed(pool: name, namespace: r.key.namespace))
        }
        if !r.requestedIPs.isEmpty && Set(r.requestedIPs) != Set(ips) {
            return .failure(
                .addressesNotKept(
                    ips, why: "the Service requests \(r.requestedIPs.map(\.description).joined(separator: ","))"))
        }
        let (wanted, needAll, anyOne) = wantedFamilies(r)
        for ip in ips where !anyOne && !wanted.contains(ip.family) {
            return .failure(.requestedIPWrongFamily(ip, families: r.ipFamilies))
        }
        if needAll && ips.count < wanted.count {
            if let missing = wanted.first(where: { f in !ips.contains { $0.family == f } }) {
                if r.requestedIPs.isEmpty {
                    return .failure(.addressesNotKept(ips, why: "the Service needs an \(missing) address too"))
                }
                return .failure(
                    .invalidRequest(
                        "the Service is RequireDualStack but requests no \(missing) address; request one of each family"))
            }
        }
        let profile = SharingProfile(r)
        for ip in ips {
            if pool.avoidBuggyIPs && ip.isBuggyIPv4 { return .failure(.requestedIPBuggy(ip, pool: name)) }
            if let h = holdings[ip] {
                let others = h.holders.filter { $0.key != r.key }
                for o in others {
                    if let why = SharingRules.incompatibility(profile, o.profile) {
                        return .failure(.requestedIPInUse(ip, by: others.map(\.key).sorted(), why: why))
                    }
                }
            }
        }
        return .success(name)
    }

    private mutating func allocateNew(_ r: ServiceRequest) -> Result<Assignment, AllocationError> {
        if config.pools.isEmpty { return .failure(.noPools) }
        if !r.requestedIPs.isEmpty {
            switch check(r.requestedIPs, for: r) {
            case .success(let pool): return .success(commit(r, pool: pool, ips: r.requestedIPs))
            case .failure(let e): return .failure(e)
            }
        }
        let candidates: [AddressPool]
        if let name = r.pool {
            guard let p = config.pool(named: name) else {
                return .failure(.unknownPool(name, existing: config.pools.map(\.name)))
            }
            guard p.allows(namespace: r.key.namespace) else {
                return .failure(.namespaceNotAllowed(pool: name, namespace: r.key.namespace))
            }
            candidates = [p]
        } else {
            candidates = config.pools.filter(\.autoAssign)
        }
        let (wanted, needAll, anyOne) = wantedFamilies(r)
        var details: [String] = []
        var firstError: AllocationError?
        for pool in candidates {
            guard pool.allows(namespace: r.key.namespace) else {
                details.append("pool \"\(pool.name)\" does not allow this namespace")
                continue
            }
            switch pick(from: pool, wanted: wanted, needAll: needAll, anyOne: anyOne, for: r) {
            case .success(let ips): return .success(commit(r, pool: pool.name, ips: ips))
            case .failure(let e):
                firstError = firstError ?? e
                details.append(e.description)
            }
        }
        if r.pool != nil, let e = firstError { return .failure(e) }
        if candidates.isEmpty {
            details.append("no pool has auto-assign enabled; name a pool with the address-pool annotation")
        }
        return .failure(
            .noPoolAvailable(
                families: anyOne ? [] : (needAll ? wanted : [wanted[0]]), namespace: r.key.namespace,
                detail: details.joined(separator: "; ")))
    }

    /// Chooses addresses in one pool: for each wanted family, an address already shared under the
    /// Service's sharing key if one is compatible, else the lowest free one.
    private mutating func pick(
        from pool: AddressPool, wanted: [IPFamily], needAll: Bool, anyOne: Bool, for r: ServiceRequest
    ) -> Result<[IPAddress], AllocationError> {
        let profile = SharingProfile(r)
        var chosen: [IPAddress] = []
        var firstMissing: AllocationError?
        for family in wanted {
            guard spaces[pool.name]?[family].isEmpty == false else {
                let e = AllocationError.poolLacksFamily(pool: pool.name, family: family)
                if needAll { return .failure(e) }
                firstMissing = firstMissing ?? e
                continue
            }
            let holdings = self.holdings
            if let ip = sharedCandidate(pool: pool.name, family: family, profile: profile)
                ?? spaces[pool.name]?.modify(family, {
                    $0.lowestFree(isInUse: { v in holdings[IPAddress(unchecked: family, v)] != nil })
                }).map({ IPAddress(unchecked: family, $0) })
            {
                chosen.append(ip)
                if anyOne { break }
            } else {
                let e = AllocationError.poolExhausted(pool: pool.name, family: family)
                if needAll { return .failure(e) }
                firstMissing = firstMissing ?? e
            }
        }
        if chosen.isEmpty {
            return .failure(firstMissing ?? .poolExhausted(pool: pool.name, family: wanted[0]))
        }
        return .success(chosen)
    }

    private func sharedCandidate(pool: String, family: IPFamily, profile: SharingProfile) -> IPAddress? {
        guard let key = profile.sharingKey, let ips = bySharingKey[key] else { return nil }
        var best: IPAddress?
        for ip in ips where ip.family == family {
            guard let h = holdings[ip], h.pool == pool else { continue }
            if h.holders.allSatisfy({ SharingRules.incompatibility(profile, $0.profile) == nil }) {
                if let b = best, b <= ip { continue }
                best = ip
            }
        }
        return best
    }

    // MARK: Invariants (for tests and debugging)

    /// Every broken invariant, in words; empty when the state is consistent. Checked by the
    /// property tests after every step.
    public func invariantViolations() -> [String] {
        var out: [String] = []
        var inUse: [String: [IPFamily: Int]] = [:]
        for (ip, h) in holdings {
            guard let p = config.pool(named: h.pool) else {
                out.append("\(ip) held in unknown pool \(h.pool)")
                continue
            }
            if !p.contains(ip) { out.append("\(ip) is outside its pool \(h.pool)") }
            if h.holders.isEmpty { out.append("\(ip) has an empty holder list") }
            for i in h.holders.indices {
                if assignments[h.holders[i].key]?.ips.contains(ip) != true {
                    out.append("\(ip) lists \(h.holders[i].key) which does not hold it")
                }
                for j in h.holders.indices where j > i {
                    if let why = SharingRules.incompatibility(h.holders[i].profile, h.holders[j].profile) {
                        out.append("\(ip) held by incompatible \(h.holders[i].key) and \(h.holders[j].key): \(why)")
                    }
                }
            }
            inUse[h.pool, default: [:]][ip.family, default: 0] += 1
        }
        for (key, a) in assignments {
            for ip in a.ips where holdings[ip]?.holders.contains(where: { $0.key == key }) != true {
                out.append("\(key) holds \(ip) but is not listed as its holder")
            }
        }
        for (name, s) in spaces {
            for f in IPFamily.allCases where s[f].inUse != inUse[name]?[f] ?? 0 {
                out.append("pool \(name) \(f) counts \(s[f].inUse) in use, holdings say \(inUse[name]?[f] ?? 0)")
            }
        }
        return out
    }
}

extension IPAddress {
    /// For values that come out of a `FamilySpace` of the same family, so always fit.
    init(unchecked family: IPFamily, _ value: UInt128) {
        self = family == .ipv4 ? IPAddress(ipv4: UInt32(truncatingIfNeeded: value)) : IPAddress(ipv6: value)
    }
}
