import Testing

@testable import LBCore

/// Decision tables for every reason a node does not announce, the ranking, and pinned hash
/// values (every speaker version in a cluster must agree on them).
@Suite struct ElectionTests {
    static let ip = IPAddress("192.0.2.10")!

    static func pool(selectors: [LabelSelector] = []) -> AddressPool {
        AddressPool(name: "web", protocol: .layer2, ranges: [IPRange(first: IPAddress("192.0.2.0")!, last: IPAddress("192.0.2.255")!)!], nodeSelectors: selectors)
    }

    static let zoneA = LabelSelector(matchLabels: ["zone": "a"])
    static let rackIn = LabelSelector(matchExpressions: [.init(key: "rack", operator: .in, values: ["r1", "r2"])])

    /// One row: a node's facts and the input's rules, and every reason expected (empty: eligible).
    struct Row: Sendable, CustomTestStringConvertible {
        var label: String
        var node: NodeFacts
        var selectors: [LabelSelector] = []
        var policy: ExternalTrafficPolicy = .cluster
        var endpoints: Set<String> = []
        var expected: [NotAnnouncingReason]
        var testDescription: String { label }
    }

    static let rows: [Row] = [
        Row(label: "plain live node", node: NodeFacts(name: "n1", speakerLive: true), expected: []),
        Row(label: "speaker not live", node: NodeFacts(name: "n1", speakerLive: false), expected: [.speakerNotLive]),
        Row(
            label: "network unavailable", node: NodeFacts(name: "n1", networkUnavailable: true, speakerLive: true),
            expected: [.networkUnavailable]),
        Row(
            label: "exclusion label, empty value",
            node: NodeFacts(name: "n1", labels: [Election.excludeLabel: ""], speakerLive: true), expected: [.excludedByLabel]),
        Row(
            label: "exclusion label, any value",
            node: NodeFacts(name: "n1", labels: [Election.excludeLabel: "false"], speakerLive: true),
            expected: [.excludedByLabel]),
        Row(
            label: "selected by the only selector", node: NodeFacts(name: "n1", labels: ["zone": "a"], speakerLive: true),
            selectors: [zoneA], expected: []),
        Row(
            label: "not selected", node: NodeFacts(name: "n1", labels: ["zone": "b"], speakerLive: true), selectors: [zoneA],
            expected: [.notSelectedByPool(pool: "web", selectorMismatch: "zone=a")]),
        Row(
            label: "selected by the second selector", node: NodeFacts(name: "n1", labels: ["rack": "r2"], speakerLive: true),
            selectors: [zoneA, rackIn], expected: []),
        Row(
            label: "matches no selector of two", node: NodeFacts(name: "n1", labels: ["rack": "r9"], speakerLive: true),
            selectors: [zoneA, rackIn],
            expected: [.notSelectedByPool(pool: "web", selectorMismatch: "zone=a; rack in (r1,r2)")]),
        Row(
            label: "Local with a ready endpoint", node: NodeFacts(name: "n1", speakerLive: true), policy: .local,
            endpoints: ["n1"], expected: []),
        Row(
            label: "Local without an endpoint", node: NodeFacts(name: "n1", speakerLive: true), policy: .local,
            endpoints: ["n2"], expected: [.noReadyLocalEndpoint]),
        Row(
            label: "Cluster ignores endpoints", node: NodeFacts(name: "n1", speakerLive: true), policy: .cluster,
            endpoints: [], expected: []),
        Row(
            label: "every rule failed, most basic first",
            node: NodeFacts(
                name: "n1", labels: [Election.excludeLabel: "", "zone": "b"], networkUnavailable: true, speakerLive: false),
            selectors: [zoneA], policy: .local, endpoints: [],
            expected: [
                .speakerNotLive, .networkUnavailable, .excludedByLabel,
                .notSelectedByPool(pool: "web", selectorMismatch: "zone=a"), .noReadyLocalEndpoint,
            ]),
    ]

    @Test(arguments: rows) func eligibilityTable(_ row: Row) {
        let input = ElectionInput(
            ip: Self.ip, pool: Self.pool(selectors: row.selectors), trafficPolicy: row.policy,
            nodesWithReadyEndpoints: row.endpoints)
        let e = Election.eligibleNodes(input, nodes: [row.node])
        #expect(e.reasons[row.node.name] ?? [] == row.expected)
        #expect(e.eligible == (row.expected.isEmpty ? [row.node.name] : []))
        let r = Election.elect(input, nodes: [row.node])
        #expect(r.owner == (row.expected.isEmpty ? row.node.name : nil))
        #expect(r.reasons(for: row.node.name) == row.expected)
    }

    @Test func runnersUpAreToldWhoWon() {
        let nodes = ["node-a", "node-b", "node-c"].map { NodeFacts(name: $0, speakerLive: true) }
        let r = Election.elect(ElectionInput(ip: Self.ip, pool: Self.pool()), nodes: nodes)
        // Pinned by the weights below: node-a > node-c > node-b for 192.0.2.10.
        #expect(r.owner == "node-a")
        #expect(r.ranking == ["node-a", "node-c", "node-b"])
        #expect(r.reasons(for: "node-a") == [])
        #expect(r.reasons(for: "node-b") == [.notElected(winner: "node-a")])
        #expect(r.reasons(for: "node-c") == [.notElected(winner: "node-a")])
        #expect(r.announces("node-a") && !r.announces("node-b"))
    }

