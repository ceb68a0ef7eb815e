import Foundation
import KubeAPI
import LBCore
import LBNet
import LBProtocols
import LBWire
import Testing

@testable import LBSpeaker

/// Real `Speaker`s against KubeTestServer, with the layer 2 side recorded instead of sent: Lease
/// publication, discovery through Leases, one owner per IP, failover on a crash and on a
/// graceful stop, config rejection, `externalTrafficPolicy: Local`, deletion, foreign answers.
@Suite(.timeLimit(.minutes(2))) struct RuntimeSpeakerTests {
    static let ip = SpeakerLab.ip

    @Test func leaseCarriesMemberAddressStateAndMetrics() async throws {
        let lab = try await SpeakerLab.start(nodes: ["node-a"])
        try await lab.createService("web", ips: ["192.0.2.10"])
        let a = lab.startSpeaker("node-a")
        try await lab.waitFor("node-a to announce 192.0.2.10 on eth0") { a.sink.current == ["eth0": [Self.ip("192.0.2.10")]] }
        try await lab.waitFor("the published state to show the IP announced") {
            try await lab.publishedState(of: "node-a").ips.first?.announced == true
        }

        let lease = try await lab.lease(of: "node-a")
        let port = try #require(await a.speaker.advertisedMemberAddress?.port)
        #expect(port != 0, "the advertised port is the one actually bound")
        #expect(lease.metadata.annotations[MemberAddress.annotationKey] == "127.0.0.1:\(port)")
        #expect(lease.metadata.labels["app.kubernetes.io/name"] == "ironlb")
        #expect(lease.metadata.labels["app.kubernetes.io/component"] == "speaker")
        #expect(lease.spec.holderIdentity == "node-a")
        #expect(lease.spec.renewTime != nil)

        let state = try await lab.publishedState(of: "node-a")
        #expect(state.node == "node-a")
        #expect(state.memberAddress == "127.0.0.1:\(port)")
        #expect(state.liveMembers == ["node-a"])
        let entry = try #require(state.ips.first)
        #expect(state.ips.count == 1)
        #expect(entry.ip == Self.ip("192.0.2.10"))
        #expect(entry.owner == "node-a")
        #expect(entry.pool == "default")
        #expect(entry.services == ["default/web"])
        #expect(entry.interfaces == ["eth0"], "the interface actually chosen, not the pool's (empty) list")

        let health = await a.speaker.isReady()
        #expect(health == .ready)
        #expect(
            a.metric(#"metallb_speaker_announced{ip="192.0.2.10",node="node-a",protocol="layer2",service="default/web"}"#)
                == 1)
        #expect(a.metric("ironlb_speaker_members") == 1)
        #expect(a.metric("ironlb_speaker_config_stale") == 0)
        await a.stop()
        await lab.shutdown()
    }

    @Test func threeSpeakersDiscoverEachOtherAndAgreeOnOneOwnerPerIP() async throws {
        let nodes = ["node-a", "node-b", "node-c"]
        let lab = try await SpeakerLab.start(nodes: nodes)
        let ips = (10..<22).map { "192.0.2.\($0)" }
        for (i, pair) in stride(from: 0, to: ips.count, by: 2).enumerated() {
            try await lab.createService("svc\(i)", ips: [ips[pair], ips[pair + 1]])
        }
        let speakers = nodes.map { lab.startSpeaker($0) }
        try await lab.waitFor("every speaker to see three live members") {
            for s in speakers where await s.speaker.members != Set(nodes) { return false }
            return true
        }
        let all = Set(ips.map(Self.ip))
        try await lab.waitFor("every IP announced by exactly one speaker") {
            var seen: [IPAddress: Int] = [:]
            for s in speakers { for ip in s.sink.announced { seen[ip, default: 0] += 1 } }
            return Set(seen.keys) == all && seen.values.allSatisfy { $0 == 1 }
        }
        // Each speaker's own plan names the owner the announcing speaker is.
        for s in speakers {
            let plan = try #require(await s.speaker.currentPlan)
            for entry in plan.entries {
                let announcer = speakers.first { $0.sink.announced.contains(entry.ip) }
                #expect(entry.owner == announcer?.node, "\(s.node) computes owner of \(entry.ip)")
            }
            let peers = await s.speaker.peerAddresses
            #expect(Set(peers.keys) == Set(nodes).subtracting([s.node]))
        }
        #expect(speakers.filter { !$0.sink.announced.isEmpty }.count > 1, "12 IPs spread over more than one node")
        for s in speakers { await s.stop() }
        await lab.shutdown()
    }

    @Test func aSpeakerThatDiesLosesItsIPsToAnother() async throws {
        let lab = try await SpeakerLab.start(nodes: ["node-a", "node-b"])
        let ips = (30..<38).map { "192.0.2.\($0)" }
        try await lab.createService("many", ips: ips)
        let a = lab.startSpeaker("node-a")
        let b = lab.startSpeaker("node-b")
        try await lab.waitFor("both speakers live and the IPs split between them") {
            let aMembers = await a.speaker.members
            let bMembers = await b.speaker.members
            return aMembers.count == 2 && bMembers.count == 2
                && a.sink.announced.union(b.sink.announced).count == ips.count && !a.sink.announced.isEmpty
                && !b.sink.announced.isEmpty
        }
        #expect(a.sink.announced.isDisjoint(with: b.sink.announced))

        await a.kill()  // no leave: node-b must notice through the failure detector
        #expect(a.sink.stopped)
        try await lab.waitFor("node-b to take every IP over") { b.sink.announced == Set(ips.map(Self.ip)) }
        let members = await b.speaker.members
        #expect(members == ["node-b"])
        try await lab.waitFor("the failover to be counted") { (b.metric("ironlb_speaker_failovers_total") ?? 0) >= 1 }
        await b.stop()
        await lab.shutdown()
    }

    @Test func gracefulStopHandsOverAndPublishesNothingAnnounced() async throws {
        let lab = try await SpeakerLab.start(nodes: ["node-a", "node-b"])
        let ips = (40..<48).map { "192.0.2.\($0)" }
        try await lab.createService("many", ips: ips)
        let a = lab.startSpeaker("node-a")
        let b = lab.startSpeaker("node-b")
        try await lab.waitFor("node-a to announce some IPs with node-b live") {
            await a.speaker.members.count == 2 && !a.sink.announced.isEmpty
                && a.sink.announced.union(b.sink.announced).count == ips.count
        }
        try await lab.waitFor("node-a's Lease to show IPs announced") {
            try await lab.publishedState(of: "node-a").ips.contains { $0.announced }
        }

        await a.stop()
        #expect(a.sink.stopped)
        // The peer was told (leave), so it owns everything now; no wait for the detector is
        // needed, but the test only checks the outcome.
        try await lab.waitFor("node-b to announce every IP") { b.sink.announced == Set(ips.map(Self.ip)) }
        let final = try await lab.publishedState(of: "node-a")
        #expect(final.ips.count == ips.count)
        #expect(final.ips.allSatisfy { !$0.announced }, "the Lease says node-a announces nothing")
        #expect(final.ips.allSatisfy { $0.owner == "node-b" }, "and that node-b took over")
        #expect(!final.liveMembers.contains("node-a"))
        let counters = try #require(await b.speaker.membershipCounters)
        #expect(counters.leaves == 1, "node-a said goodbye")
        #expect(counters.failovers == 0, "so node-b never had to declare it dead")
        await b.stop()
        await lab.shutdown()
    }

    @Test func anInvalidConfigKeepsTheLastGoodPlan() async throws {
        let lab = try await SpeakerLab.start(nodes: ["node-a"])
        try await lab.createService("web", ips: ["192.0.2.50"])
        let a = lab.startSpeaker("node-a")
        try await lab.waitFor("the IP announced") { a.sink.announced == [Self.ip("192.0.2.50")] }

        try await lab.setConfig("address-pools:\n- name: broken\n  protocol: carrier-pigeon\n  addresses: [nonsense]\n")
        try await lab.waitFor("the config to be marked stale") { await a.speaker.isConfigStale }
        #expect(a.metric("ironlb_speaker_config_stale") == 1)
        #expect(a.sink.announced == [Self.ip("192.0.2.50")], "the last good config stays in force")
        let stalePlan = await a.speaker.currentPlan
        #expect(stalePlan?.entry(for: Self.ip("192.0.2.50"))?.announced == true)

        // A valid config applies again, even one that takes the IP away.
        try await lab.setConfig("address-pools:\n- name: other\n  protocol: layer2\n  addresses: [198.51.100.0/24]\n")
        try await lab.waitFor("the new config to apply") { await !a.speaker.isConfigStale && a.sink.announced.isEmpty }
        #expect(a.metric("ironlb_speaker_config_stale") == 0)
        let newPlan = await a.speaker.currentPlan
        #expect(newPlan?.skipped(for: Self.ip("192.0.2.50"))?.reason == .noPool)
        await a.stop()
        await lab.shutdown()
    }

    @Test func localPolicyFollowsTheReadyEndpoint() async throws {
        let lab = try await SpeakerLab.start(nodes: ["node-a", "node-b"])
        let vip = Self.ip("192.0.2.60")
        try await lab.createService("local", ips: ["192.0.2.60"], local: true)
        try await lab.setEndpoints(of: "local", [(node: "node-a", ready: false), (node: "node-b", ready: true)])
        let a = lab.startSpeaker("node-a")
        let b = lab.startSpeaker("node-b")
        try await lab.waitFor("node-b (the ready endpoint) to announce") {
            let members = await a.speaker.members
            let plan = await a.speaker.currentPlan
            return members.count == 2 && b.sink.announced == [vip] && a.sink.announced.isEmpty
                && plan?.entry(for: vip)?.owner == "node-b"
        }

        try await lab.setEndpoints(of: "local", [(node: "node-a", ready: true), (node: "node-b", ready: false)])
        try await lab.waitFor("the IP to follow the endpoint to node-a") {
            a.sink.announced == [vip] && b.sink.announced.isEmpty
        }
        let bPlan = await b.speaker.currentPlan
        let reasons = bPlan?.entry(for: vip)?.reasons ?? []
        #expect(!reasons.isEmpty, "node-b says why it does not announce")
        await a.stop()
        await b.stop()
        await lab.shutdown()
    }

    @Test func aDeletedServiceIsNoLongerAnnounced() async throws {
        let lab = try await SpeakerLab.start(nodes: ["node-a"])
        try await lab.createService("gone", ips: ["192.0.2.70"])
        try await lab.createService("stays", ips: ["192.0.2.71"])
        let a = lab.startSpeaker("node-a")
        try await lab.waitFor("both IPs announced") { a.sink.announced == [Self.ip("192.0.2.70"), Self.ip("192.0.2.71")] }

        _ = try await lab.client.delete(KubeAPI.Service.self, namespace: "default", name: "gone")
        try await lab.waitFor("the deleted Service's IP to go") { a.sink.announced == [Self.ip("192.0.2.71")] }
        try await lab.waitFor("the published state to drop it") {
            try await lab.publishedState(of: "node-a").ips.map(\.ip) == [Self.ip("192.0.2.71")]
        }
        #expect(
            a.metric(#"metallb_speaker_announced{ip="192.0.2.70",node="node-a",protocol="layer2",service="default/gone"}"#)
                == nil, "the series is removed")
        await a.stop()
        await lab.shutdown()
    }

    @Test func aForeignAnswerIsAnEventAndAMetric() async throws {
        let lab = try await SpeakerLab.start(nodes: ["node-a"])
        try await lab.createService("web", ips: ["192.0.2.80"])
        let a = lab.startSpeaker("node-a")
        try await lab.waitFor("the IP announced") { a.sink.announced == [Self.ip("192.0.2.80")] }

        let intruder = MACAddress(0x02, 0, 0, 0, 0, 0x99)
        a.sink.inject(
            Layer2Activity(
                requestsReceived: [Self.ip("192.0.2.80"): 3], foreignAnswers: [Self.ip("192.0.2.80"): 2],
                foreignClaims: [.init(ip: Self.ip("192.0.2.80"), mac: intruder, interface: "eth0")],
                drops: ["malformed": 4, "badChecksum": 1]))
        try await lab.waitFor("a ForeignMACAnswered event on the Service") {
            try await lab.events(for: "web").contains { $0.reason == Speaker.foreignAnswerEventReason }
        }
        let event = try #require(try await lab.events(for: "web").first { $0.reason == Speaker.foreignAnswerEventReason })
        #expect(event.type == .warning)
        #expect(event.message?.contains("02:00:00:00:00:99") == true)
        #expect(event.involvedObject.uid != nil)
        try await lab.waitFor("the counters exported") {
            a.metric(#"ironlb_speaker_foreign_answers_total{ip="192.0.2.80"}"#) == 2
                && a.metric(#"metallb_layer2_requests_received{ip="192.0.2.80"}"#) == 3
                && a.metric(#"ironlb_speaker_layer2_drops_total{reason="malformed"}"#) == 4
                && a.metric(#"ironlb_speaker_layer2_drops_total{reason="badChecksum"}"#) == 1
        }
        #expect(a.sink.announced == [Self.ip("192.0.2.80")], "reported, not fought: the IP stays announced")

        // The Service goes: its IP's per-IP series go with it (not left until a restart).
        try await lab.client.delete(KubeAPI.Service.self, namespace: "default", name: "web")
        try await lab.waitFor("the per-IP series of 192.0.2.80 to be dropped") {
            a.metric(#"metallb_layer2_requests_received{ip="192.0.2.80"}"#) == nil
                && a.metric(#"ironlb_speaker_foreign_answers_total{ip="192.0.2.80"}"#) == nil
        }
        await a.stop()
        await lab.shutdown()
    }

    @Test func interfacesThatGoDownOrComeUpAreFollowed() async throws {
        let lab = try await SpeakerLab.start(nodes: ["node-a"])
        try await lab.createService("web", ips: ["192.0.2.100"])
        var eth0Down = SpeakerLab.interfaces
        eth0Down[1].flags = [.running]
        let interfaces = FakeInterfaces(eth0Down)
        let a = lab.startSpeaker("node-a", interfaces: interfaces)
        try await lab.waitFor("the plan to elect this node") {
            await a.speaker.currentPlan?.announced == [Self.ip("192.0.2.100")]
        }
        #expect(a.sink.current.isEmpty, "owned, but no usable interface: nothing to announce on")

        interfaces.set(SpeakerLab.interfaces)  // eth0 comes up
        try await lab.waitFor("announcing on eth0 once it is up") { a.sink.current == ["eth0": [Self.ip("192.0.2.100")]] }

        var moved = SpeakerLab.interfaces
        moved.append(
            InterfaceInfo(
                name: "eth1", index: 3, mac: MACAddress(0x02, 0, 0, 0, 0, 0x02), flags: [.up, .running],
                addresses: [.init(address: Self.ip("192.0.2.2"), prefixLength: 24)]))
        moved[1].addresses = []  // the subnet moved from eth0 to eth1
        interfaces.set(moved)
        try await lab.waitFor("the IP to follow its subnet to eth1") { a.sink.current == ["eth1": [Self.ip("192.0.2.100")]] }
        try await lab.waitFor("the published state to name eth1") {
            try await lab.publishedState(of: "node-a").ips.first?.interfaces == ["eth1"]
        }
        await a.stop()
        await lab.shutdown()
    }

    @Test func malformedPeerLeasesAreIgnored() async throws {
        let lab = try await SpeakerLab.start(nodes: ["node-a"])
        try await lab.createService("web", ips: ["192.0.2.90"])
        func lease(_ name: String, holder: String?, address: String?) -> Lease {
            var annotations: [String: String] = [:]
            if let address { annotations[MemberAddress.annotationKey] = address }
            annotations[SpeakerState.annotationKey] = "{not json"
            return Lease(
                metadata: ObjectMeta(
                    name: name, namespace: lab.namespace, labels: SpeakerLease.labels, annotations: annotations),
                spec: LeaseSpec(holderIdentity: holder))
        }
        for bad in [
            lease("ironlb-speaker-x", holder: "x", address: "nonsense"),
            lease("ironlb-speaker-y", holder: "y", address: "2001:db8::1:7946"),
            lease("ironlb-speaker-z", holder: "", address: "127.0.0.1:7946"),
            lease("ironlb-speaker-w", holder: "someone-else", address: "127.0.0.1:7946"),
            lease("ironlb-speaker-v", holder: "v", address: nil),
        ] {
            _ = try await lab.client.create(bad)
        }
        _ = try await lab.client.create(lease("ironlb-speaker-good", holder: "good", address: "[::1]:7946"))
        let a = lab.startSpeaker("node-a")
        try await lab.waitFor("the well-formed peer Lease to be used") {
            await a.speaker.peerAddresses == ["good": PeerAddress(host: Self.ip("::1"), port: 7946)]
        }
        try await lab.waitFor("the speaker to keep serving") { a.sink.announced == [Self.ip("192.0.2.90")] }
        let health = await a.speaker.isReady()
        #expect(health == .ready)
        await a.stop()
        await lab.shutdown()
    }
}
