import Foundation
import LBCore
import LBLab
import Testing

/// lb-speaker in BGP mode against a real router: BIRD 2 in the lab's switch namespace peers
/// with the three speakers (eBGP over IPv4, iBGP over IPv6) and its routing table is the
/// judge: one path per eligible node, with the prefix, next hop, communities and local
/// preference the config asks for; withdrawn when the Service or its last local endpoint goes;
/// all back after the router restarts.
extension SpeakerLabTests {
    static let bgpIPv4 = "172.30.60.10"
    static let bgpIPv6 = "fd00:60::10"

    static func bgpOptions() -> SpeakerLabFixture.Options {
        var options = SpeakerLabFixture.Options()
        options.peersYAML = { lab in
            """
            - name: bird-v4
              peer-address: \(lab.networks[0].switchIPv4)
              peer-asn: \(BirdRouter.routerASN)
              my-asn: \(BirdRouter.nodeASN)
              hold-time: 9s
            - name: bird-v6
              peer-address: \(lab.networks[0].switchIPv6)
              peer-asn: \(BirdRouter.nodeASN)
              my-asn: \(BirdRouter.nodeASN)
              hold-time: 9s
            """
        }
        options.extraPoolsYAML = """
            - name: routed
              protocol: bgp
              addresses: [172.30.60.0/24, "fd00:60::/120"]
              bgp-advertisements:
              - localpref: 150
                communities: ["64513:7", "large:64513:1:2"]
            """
        return options
    }

    /// Starts the lab with BIRD up before the speakers (they find it on their first connect).
    static func startBGPLab() throws -> (SpeakerLabFixture, BirdRouter) {
        var options = bgpOptions()
        var router: BirdRouter?
        var routerError: (any Error)?
        options.onLabCreated = { lab in
            do {
                let bird = try BirdRouter(lab: lab, namespace: lab.switchNamespace)
                try bird.start()
                router = bird
            } catch {
                routerError = error
            }
        }
        let lab = try SpeakerLabFixture.start(options)
        if let routerError {
            lab.destroy()
            throw routerError
        }
        guard let router else {
            lab.destroy()
            throw SpeakerLabError.unexpected("BIRD was not started")
        }
        return (lab, router)
    }

    /// Waits until BIRD's paths for `prefix` satisfy `check`; returns them.
    @discardableResult
    static func waitForPaths(
        _ bird: BirdRouter, _ lab: SpeakerLabFixture, _ prefix: String, _ what: String,
        _ check: ([BirdRoute]) -> Bool
    ) throws -> [BirdRoute] {
        var last: [BirdRoute] = []
        let ok = try labPoll(timeout: SpeakerLabFixture.settle) {
            last = bird.paths(for: prefix)
            return check(last)
        }
        if !ok {
            throw SpeakerLabError.notReady(
                what: "BIRD: \(what)", seconds: SpeakerLabFixture.settle,
                detail: "paths \(last); protocols \(bird.sessionStates())\n\(lab.logTails())")
        }
        return last
    }