    @Test func ineligibleNodesNeverWinAndKeepTheirOwnReasons() {
        let nodes = [
            NodeFacts(name: "node-a", speakerLive: false), NodeFacts(name: "node-b", speakerLive: true),
            NodeFacts(name: "node-c", speakerLive: true),
        ]
        let r = Election.elect(ElectionInput(ip: Self.ip, pool: Self.pool()), nodes: nodes)
        #expect(r.owner == "node-c")
        #expect(r.ranking == ["node-c", "node-b"])
        #expect(r.reasons(for: "node-a") == [.speakerNotLive])
        #expect(r.reasons(for: "node-b") == [.notElected(winner: "node-c")])
    }

    @Test func noEligibleNodeMeansNoOwner() {
        let nodes = ["x", "y"].map { NodeFacts(name: $0, speakerLive: true) }
        let input = ElectionInput(ip: Self.ip, pool: Self.pool(), trafficPolicy: .local, nodesWithReadyEndpoints: [])
        let r = Election.elect(input, nodes: nodes)
        #expect(r.owner == nil)
        #expect(r.ranking.isEmpty)
        #expect(r.reasons == ["x": [.noReadyLocalEndpoint], "y": [.noReadyLocalEndpoint]])
        #expect(Election.elect(input, nodes: []).owner == nil)
    }

    @Test func duplicateNamesAreLeftOutWhateverTheOrder() {
        let live = NodeFacts(name: "dup", speakerLive: true)
        let dead = NodeFacts(name: "dup", speakerLive: false)
        let other = NodeFacts(name: "other", speakerLive: true)
        let input = ElectionInput(ip: Self.ip, pool: Self.pool())
        let a = Election.elect(input, nodes: [live, dead, other])
        let b = Election.elect(input, nodes: [dead, other, live])
        #expect(a == b)
        #expect(a.owner == "other")
        #expect(a.reasons(for: "dup") == [.duplicateNodeName])
    }

    @Test func bgpVariantLetsEveryEligibleNodeAdvertise() {
        let nodes = [
            NodeFacts(name: "n3", speakerLive: true), NodeFacts(name: "n1", speakerLive: true),
            NodeFacts(name: "n2", labels: [Election.excludeLabel: "true"], speakerLive: true),
            NodeFacts(name: "n4", speakerLive: true),
        ]
        let input = ElectionInput(ip: Self.ip, pool: Self.pool(), trafficPolicy: .local, nodesWithReadyEndpoints: ["n1", "n2", "n3"])
        let e = Election.eligibleNodes(input, nodes: nodes)
        #expect(e.eligible == ["n1", "n3"])
        #expect(e.reasons == ["n2": [.excludedByLabel], "n4": [.noReadyLocalEndpoint]])
    }

    /// Values computed by an independent implementation (Python: FNV-1a 64 over
    /// len32be(name) || name || family || address bytes, then MurmurHash3 fmix64). If one of these
    /// changes, speakers of the old and new version would disagree on owners during an upgrade.
    @Test(arguments: [
        ("node-a", "192.0.2.10", 0xb7cd_52d4_fd0c_d403 as UInt64),
        ("node-b", "192.0.2.10", 0x1563_4ee7_4a5f_ec8d),
        ("node-c", "192.0.2.10", 0x461f_df3e_9495_b079),
        ("node-a", "2001:db8::10", 0xdbf9_5d3d_471f_37bf),
        ("worker-1.example.com", "198.51.100.255", 0xbdea_798e_87c2_9959),
    ])
    func pinnedWeights(_ node: String, _ ip: String, _ expected: UInt64) {
        #expect(Election.weight(node: node, ip: IPAddress(ip)!) == expected)
    }

    @Test func sameInputSameAnswer() {
        let nodes = (0..<7).map { NodeFacts(name: "n\($0)", speakerLive: true) }
        let input = ElectionInput(ip: IPAddress("2001:db8::1")!, pool: Self.pool())
        let first = Election.elect(input, nodes: nodes)
        for _ in 0..<50 { #expect(Election.elect(input, nodes: nodes) == first) }
        // v4 and the v4-mapped-looking v6 value are different IPs and hash differently.
        #expect(Election.weight(node: "n", ip: IPAddress(ipv4: 1)) != Election.weight(node: "n", ip: IPAddress(ipv6: 1)))
    }

    @Test func everyReasonExplainsItselfAndHasAStableCode() {
        let all: [NotAnnouncingReason] = [
            .speakerNotLive, .networkUnavailable, .excludedByLabel,
            .notSelectedByPool(pool: "web", selectorMismatch: "zone=a"), .noReadyLocalEndpoint,
            .notElected(winner: "node-a"), .duplicateNodeName,
        ]
        #expect(Set(all.map(\.code)).count == all.count)
        for r in all { #expect(r.description.count > 30, "\(r.code)") }
        #expect(NotAnnouncingReason.excludedByLabel.description.contains(Election.excludeLabel))
        #expect(NotAnnouncingReason.notSelectedByPool(pool: "web", selectorMismatch: "zone=a").description.contains("\"web\""))
        #expect(NotAnnouncingReason.notElected(winner: "node-a").description.contains("node-a"))
    }
}
