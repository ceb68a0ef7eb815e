import LBCore
import Testing

@testable import LBSpeaker

/// `StateBuilder`: a speaker with more IPs than its Lease annotation can hold builds only the
/// entries that could be kept, and must publish exactly the bytes the whole document gives.
struct StateBuilderTests {
    static let l2Pool = AddressPool(name: "big-l2", protocol: .layer2, ranges: [Fixtures.range("10.0.0.0", "10.0.255.255")])
    static let bgpPool = AddressPool(name: "big-bgp", protocol: .bgp, ranges: [Fixtures.range("10.1.0.0", "10.1.255.255")])
    static let config = Config(pools: [l2Pool, bgpPool], peers: [])

    /// `l2` layer 2 IPs, `bgp` bgp IPs (every third with `Local` and no endpoint, so not
    /// advertised) and `stray` IPs in no pool; node-a is excluded for a third of the layer 2 IPs
    /// by losing their election, as rendezvous hashing decides.
    static func snapshot(l2: Int, bgp: Int, stray: Int) -> StateBuilder.Snapshot {
        var services: [SpeakerService] = []
        func ip(_ base: String, _ i: Int) -> IPAddress { Fixtures.ip("\(base).\(i / 256).\(i % 256)") }
        for i in 0..<l2 { services.append(Fixtures.service("l2-\(i)", [ip("10.0", i)])) }
        for i in 0..<bgp {
            services.append(Fixtures.service("bgp-\(i)", [ip("10.1", i)], policy: i % 3 == 0 ? .local : .cluster))
        }
        for i in 0..<stray { services.append(Fixtures.service("stray-\(i)", [ip("172.16", i)])) }
        // Two Services sharing one IP.
        services.append(Fixtures.service("shared", [ip("10.0", 0)]))
        let shared = SpeakerCore.sharedIPs(services)
        let plan = SpeakerCore.layer2Plan(
            config: config, shared: shared, readyEndpoints: [:], nodes: Fixtures.nodes, liveSpeakers: Fixtures.allLive,
            node: "node-a")
        let bgpPlan = SpeakerCore.bgpPlan(
            config: config, shared: shared, readyEndpoints: [:], nodes: Fixtures.nodes, liveSpeakers: Fixtures.allLive,
            node: "node-a")
        return StateBuilder.Snapshot(
            plan: plan, bgpPlan: bgpPlan, sessions: [], memberAddress: "10.9.0.1:7946", liveMembers: Fixtures.allLive,
            interfaces: [:])
    }

    /// What the speaker published before it learned to build only what can be kept.
    static func whole(_ s: StateBuilder.Snapshot) -> SpeakerState {
        var document = SpeakerState(
            plan: s.plan, memberAddress: s.memberAddress, liveMembers: s.liveMembers, interfaces: s.interfaces)
        if let bgpPlan = s.bgpPlan { document.merge(bgp: bgpPlan, sessions: []) }
        return document
    }

    @Test func aHugeSnapshotPublishesTheBytesOfTheWholeDocument() throws {
        let s = Self.snapshot(l2: 3_000, bgp: 2_500, stray: 300)
        let count = s.plan.entries.count + s.plan.skipped.count + (s.bgpPlan?.entries.count ?? 0)
        #expect(count == 3_000 + 2_500 + 300)
        #expect(!SpeakerState.messagesCanFit(ipCount: count, in: SpeakerState.annotationBudget))
        let published = try StateBuilder.content(s).state
        #expect(try published == Self.whole(s).jsonString(fittingIn: SpeakerState.annotationBudget))
        let decoded = try SpeakerState.decode(published)
        let omitted = try #require(decoded.omitted)
        #expect(decoded.ips.count + omitted.announced + omitted.notAnnounced == count)
        // Both plans reach the document: advertised BGP IPs and announced layer 2 ones are kept.
        #expect(decoded.ips.contains { $0.protocol == .bgp && $0.announced })
        #expect(decoded.ips.contains { $0.protocol == .layer2 && $0.announced })
        #expect(omitted.announced + omitted.notAnnounced > 0)
    }

    /// With a small limit the pre-selection itself decides: only the first `keep` of each kind.
    @Test(arguments: [10, 50, 200])
    func boundedBuildingKeepsWhatTheWholeDocumentWould(keep: Int) throws {
        let s = Self.snapshot(l2: 400, bgp: 300, stray: 40)
        let limit = keep * 64
        let bounded = StateBuilder.bounded(s, keeping: SpeakerState.maximumEntries(in: limit))
        #expect(bounded.ips.count <= 2 * keep)
        #expect(try bounded.jsonString(fittingIn: limit) == Self.whole(s).jsonString(fittingIn: limit))
    }

    /// Small snapshots keep their messages (the bounded path is not taken).
    @Test func aSmallSnapshotKeepsItsMessages() throws {
        let s = Self.snapshot(l2: 20, bgp: 10, stray: 2)
        let published = try StateBuilder.content(s).state
        #expect(try published == Self.whole(s).jsonString())
        #expect(try SpeakerState.decode(published).ips.contains { $0.reasons.contains { !$0.message.isEmpty } })
    }
}
