import LBCore
import LBSpeaker

/// Shared test inputs: a config with a plain layer2 pool (IPv4 + IPv6), a layer2 pool restricted
/// to `zone=a` nodes with an `interfaces` list, and a bgp pool; three nodes; Service helpers.
enum Fixtures {
    static func ip(_ text: String) -> IPAddress {
        guard let ip = IPAddress(text) else { fatalError("bad IP literal in a test: \(text)") }
        return ip
    }

    static func range(_ first: String, _ last: String) -> IPRange {
        guard let r = IPRange(first: ip(first), last: ip(last)) else { fatalError("bad range literal: \(first)-\(last)") }
        return r
    }

    static let zoneA = LabelSelector(matchLabels: ["zone": "a"])

    static let plainPool = AddressPool(
        name: "plain", protocol: .layer2,
        ranges: [range("192.0.2.0", "192.0.2.255"), range("2001:db8::", "2001:db8::ff")])
    static let zonePool = AddressPool(
        name: "zoned", protocol: .layer2, ranges: [range("198.51.100.0", "198.51.100.255")], interfaces: ["eth1", "bond0"],
        nodeSelectors: [zoneA])
    static let bgpPool = AddressPool(name: "routed", protocol: .bgp, ranges: [range("203.0.113.0", "203.0.113.255")])
    static let config = Config(pools: [plainPool, zonePool, bgpPool])

    static let names = ["node-a", "node-b", "node-c"]
    static let allLive = Set(names)
    /// node-a is in zone b, the others in zone a (so `zoned` excludes node-a).
    static let nodes = [
        SpeakerNode(name: "node-a", labels: ["zone": "b"]),
        SpeakerNode(name: "node-b", labels: ["zone": "a"]),
        SpeakerNode(name: "node-c", labels: ["zone": "a"]),
    ]

    static func key(_ name: String, namespace: String = "default") -> ServiceKey {
        ServiceKey(namespace: namespace, name: name)
    }

    static func service(
        _ name: String, _ ips: [IPAddress], policy: ExternalTrafficPolicy = .cluster, isOurs: Bool = true
    ) -> SpeakerService {
        SpeakerService(key: key(name), uid: "uid-\(name)", isOurs: isOurs, ingressIPs: ips, externalTrafficPolicy: policy)
    }

    /// The node with the highest rendezvous weight for `ip` among `candidates`, computed from the
    /// weights directly (not through `Election.rank`), or nil when there is none.
    static func best(for ip: IPAddress, among candidates: some Collection<String>) -> String? {
        candidates.max { a, b in
            let wa = Election.weight(node: a, ip: ip)
            let wb = Election.weight(node: b, ip: ip)
            return wa != wb ? wa < wb : a > b
        }
    }

    /// The first address of `pool`'s first range that `node` wins among all fixture nodes, so a
    /// test that takes `node` out shows the IP really moving.
    static func ipWon(by node: String, in pool: AddressPool = plainPool) -> IPAddress {
        let first = pool.ranges[0].first
        for offset in UInt128(1)...UInt128(255) {
            if let candidate = IPAddress(family: first.family, value: first.value + offset),
                best(for: candidate, among: names) == node
            {
                return candidate
            }
        }
        fatalError("no IP of \(pool.name) is won by \(node); the fixture needs another node set")
    }

    static func plan(
        _ services: [SpeakerService], ready: [ServiceKey: Set<String>] = [:], nodes: [SpeakerNode] = nodes,
        live: Set<String> = allLive, config: Config = config, node: String
    ) -> Layer2Plan {
        SpeakerCore.layer2Plan(
            config: config, services: services, readyEndpoints: ready, nodes: nodes, liveSpeakers: live, node: node)
    }
}
