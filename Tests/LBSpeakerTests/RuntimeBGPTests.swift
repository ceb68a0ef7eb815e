import Foundation
import KubeAPI
import LBCore
import Testing

@testable import LBSpeaker

/// A real `Speaker` in BGP mode against KubeTestServer, with the sessions recorded instead of
/// opened: routes follow Services, sessions follow the config, the Lease and the metrics show
/// the sessions, a graceful stop closes them.
@Suite(.timeLimit(.minutes(2))) struct RuntimeBGPTests {
    static let ip = SpeakerLab.ip

    static let config = """
        peers:
        - peer-address: 192.0.2.254
          peer-asn: 64501
          my-asn: 64500
          router-id: 10.0.0.1
          name: tor
        address-pools:
        - name: default
          protocol: layer2
          addresses: [192.0.2.0/24]
        - name: routed
          protocol: bgp
          addresses: [203.0.113.0/24]
          bgp-advertisements:
          - communities: ["64500:7"]
        """

    @Test func routesFollowServicesAndSessionsShowOnTheLeaseAndInMetrics() async throws {
        let lab = try await SpeakerLab.start(nodes: ["node-a"], config: Self.config)
        try await lab.createService("web", ips: ["203.0.113.7"])
        try await lab.createService("l2", ips: ["192.0.2.10"])
        let a = lab.startSpeaker("node-a")
        let route = IPPrefix(address: Self.ip("203.0.113.7"), length: 32)!
        try await lab.waitFor("the speaker to advertise 203.0.113.7/32 to tor") {
            a.bgp.routes.keys.contains(route) && a.bgp.sessions.map(\.peer.name) == ["tor"]
        }
        #expect(a.bgp.routes == [route: BGPPlan.RouteAttributes(communities: [BGPCommunity(asn: 64500, local: 7)])])
        #expect(a.bgp.sessions.first?.routerID == Self.ip("10.0.0.1"))
        #expect(a.sink.announced == [Self.ip("192.0.2.10")], "layer 2 goes on beside BGP")

        a.bgp.setState("tor", "Established")
        try await lab.waitFor("the Lease to show the session Established and the IP advertised to tor") {
            let state = try await lab.publishedState(of: "node-a")
            return state.bgpPeers?.first?.state == "Established"
                && state.ips.first { $0.ip == Self.ip("203.0.113.7") }?.peers == ["tor"]
        }
        let state = try await lab.publishedState(of: "node-a")
        let peer = try #require(state.bgpPeers?.first)
        #expect(peer.name == "tor")
        #expect(peer.address == "192.0.2.254")
        #expect(peer.asn == 64501)
        #expect(peer.prefixesAdvertised == 1)
        #expect(peer.establishedSince == "2023-11-14T22:13:20Z")
        let entry = try #require(state.ips.first { $0.ip == Self.ip("203.0.113.7") })
        #expect(entry.protocol == .bgp)
        #expect(entry.announced)
        #expect(entry.prefix == "203.0.113.7/32")
        try await lab.waitFor("the BGP metrics") { a.metric(#"metallb_bgp_session_up{peer="192.0.2.254:179"}"#) == 1 }
        #expect(a.metric(#"metallb_bgp_announced_prefixes_total{peer="192.0.2.254:179"}"#) == 1)
        #expect(a.metric(#"metallb_bgp_pending_prefixes_total{peer="192.0.2.254:179"}"#) == 0)
        #expect(a.metric(#"metallb_bgp_updates_total{peer="192.0.2.254:179"}"#) == 1)
        #expect(
            a.metric(#"metallb_speaker_announced{ip="203.0.113.7",node="node-a",protocol="bgp",service="default/web"}"#) == 1)

        // Service deleted: the route goes (the session stays).
        try await lab.client.delete(KubeAPI.Service.self, namespace: "default", name: "web")
        try await lab.waitFor("the route to be withdrawn") { a.bgp.routes.isEmpty }
        #expect(a.bgp.sessions.map(\.peer.name) == ["tor"])

        // Peer removed from the config: its session goes; the session down shows in the metric.
        try await lab.setConfig(
            Self.config.replacingOccurrences(of: "peer-address: 192.0.2.254", with: "peer-address: 192.0.2.253"))
        try await lab.waitFor("the session to move to the new address") {
            a.bgp.sessions.first?.peer.peerAddress == Self.ip("192.0.2.253")
        }

        await a.stop()
        #expect(a.bgp.stopped, "a graceful stop closes the BGP sessions")
        await lab.shutdown()
    }

    @Test func theRouterIDDefaultsToTheNodesIPv4InternalIP() async throws {
        let lab = try await SpeakerLab.start(
            nodes: ["node-a"], config: Self.config.replacingOccurrences(of: "  router-id: 10.0.0.1\n", with: ""))
        _ = try await lab.client.patchStatus(
            Node.self, namespace: nil, name: "node-a",
            patch: .object([
                "status": .object([
                    "addresses": .array([
                        .object(["type": .string("InternalIP"), "address": .string("2001:db8::a")]),
                        .object(["type": .string("InternalIP"), "address": .string("192.0.2.21")]),
                    ])
                ])
            ]), type: .merge)
        let a = lab.startSpeaker("node-a")
        try await lab.waitFor("a session with the node's IPv4 address as router ID") {
            a.bgp.sessions.first?.routerID == Self.ip("192.0.2.21")
        }
        #expect(a.bgp.sessions.first?.nextHopV6 == Self.ip("2001:db8::a"))
        await a.stop()
        await lab.shutdown()
    }
}