    @Test(.timeLimit(.minutes(4)))
    func everyNodeAdvertisesBGPServicesToBirdWithTheConfiguredAttributes() throws {
        let (lab, bird) = try Self.startBGPLab()
        defer { lab.destroy() }
        let nodeV4 = Set(try lab.nodeNames.map { try lab.host($0).primary.ipv4 })

        try lab.createService("routed4", ips: [Self.bgpIPv4])
        let v4 = try Self.waitForPaths(bird, lab, "\(Self.bgpIPv4)/32", "three paths for \(Self.bgpIPv4)/32") {
            Set($0.map(\.protocolName)) == ["n1", "n2", "n3"]
        }
        #expect(v4.count == 3, "\(v4)")
        #expect(Set(v4.compactMap { $0.bgp["next_hop"] }) == nodeV4, "next hop = each node's own address: \(v4)")
        for path in v4 {
            #expect(path.bgp["as_path"] == "\(BirdRouter.nodeASN)", "eBGP: the nodes' AS in the path: \(path)")
            #expect(path.bgp["community"] == "(64513,7)", "\(path)")
            #expect(path.bgp["large_community"] == "(64513, 1, 2)", "\(path)")
            #expect(path.bgp["local_pref"] == "100", "eBGP carries no LOCAL_PREF; BIRD's default applies: \(path)")
        }

        // IPv6 over MP-BGP on both sessions: eBGP over IPv4 (next hop the node's IPv6 InternalIP)
        // and iBGP over IPv6 (with LOCAL_PREF 150).
        try lab.createService("routed6", ips: [Self.bgpIPv6])
        let v6 = try Self.waitForPaths(bird, lab, "\(Self.bgpIPv6)/128", "six paths for \(Self.bgpIPv6)/128") {
            Set($0.map(\.protocolName)) == ["n1", "n2", "n3", "n1v6", "n2v6", "n3v6"]
        }
        let nodeV6 = Set(try lab.nodeNames.map { try lab.host($0).primary.ipv6 })
        for path in v6 {
            #expect(path.bgp["next_hop"].map { nodeV6.contains($0.split(separator: " ").first.map(String.init) ?? $0) } == true, "\(path)")
            #expect(path.bgp["community"] == "(64513,7)", "\(path)")
            if path.protocolName.hasSuffix("v6") {
                #expect(path.bgp["local_pref"] == "150", "iBGP carries the pool's localpref: \(path)")
                #expect(path.bgp["as_path"] == "", "iBGP: empty AS path: \(path)")
            }
        }

        // What each speaker publishes: both sessions Established, the IPv4 IP advertised to both.
        var states: [String: SpeakerState] = [:]
        let published = try labPoll(timeout: SpeakerLabFixture.settle) {
            states = try lab.states()
            return lab.nodeNames.allSatisfy { node in
                let peers = states[node]?.bgpPeers ?? []
                return peers.count == 2 && peers.allSatisfy(\.isEstablished)
                    && states[node]?.ips.first { $0.ip == IPAddress(Self.bgpIPv4) }?.peers == ["bird-v4", "bird-v6"]
            }
        }
        #expect(published, "Lease states: \(states.mapValues { ($0.bgpPeers ?? []).map { "\($0.name)=\($0.state)" } })")
        let metrics = try lab.metrics(of: "n1")
        #expect(PrometheusText.value(metrics, "metallb_bgp_session_up", labels: ["peer": "\(lab.lab.networks[0].switchIPv4):179"]) == 1)
        #expect((PrometheusText.value(
            metrics, "metallb_bgp_announced_prefixes_total", labels: ["peer": "\(lab.lab.networks[0].switchIPv4):179"]) ?? 0) >= 2)

        // Deleted: withdrawn from every node.
        try lab.deleteService("routed4")
        try Self.waitForPaths(bird, lab, "\(Self.bgpIPv4)/32", "no path for \(Self.bgpIPv4)/32 after the delete") { $0.isEmpty }
        #expect(bird.paths(for: "\(Self.bgpIPv6)/128").count == 6, "the other Service's routes stay")

        // SIGTERM: the speaker closes its sessions with a Cease, so BIRD drops its paths at once
        // (not after the 9 s hold time) and records why.
        lab.speakers["n1"]?.signal(SIGTERM)
        try Self.waitForPaths(bird, lab, "\(Self.bgpIPv6)/128", "n1's paths gone after its SIGTERM") {
            Set($0.map(\.protocolName)) == ["n2", "n3", "n2v6", "n3v6"]
        }
        let n1 = bird.show("show protocols all n1")
        #expect(n1.contains("Administrative shutdown"), "BIRD saw a Cease / Administrative Shutdown: \(n1)")
    }

    @Test(.timeLimit(.minutes(4)))
    func localPolicyRoutesFollowReadyEndpointsAndSurviveARouterRestart() throws {
        let (lab, bird) = try Self.startBGPLab()
        defer { lab.destroy() }
        try lab.createService("local", ips: [Self.bgpIPv4], local: true)
        try lab.setEndpoint(of: "local", on: "n2")
        let prefix = "\(Self.bgpIPv4)/32"
        try Self.waitForPaths(bird, lab, prefix, "one path, from n2 (the node with the ready endpoint)") {
            $0.map(\.protocolName) == ["n2"]
        }

        // The router restarts: every session comes back and the route is advertised again.
        bird.kill()
        try bird.start()
        try Self.waitForPaths(bird, lab, prefix, "the route back after BIRD restarted") { $0.map(\.protocolName) == ["n2"] }

        // The endpoint moves to n3, then becomes not ready: the route follows, then goes.
        try lab.setEndpoint(of: "local", on: "n3")
        try Self.waitForPaths(bird, lab, prefix, "one path, now from n3") { $0.map(\.protocolName) == ["n3"] }
        try lab.setEndpoint(of: "local", on: "n3", ready: false)
        try Self.waitForPaths(bird, lab, prefix, "no path once the last local endpoint is not ready") { $0.isEmpty }
    }
}
