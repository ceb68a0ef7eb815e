import LBCore
import LBTestSupport
import Testing

@testable import LBSpeaker

/// `SpeakerCore.bgpPlan`: every eligible node advertises, with layer 2's eligibility rules;
/// prefixes follow `aggregation-length`; attributes merge deterministically; peers follow
/// their `node-selectors`. Plus the published form (`SpeakerState.merge`) and session specs.
struct SpeakerCoreBGPTests {
    static func ip(_ text: String) -> IPAddress { Fixtures.ip(text) }
    func ip(_ text: String) -> IPAddress { Fixtures.ip(text) }
    static let bgpIP = ip("203.0.113.7")

    static func plan(
        config: Config = Fixtures.config, services: [SpeakerService], ready: [ServiceKey: Set<String>] = [:],
        nodes: [SpeakerNode] = Fixtures.nodes, live: Set<String> = Fixtures.allLive, node: String
    ) -> BGPPlan {
        SpeakerCore.bgpPlan(
            config: config, services: services, readyEndpoints: ready, nodes: nodes, liveSpeakers: live, node: node)
    }

    @Test func everyEligibleNodeAdvertisesABGPPoolIP() throws {
        let services = [Fixtures.service("web", [Self.bgpIP]), Fixtures.service("l2", [ip("192.0.2.5")])]
        for node in Fixtures.names {
            let p = Self.plan(services: services, node: node)
            #expect(p.entries.map(\.ip) == [Self.bgpIP], "layer 2 IPs are not in the BGP plan")
            let entry = try #require(p.entry(for: Self.bgpIP))
            #expect(entry.advertised)
            #expect(entry.advertisingNodes == Fixtures.names)
            #expect(entry.prefixes == [IPPrefix(address: Self.bgpIP, length: 32)!])
            #expect(p.routes == [IPPrefix(address: Self.bgpIP, length: 32)!: BGPPlan.RouteAttributes()])
        }
    }

    @Test func excludedUnavailableAndDeadNodesDoNotAdvertiseAndSayWhy() throws {
        let nodes = [
            SpeakerNode(name: "node-a", labels: [Election.excludeLabel: ""]),
            SpeakerNode(name: "node-b", networkUnavailable: true),
            SpeakerNode(name: "node-c"),
            SpeakerNode(name: "node-d"),
        ]
        let services = [Fixtures.service("web", [Self.bgpIP])]
        let live: Set<String> = ["node-a", "node-b", "node-c"]
        let a = Self.plan(services: services, nodes: nodes, live: live, node: "node-a")
        #expect(a.routes.isEmpty)
        #expect(a.entry(for: Self.bgpIP)?.reasons.map(\.code) == ["excludedByLabel"])
        #expect(a.entry(for: Self.bgpIP)?.advertisingNodes == ["node-c"], "node-d's speaker is not live")
        let b = Self.plan(services: services, nodes: nodes, live: live, node: "node-b")
        #expect(b.entry(for: Self.bgpIP)?.reasons.map(\.code) == ["networkUnavailable"])
        // A node counts itself live: a running speaker advertises even before it has joined.
        let d = Self.plan(services: services, nodes: nodes, live: live, node: "node-d")
        #expect(d.entry(for: Self.bgpIP)?.advertised == true)
        #expect(d.entry(for: Self.bgpIP)?.advertisingNodes == ["node-c", "node-d"])
    }

    @Test func localPolicyAdvertisesOnlyFromNodesWithAReadyEndpoint() throws {
        let services = [Fixtures.service("web", [Self.bgpIP], policy: .local)]
        let ready = [Fixtures.key("web"): Set(["node-b"])]
        #expect(Self.plan(services: services, ready: ready, node: "node-b").routes.count == 1)
        let a = Self.plan(services: services, ready: ready, node: "node-a")
        #expect(a.routes.isEmpty)
        #expect(a.entry(for: Self.bgpIP)?.reasons.map(\.code) == ["noReadyLocalEndpoint"])
        #expect(a.entry(for: Self.bgpIP)?.advertisingNodes == ["node-b"])
        // The last ready endpoint gone: nobody advertises (the route is withdrawn everywhere).
        for node in Fixtures.names {
            #expect(Self.plan(services: services, ready: [:], node: node).routes.isEmpty)
        }
    }

