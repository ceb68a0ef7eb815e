import LBCore
import LBTestSupport
import Testing

@testable import LBSpeaker

/// Property: every speaker computes its plan on its own (here with its inputs in its own random
/// order, as informer caches give them), and together they announce each layer2 IP exactly once
/// when some node may announce it, and not at all otherwise. The owner they agree on satisfies
/// the eligibility rules, checked here from the rules themselves rather than through `Election`.
@Suite struct SpeakerCorePropertyTests {
    /// One random cluster: nodes with random labels and conditions, a random live set, and
    /// Services with random IPs (some shared, some dual-stack, some outside any layer2 pool).
    struct Cluster {
        var nodes: [SpeakerNode]
        var live: Set<String>
        var services: [SpeakerService]
        var ready: [ServiceKey: Set<String>]
    }

    static func randomCluster(_ rng: inout SplitMix64) -> Cluster {
        let nodeCount = Int.random(in: 1...12, using: &rng)
        var nodes: [SpeakerNode] = []
        for i in 0..<nodeCount {
            var labels = ["zone": Bool.random(using: &rng) ? "a" : "b"]
            if Int.random(in: 0..<8, using: &rng) == 0 { labels[Election.excludeLabel] = "" }
            nodes.append(
                SpeakerNode(
                    name: "worker-\(i)", labels: labels, networkUnavailable: Int.random(in: 0..<8, using: &rng) == 0))
        }
        let live = Set(nodes.map(\.name).filter { _ in Int.random(in: 0..<5, using: &rng) != 0 })
        let poolStarts = ["192.0.2.0", "2001:db8::", "198.51.100.0", "203.0.113.0", "10.0.0.0"].map(Fixtures.ip)
        var pickedIPs: [IPAddress] = []
        let ipCount = Int.random(in: 1...40, using: &rng)
        for _ in 0..<ipCount {
            let start = poolStarts[Int.random(in: 0..<poolStarts.count, using: &rng)]
            if let ip = IPAddress(family: start.family, value: start.value + UInt128(Int.random(in: 1...250, using: &rng))) {
                pickedIPs.append(ip)
            }
        }
        var services: [SpeakerService] = []
        var ready: [ServiceKey: Set<String>] = [:]
        let serviceCount = Int.random(in: 1...30, using: &rng)
        for s in 0..<serviceCount {
            let key = ServiceKey(namespace: "ns\(s % 3)", name: "svc\(s)")
            // One or two IPs: two shares an IP with another Service or makes it dual-stack.
            let ips = (0..<Int.random(in: 1...2, using: &rng)).compactMap { _ in pickedIPs.randomElement(using: &rng) }
            let policy: ExternalTrafficPolicy = Bool.random(using: &rng) ? .local : .cluster
            services.append(SpeakerService(key: key, ingressIPs: ips, externalTrafficPolicy: policy))
            ready[key] = Set(nodes.map(\.name).filter { _ in Int.random(in: 0..<3, using: &rng) == 0 })
        }
        return Cluster(nodes: nodes, live: live, services: services, ready: ready)
    }

    /// The rules from DESIGN.md ("Per-IP election"), written out independently of `Election`.
    static func mayAnnounce(_ node: SpeakerNode, _ entry: Layer2Plan.Entry, _ cluster: Cluster, config: Config) -> Bool {
        guard let pool = config.pool(named: entry.pool) else { return false }
        guard cluster.live.contains(node.name), !node.networkUnavailable,
            node.labels[Election.excludeLabel] == nil
        else { return false }
        if !pool.nodeSelectors.isEmpty && !pool.nodeSelectors.contains(where: { $0.matches(node.labels) }) { return false }
        let localSharers = cluster.services.filter { $0.ingressIPs.contains(entry.ip) && $0.externalTrafficPolicy == .local }
        if localSharers.isEmpty { return true }
        return localSharers.contains { cluster.ready[$0.key]?.contains(node.name) ?? false }
    }

