import PropertyBased
import Testing

@testable import LBCore

/// Properties every speaker relies on: the same facts give the same owner whatever the order,
/// a departure moves only the departed node's IPs, and IPs spread evenly.
@Suite struct ElectionPropertyTests {
    static let pool = AddressPool(
        name: "p", protocol: .layer2, ranges: [IPRange(first: IPAddress(ipv4: 0), last: IPAddress(ipv4: .max))!],
        nodeSelectors: [LabelSelector(matchLabels: ["zone": "a"]), LabelSelector(matchLabels: ["rack": "r1"])])

    /// No node-selectors: for the spread checks, where every node is eligible.
    static let openPool = AddressPool(
        name: "open", protocol: .layer2, ranges: [IPRange(first: IPAddress(ipv4: 0), last: IPAddress(ipv4: .max))!])

    /// Decodes a random integer into the facts of node `index` (names stay unique): mostly
    /// eligible, sometimes not, so eligibility and ranking are exercised together.
    static func node(_ index: Int, _ bits: Int) -> NodeFacts {
        NodeFacts(
            name: "node-\(index)-\(bits % 7)",
            labels: bits & 0x10 != 0 && bits & 0x200 != 0 ? ["zone": "b"] : ["zone": "a"],
            networkUnavailable: bits & 0x20 != 0 && bits & 0x40 != 0,
            speakerLive: bits & 0x80 == 0 || bits & 0x100 == 0)
    }

    static func nodes(_ bits: [Int]) -> [NodeFacts] { bits.enumerated().map { node($0.offset, $0.element) } }

    /// Odd values are IPv6 addresses, even ones IPv4, so both families are exercised.
    static func input(_ ip: UInt32) -> ElectionInput {
        ElectionInput(ip: ip & 1 == 0 ? IPAddress(ipv4: ip) : IPAddress(ipv6: 0x2001_0db8 << 96 | UInt128(ip)), pool: pool)
    }

    /// (a) Every speaker computes the same result from the same facts, in whatever order its
    /// informer happened to list the nodes.
    @Test func orderOfNodesDoesNotMatter() async {
        await propertyCheck(
            count: 300, input: Gen.uint32(), Gen.int(in: 0...1023).array(of: 0...9), Gen.uint64().array(of: 9)
        ) { ip, bits, keys in
            let nodes = Self.nodes(bits)
            let shuffled = nodes.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }.map { nodes[$0] }
            let local = ip & 2 == 0
            let endpoints = Set(nodes.enumerated().filter { keys[$0.offset] & 1 == 0 }.map(\.element.name))
            let input = ElectionInput(
                ip: IPAddress(ipv4: ip), pool: Self.pool, trafficPolicy: local ? .local : .cluster,
                nodesWithReadyEndpoints: endpoints)
            #expect(Election.elect(input, nodes: nodes) == Election.elect(input, nodes: shuffled))
            #expect(Election.eligibleNodes(input, nodes: nodes) == Election.eligibleNodes(input, nodes: shuffled))
        }
    }

    /// (b) A node that does not own an IP can leave (or fail) without moving it.
    @Test func removingANonOwnerNeverMovesTheIP() async {
        await propertyCheck(count: 300, input: Gen.uint32(), Gen.int(in: 0...1023).array(of: 2...9), Gen.int(in: 0...8)) {
            ip, bits, pick in
            let nodes = Self.nodes(bits)
            let input = Self.input(ip)
            let before = Election.elect(input, nodes: nodes)
            let victim = nodes[pick % nodes.count]
            guard victim.name != before.owner else { return }
            let after = Election.elect(input, nodes: nodes.filter { $0.name != victim.name })
            #expect(after.owner == before.owner)
            // The same holds when it stays listed but its speaker dies.
            let dead = nodes.map { $0.name == victim.name ? NodeFacts(name: $0.name, speakerLive: false) : $0 }
            #expect(Election.elect(input, nodes: dead).owner == before.owner)
        }
    }

    /// (c) When the owner leaves, the IP goes to the node that was second: the ranking is
    /// known in advance and nothing else moves.
    @Test func removingTheOwnerHandsTheIPToTheRunnerUp() async {
        await propertyCheck(count: 300, input: Gen.uint32(), Gen.int(in: 0...1023).array(of: 1...9)) { ip, bits in
            let nodes = Self.nodes(bits)
            let input = Self.input(ip)
            let before = Election.elect(input, nodes: nodes)
            guard let owner = before.owner else { return }
            let after = Election.elect(input, nodes: nodes.filter { $0.name != owner })
            #expect(after.owner == before.ranking.dropFirst().first)
            #expect(after.ranking == Array(before.ranking.dropFirst()))
        }
    }

    /// The owner is always eligible, and every other listed node carries a reason.
    @Test func everyNonOwnerHasAReason() async {
        await propertyCheck(count: 300, input: Gen.uint32(), Gen.int(in: 0...1023).array(of: 0...9)) { ip, bits in
            let nodes = Self.nodes(bits)
            let r = Election.elect(Self.input(ip), nodes: nodes)
            for n in nodes {
                #expect(r.reasons(for: n.name).isEmpty == (n.name == r.owner))
            }
            if let owner = r.owner { #expect(Election.eligibleNodes(Self.input(ip), nodes: nodes).eligible.contains(owner)) }
        }
    }

    /// (d) 3000 consecutive IPs over three nodes land within ±15% of 1000 each. The hash is
    /// fixed, so this is deterministic: it checks the hash mixes well, not luck.
    @Test(arguments: [IPAddress("10.0.0.0")!, IPAddress("2001:db8::")!])
    func ipsSpreadEvenly(base: IPAddress) {
        let nodes = ["node-a", "node-b", "node-c"].map { NodeFacts(name: $0, speakerLive: true) }
        var counts: [String: Int] = [:]
        for i in 0..<3000 {
            let ip = base.advanced(by: UInt128(i))!
            if let owner = Election.elect(ElectionInput(ip: ip, pool: Self.openPool), nodes: nodes).owner {
                counts[owner, default: 0] += 1
            }
        }
        #expect(counts.values.reduce(0, +) == 3000)
        for n in nodes { #expect((850...1150).contains(counts[n.name] ?? 0), "\(n.name): \(counts[n.name] ?? 0)") }
    }

    /// When a fourth node joins, it takes about a quarter of the IPs and only from the others:
    /// no IP moves between two of the old nodes.
    @Test func aJoiningNodeTakesOnlyItsShare() {
        let three = ["node-a", "node-b", "node-c"].map { NodeFacts(name: $0, speakerLive: true) }
        let four = three + [NodeFacts(name: "node-d", speakerLive: true)]
        var moved = 0
        for i in 0..<2000 {
            let input = ElectionInput(ip: IPAddress(ipv4: 0x0A00_0000 + UInt32(i)), pool: Self.openPool)
            let before = Election.elect(input, nodes: three).owner
            let after = Election.elect(input, nodes: four).owner
            if before != after {
                #expect(after == "node-d")
                moved += 1
            }
        }
        #expect((400...600).contains(moved), "moved \(moved) of 2000")
    }
}