    @Test func aggregationLengthsMergeAttributesAndLocalPrefKeepsTheHighest() throws {
        let pool = AddressPool(
            name: "agg", protocol: .bgp,
            ranges: [Fixtures.range("203.0.113.0", "203.0.113.255"), Fixtures.range("2001:db8:1::", "2001:db8:1::ff")],
            bgpAdvertisements: [
                BGPAdvertisement(
                    aggregationLength: 32, aggregationLengthV6: 128, localPref: 100,
                    communities: [BGPCommunity(asn: 64500, local: 1)]),
                BGPAdvertisement(
                    aggregationLength: 24, aggregationLengthV6: 120, localPref: 50,
                    communities: [BGPCommunity(asn: 64500, local: 2)],
                    largeCommunities: [BGPLargeCommunity(global: 64500, local1: 1, local2: 2)]),
                BGPAdvertisement(
                    aggregationLength: 24, aggregationLengthV6: 120, localPref: 200,
                    communities: [BGPCommunity(asn: 64500, local: 3), BGPCommunity(asn: 64500, local: 2)]),
            ])
        let config = Config(pools: [pool])
        let services = [
            Fixtures.service("one", [ip("203.0.113.7")]), Fixtures.service("two", [ip("203.0.113.9")]),
            Fixtures.service("six", [ip("2001:db8:1::42")]),
        ]
        let p = Self.plan(config: config, services: services, node: "node-b")
        let agg = IPPrefix(address: ip("203.0.113.0"), length: 24)!
        #expect(Set(p.routes.keys) == [
            IPPrefix(address: ip("203.0.113.7"), length: 32)!, IPPrefix(address: ip("203.0.113.9"), length: 32)!, agg,
            IPPrefix(address: ip("2001:db8:1::42"), length: 128)!, IPPrefix(address: ip("2001:db8:1::"), length: 120)!,
        ])
        let merged = try #require(p.routes[agg])
        #expect(merged.localPref == 200)
        #expect(merged.communities == [2, 3].map { BGPCommunity(asn: 64500, local: $0) })
        #expect(merged.largeCommunities == [BGPLargeCommunity(global: 64500, local1: 1, local2: 2)])
        #expect(p.routes[IPPrefix(address: ip("203.0.113.7"), length: 32)!] == BGPPlan.RouteAttributes(localPref: 100, communities: [BGPCommunity(asn: 64500, local: 1)]))
        // Order of advertisements and services does not change the result.
        var reversedPool = pool
        reversedPool.bgpAdvertisements.reverse()
        let q = Self.plan(config: Config(pools: [reversedPool]), services: services.reversed(), node: "node-b")
        #expect(q.routes == p.routes)
    }

    @Test func peersFollowTheirNodeSelectors() throws {
        var config = Fixtures.config
        config.peers = [
            BGPPeer(name: "everyone", peerAddress: ip("192.0.2.1"), peerASN: 64501, myASN: 64500),
            BGPPeer(
                name: "zone-a", peerAddress: ip("192.0.2.2"), peerASN: 64500, myASN: 64500,
                nodeSelectors: [Fixtures.zoneA]),
        ]
        #expect(Self.plan(config: config, services: [], node: "node-a").selectedPeers.map(\.name) == ["everyone"])
        #expect(Self.plan(config: config, services: [], node: "node-b").selectedPeers.map(\.name) == ["everyone", "zone-a"])
        let unknown = Self.plan(config: config, services: [], node: "node-x")
        #expect(unknown.selectedPeers.isEmpty, "a node the speaker cannot see peers with nobody")
        #expect(!unknown.localNodeKnown)
    }

    @Test func sessionSpecsTakeRouterIDAndNextHopsFromTheNode() throws {
        var config = Fixtures.config
        config.peers = [
            BGPPeer(name: "v4", peerAddress: ip("192.0.2.1"), peerASN: 64501, myASN: 64500),
            BGPPeer(name: "v6", peerAddress: ip("2001:db8::1"), peerASN: 64501, myASN: 64500),
            BGPPeer(
                name: "pinned", peerAddress: ip("192.0.2.2"), peerASN: 64501, myASN: 64500, routerID: ip("10.9.9.9"),
                sourceAddress: ip("192.0.2.77")),
        ]
        let p = Self.plan(config: config, services: [], node: "node-a")
        let specs = BGPSessionSpec.sessions(for: p, nodeAddresses: [ip("2001:db8::a"), ip("192.0.2.10")])
        let byName = Dictionary(uniqueKeysWithValues: specs.map { ($0.peer.name, $0) })
        #expect(byName["v4"]?.routerID == ip("192.0.2.10"))
        #expect(byName["v4"]?.nextHopV4 == nil, "same family as the session: its local address")
        #expect(byName["v4"]?.nextHopV6 == ip("2001:db8::a"))
        #expect(byName["v6"]?.nextHopV4 == ip("192.0.2.10"))
        #expect(byName["v6"]?.nextHopV6 == nil)
        #expect(byName["pinned"]?.routerID == ip("10.9.9.9"))
        #expect(byName["pinned"]?.nextHopV4 == ip("192.0.2.77"))
        let v6only = BGPSessionSpec.sessions(for: p, nodeAddresses: [ip("2001:db8::a")])
        #expect(v6only.first { $0.peer.name == "v4" }?.routerID == nil, "no IPv4 address: no router ID to use")
    }

    @Test func publishedStateShowsBGPEntriesPeersAndWhyNot() throws {
        var config = Fixtures.config
        config.peers = [BGPPeer(name: "tor", peerAddress: ip("192.0.2.1"), peerASN: 64501, myASN: 64500)]
        let services = [Fixtures.service("web", [Self.bgpIP]), Fixtures.service("l2", [ip("192.0.2.5")])]
        let l2 = SpeakerCore.layer2Plan(
            config: config, services: services, readyEndpoints: [:], nodes: Fixtures.nodes, liveSpeakers: Fixtures.allLive,
            node: "node-b")
        let bgp = Self.plan(config: config, services: services, node: "node-b")
        let peer = SpeakerState.PeerState(
            name: "tor", address: "192.0.2.1", asn: 64501, state: "Established", establishedSince: "2026-11-21T10:00:00Z",
            prefixesAdvertised: 1, lastError: nil)
        var state = SpeakerState(plan: l2, memberAddress: "192.0.2.10:7946", liveMembers: Fixtures.allLive)
        #expect(!state.ips.contains { $0.ip == Self.bgpIP }, "layer 2 leaves a bgp pool's IP to the BGP plan")
        state.merge(bgp: bgp, sessions: [peer])
        let entry = try #require(state.ips.first { $0.ip == Self.bgpIP })
        #expect(entry.protocol == .bgp)
        #expect(entry.announced)
        #expect(entry.reasons.isEmpty)
        #expect(entry.peers == ["tor"])
        #expect(entry.prefix == "203.0.113.7/32")
        #expect(state.bgpPeers == [peer])
        #expect(state.ips.count == 2, "the layer 2 IP stays")

        var down = peer
        down.state = "Active"
        down.establishedSince = nil
        var notUp = SpeakerState(plan: l2, memberAddress: nil, liveMembers: Fixtures.allLive)
        notUp.merge(bgp: bgp, sessions: [down])
        #expect(notUp.ips.first { $0.ip == Self.bgpIP }?.reasons.map(\.code) == ["noSessionEstablished"])
        #expect(notUp.ips.first { $0.ip == Self.bgpIP }?.peers == [])

        // Round trip through the published JSON.
        let decoded = try SpeakerState.decode(try state.jsonString())
        #expect(decoded == state)
    }

    /// The plan's shortcuts (eligibility computed once per pool for `Cluster` IPs, advertisement
    /// attributes once per pool) give what `Election.eligibleNodes` gives for every IP, over
    /// random clusters: shared IPs, mixed policies, excluded and unavailable nodes, dead speakers.
    @Test(arguments: 0..<40)
    func agreesWithTheElectionForEveryIP(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        let names = (0..<Int.random(in: 1...5, using: &rng)).map { "n\($0)" }
        let nodes = names.map { name in
            SpeakerNode(
                name: name, labels: Bool.random(using: &rng) ? ["zone": "a"] : [:],
                networkUnavailable: Int.random(in: 0..<5, using: &rng) == 0)
        }
        let live = Set(names.filter { _ in Int.random(in: 0..<4, using: &rng) != 0 })
        let pool = AddressPool(
            name: "routed", protocol: .bgp, ranges: [Fixtures.range("203.0.113.0", "203.0.113.31")],
            bgpAdvertisements: [
                BGPAdvertisement(aggregationLength: 32, communities: [BGPCommunity(asn: 1, local: 1)]),
                BGPAdvertisement(aggregationLength: 28, localPref: 50),
            ],
            nodeSelectors: Bool.random(using: &rng) ? [Fixtures.zoneA] : [])
        let config = Config(pools: [pool])
        var services: [SpeakerService] = []
        var ready: [ServiceKey: Set<String>] = [:]
        for i in 0..<Int.random(in: 1...30, using: &rng) {
            let ip = IPAddress(ipv4: 0xCB00_7100 + UInt32.random(in: 0..<32, using: &rng))
            let policy: ExternalTrafficPolicy = Bool.random(using: &rng) ? .local : .cluster
            services.append(Fixtures.service("svc\(i)", [ip], policy: policy))
            ready[Fixtures.key("svc\(i)")] = Set(names.filter { _ in Bool.random(using: &rng) })
        }
        let facts = { (node: String) in
            var withSelf = live
            withSelf.insert(node)
            return nodes.map { $0.facts(speakerLive: withSelf.contains($0.name)) }
        }
        for node in names {
            let plan = Self.plan(config: config, services: services, ready: ready, nodes: nodes, live: live, node: node)
            var expectedRoutes: Set<IPPrefix> = []
            for entry in plan.entries {
                let sharing = services.filter { $0.ingressIPs.contains(entry.ip) }
                let local = sharing.filter { $0.externalTrafficPolicy == .local }
                var readyNodes: Set<String> = []
                for svc in local { readyNodes.formUnion(ready[svc.key] ?? []) }
                let input = ElectionInput(
                    ip: entry.ip, pool: pool, trafficPolicy: local.isEmpty ? .cluster : .local,
                    nodesWithReadyEndpoints: readyNodes)
                let eligibility = Election.eligibleNodes(input, nodes: facts(node))
                #expect(entry.advertisingNodes == eligibility.eligible.sorted(), "seed \(seed) \(entry.ip) on \(node)")
                #expect(entry.advertised == eligibility.eligible.contains(node))
                #expect(entry.reasons == (entry.advertised ? [] : eligibility.reasons[node] ?? []))
                #expect(entry.services == sharing.map(\.key).sorted())
                if entry.advertised { expectedRoutes.formUnion(entry.prefixes) }
            }
            #expect(Set(plan.routes.keys) == expectedRoutes, "seed \(seed) on \(node)")
        }
    }
}