    @Test(arguments: 0..<150)
    func everyNodeAgreesOnExactlyOneOwner(seed: UInt64) throws {
        var rng = SplitMix64(seed: 0x5eed_0000 &+ seed)
        let cluster = Self.randomCluster(&rng)
        let config = Fixtures.config
        let plans = cluster.nodes.map { node in
            SpeakerCore.layer2Plan(
                config: config, services: cluster.services.shuffled(using: &rng), readyEndpoints: cluster.ready,
                nodes: cluster.nodes.shuffled(using: &rng), liveSpeakers: cluster.live, node: node.name)
        }
        let reference = try #require(plans.first)
        let allIPs = Set(cluster.services.flatMap(\.ingressIPs))
        // Every IP is in exactly one plan: layer 2's (elected, or skipped as in no pool) or BGP's.
        let layer2IPs = Set(reference.entries.map(\.ip)).union(reference.skipped.map(\.ip))
        let bgpIPs = Set(
            SpeakerCore.bgpPlan(
                config: config, services: cluster.services, readyEndpoints: cluster.ready, nodes: cluster.nodes,
                liveSpeakers: cluster.live, node: reference.node
            ).entries.map(\.ip))
        #expect(layer2IPs.isDisjoint(with: bgpIPs), "seed \(seed)")
        #expect(layer2IPs.union(bgpIPs) == allIPs, "seed \(seed)")
        #expect(!bgpIPs.contains { config.pool(containing: $0)?.protocol != .bgp }, "seed \(seed)")
        for entry in reference.entries {
            let owners = plans.map { $0.entry(for: entry.ip)?.owner }
            #expect(owners.allSatisfy { $0 == entry.owner }, "seed \(seed) ip \(entry.ip): owners \(owners)")
            let announcers = plans.filter { $0.announced.contains(entry.ip) }.map(\.node)
            let eligible = cluster.nodes.filter { Self.mayAnnounce($0, entry, cluster, config: config) }.map(\.name)
            if eligible.isEmpty {
                #expect(entry.owner == nil && announcers.isEmpty, "seed \(seed) ip \(entry.ip)")
            } else {
                #expect(announcers == [entry.owner].compactMap { $0 }, "seed \(seed) ip \(entry.ip)")
                #expect(Set(entry.ranking) == Set(eligible), "seed \(seed) ip \(entry.ip)")
                #expect(entry.owner == Fixtures.best(for: entry.ip, among: eligible), "seed \(seed) ip \(entry.ip)")
            }
            for plan in plans where !plan.announced.contains(entry.ip) {
                #expect(plan.entry(for: entry.ip)?.reasons.isEmpty == false, "seed \(seed) \(plan.node) \(entry.ip)")
            }
        }
        for skipped in reference.skipped {
            #expect(plans.allSatisfy { !$0.announced.contains(skipped.ip) }, "seed \(seed) ip \(skipped.ip)")
        }
    }

    /// 1,000 IPs on 100 nodes in one call: a size the runtime recomputes on every change. No time
    /// is asserted (timings are not correctness); this guards against accidental blow-ups that
    /// would make the suite itself crawl, and checks the result at that size.
    @Test func thousandIPsOnAHundredNodes() {
        let nodes = (0..<100).map { SpeakerNode(name: "n\($0)", labels: ["zone": $0 % 2 == 0 ? "a" : "b"]) }
        let services = (0..<1000).compactMap { i -> SpeakerService? in
            let base = i < 500 ? Fixtures.ip("192.0.2.0") : Fixtures.ip("2001:db8::")
            guard let ip = IPAddress(family: base.family, value: base.value + UInt128(i % 250 + 1) + UInt128(i / 250) * 256)
            else { return nil }
            return SpeakerService(key: ServiceKey(namespace: "bulk", name: "s\(i)"), ingressIPs: [ip])
        }
        let config = Config(pools: [
            AddressPool(
                name: "big", protocol: .layer2,
                ranges: [Fixtures.range("192.0.0.0", "192.0.255.255"), Fixtures.range("2001:db8::", "2001:db8::ffff")])
        ])
        let plan = SpeakerCore.layer2Plan(
            config: config, services: services, readyEndpoints: [:], nodes: nodes, liveSpeakers: Set(nodes.map(\.name)),
            node: "n0")
        #expect(plan.entries.count == 1000)
        #expect(plan.entries.allSatisfy { $0.owner != nil && $0.ranking.count == 100 })
        #expect(plan.announced == Set(plan.entries.filter { $0.owner == "n0" }.map(\.ip)))
    }
}
