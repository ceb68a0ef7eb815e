import LBTestSupport
import PropertyBased
import Testing

@testable import LBCore

/// Random sequences of assign / release / register / config changes keep the allocator's
/// invariants: no address held by two incompatible Services, every assignment inside a pool of
/// the current config, counts equal to what the assignments say, and automatic allocation always
/// returns the lowest free address (checked against a brute-force reference on small pools).
@Suite struct AllocatorPropertyTests {
    /// Small pools so that collisions, exhaustion and sharing happen often.
    static let configs: [Config] = [
        Config(pools: [
            pool("a", ["192.0.2.0/29", "2001:db8::/125"]),
            pool("b", ["198.51.100.250-198.51.100.255", "198.51.101.0-198.51.101.3"], buggy: true),
            pool("c", ["203.0.113.0/30"], auto: false, namespaces: ["ns1"]),
        ]),
        Config(pools: [
            pool("a", ["192.0.2.0/30", "2001:db8::/126"]),
            pool("c", ["203.0.113.0/29"], namespaces: ["ns0", "ns1"]),
        ]),
        Config(pools: [
            pool("z", ["192.0.2.4/30", "198.51.100.252/30", "2001:db8::4/126"]),
        ]),
    ]

    static let candidateIPs: [String] = [
        "192.0.2.1", "192.0.2.5", "198.51.100.255", "198.51.101.1", "203.0.113.2", "2001:db8::3", "203.0.113.200",
    ]

    /// Decodes one random integer into a request, so the shrinker can work on plain integers.
    static func request(_ n: Int) -> ServiceRequest {
        var x = n
        func take(_ k: Int) -> Int {
            let v = x % k
            x /= k
            return v
        }
        let name = "s\(take(12))"
        let ns = "ns\(take(2))"
        let ip: [String] = take(4) == 0 ? [candidateIPs[take(candidateIPs.count)]] : []
        let poolName: String? = [nil, nil, nil, "a", "b", "c", "zz"][take(7)]
        let share: String? = [nil, "k1", "k1", "k2"][take(4)]
        let ports = [[80], [443], [80, 443], [53]][take(4)]
        let local = take(3) == 0
        let famChoice = take(5)
        let families: [IPFamily] = [[.ipv4], [.ipv6], [.ipv4, .ipv6], [.ipv6, .ipv4], []][famChoice]
        let policy: IPFamilyPolicy? = families.count == 2 ? [.preferDualStack, .requireDualStack][take(2)] : nil
        return svc(
            name, ns: ns, ips: ip, pool: poolName, share: share, ports: ports, local: local,
            selector: ["app": "x\(take(2))"], families: families, policy: policy)
    }

    @Test func randomOperationSequencesKeepInvariants() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...Int(Int32.max)).array(of: 1...120)) { ops in
            var alloc = Allocator(config: Self.configs[0])
            for op in ops {
                let kind = op % 10
                let r = Self.request(op / 10)
                switch kind {
                case 0...5:
                    let before = alloc
                    let result = alloc.assign(r)
                    if case .success(let a) = result {
                        #expect(a.ips.allSatisfy { alloc.config.pool(named: a.pool)?.contains($0) == true })
                        checkLowestFree(before: before, request: r, got: a)
                    } else {
                        #expect(alloc.assignment(for: r.key) == nil)
                    }
                case 6, 7:
                    alloc.release(r.key)
                    #expect(alloc.assignment(for: r.key) == nil)
                case 8:
                    let ips = [IPAddress(Self.candidateIPs[op % Self.candidateIPs.count])!]
                    _ = alloc.register(r, ips: ips)
                default:
                    let before = Set(alloc.allAssignments.map(\.service))
                    let report = alloc.applyConfig(Self.configs[(op / 10) % Self.configs.count])
                    #expect(Set(report.kept).union(report.evicted.keys) == before)
                    #expect(Set(alloc.allAssignments.map(\.service)) == Set(report.kept))
                }
                let violations = alloc.invariantViolations()
                #expect(violations.isEmpty, "after op \(op): \(violations)")
                checkCounts(alloc)
                if !violations.isEmpty { return }
            }
        }
    }

    /// Counts per pool and family equal the distinct addresses the assignments hold.
    func checkCounts(_ alloc: Allocator) {
        var held: [String: Set<IPAddress>] = [:]
        for a in alloc.allAssignments { held[a.pool, default: []].formUnion(a.ips) }
        for u in alloc.usage {
            for f in IPFamily.allCases {
                let n = held[u.pool]?.filter { $0.family == f }.count ?? 0
                #expect(u[f].inUse == AddressCount(UInt128(n)), "pool \(u.pool) \(f)")
                #expect(u[f].inUse <= u[f].total)
            }
        }
    }

    /// For a fresh automatic single-address allocation with no sharing key, the address must be
    /// the lowest usable free address of the pool it came from (brute force over the small pool).
    func checkLowestFree(before: Allocator, request r: ServiceRequest, got a: Assignment) {
        guard r.requestedIPs.isEmpty, r.sharingKey == nil, before.assignment(for: r.key) == nil, a.ips.count == 1,
            let pool = before.config.pool(named: a.pool)
        else { return }
        let family = a.ips[0].family
        var lowest: IPAddress?
        for range in pool.ranges.sorted(by: { $0.first < $1.first }) where range.family == family {
            var v = range.first.value
            while v <= range.last.value {
                let ip = IPAddress(unchecked: family, v)
                if !(pool.avoidBuggyIPs && ip.isBuggyIPv4) && before.services(using: ip).isEmpty {
                    lowest = ip
                    break
                }
                v += 1
            }
            if lowest != nil { break }
        }
        #expect(a.ips[0] == lowest, "\(r.key) got \(a.ips[0]), lowest free was \(String(describing: lowest))")
    }

    /// Fill a pool completely, release everything in a random order, fill it again: the second
    /// fill hands out exactly the same set, lowest first.
    @Test func fillReleaseRefill() async {
        await propertyCheck(count: 50, input: Gen.int(in: 1...64), Gen.int(in: 0...1000)) { size, seed in
            let last = IPAddress(ipv4: 0xC000_0200 + UInt32(size - 1))
            let p = AddressPool(
                name: "p", protocol: .layer2, ranges: [IPRange(first: IPAddress("192.0.2.0")!, last: last)!])
            var alloc = Allocator(config: Config(pools: [p]))
            var got: [IPAddress] = []
            for i in 0..<size {
                if case .success(let a) = alloc.assign(svc("s\(i)")) { got.append(a.ips[0]) }
            }
            #expect(got.count == size)
            #expect(got == got.sorted())
            if case .success = alloc.assign(svc("overflow")) { Issue.record("pool should be full") }
            var order = Array(0..<size)
            var rng = SplitMix64(seed: UInt64(seed))
            order.shuffle(using: &rng)
            for i in order { alloc.release(ServiceKey(namespace: "default", name: "s\(i)")) }
            #expect(alloc.usage(pool: "p")?.ipv4.inUse == .zero)
            var again: [IPAddress] = []
            for i in 0..<size {
                if case .success(let a) = alloc.assign(svc("t\(i)")) { again.append(a.ips[0]) }
            }
            #expect(again == got)
        }
    }
}
