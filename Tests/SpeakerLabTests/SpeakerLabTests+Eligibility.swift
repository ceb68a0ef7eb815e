import Foundation
import LBCore
import LBLab
import Testing

extension SpeakerLabTests {
    /// A node labelled `node.kubernetes.io/exclude-from-external-load-balancers` (n2) and a node
    /// whose `NetworkUnavailable` condition is True (n3) never announce, even for IPs the hash
    /// ranks them first for; clearing the label and the condition gives them those IPs (so it
    /// was the exclusion, and nothing else, that kept them silent).
    @Test(.timeLimit(.minutes(3)))
    func excludedAndNetworkUnavailableNodesNeverAnnounce() throws {
        // IPs of the pool for which each node would win among all three (the ranking is pure
        // and deterministic): two per node, so the excluded ones are really passed over.
        let all = ["n1", "n2", "n3"]
        var chosen: [String: [String]] = [:]
        for host in 201...220 {
            let ip = "172.30.0.\(host)"
            guard let address = IPAddress(ip), let first = Election.rank(ip: address, nodes: all).first,
                  chosen[first, default: []].count < 2 else { continue }
            chosen[first, default: []].append(ip)
        }
        try #require(all.allSatisfy { chosen[$0]?.count == 2 }, "the pool has no two IPs ranked first for each node: \(chosen)")
        let ips = all.flatMap { chosen[$0] ?? [] }

        var options = SpeakerLabFixture.Options()
        options.nodeLabels = ["n2": [Election.excludeLabel: ""]]
        options.networkUnavailable = ["n3"]
        let lab = try SpeakerLabFixture.start(options)
        defer { lab.destroy() }
        let n1MAC = try lab.mac(of: "n1")
        let silent = [try lab.mac(of: "n2"), try lab.mac(of: "n3")]

        // The capture covers the Services' whole life: no frame of n2 or n3 may claim their IPs.
        let capture = try lab.lab.startCapture(in: lab.lab.switchNamespace, interface: lab.lab.networks[0].bridge)
        try lab.createServices(ips.enumerated().map { ("svc\($0.offset)", [$0.element]) })
        for ip in ips {
            #expect(try lab.waitForOwner(of: ip) == "n1")
            let arping = try lab.waitForARPAnswers(ip, from: n1MAC)
            #expect(arping.replyingMACs == [n1MAC], "\(ip): \(arping.output)")
        }
        let states = try lab.states()
        for ip in ips {
            let address = IPAddress(ip)
            let n2 = states["n2"]?.ips.first { $0.ip == address }
            let n3 = states["n3"]?.ips.first { $0.ip == address }
            #expect(n2?.announced == false && n2?.reasons.map(\.code).contains("excludedByLabel") == true,
                    "\(lab.describe(ip, states))")
            #expect(n3?.announced == false && n3?.reasons.map(\.code).contains("networkUnavailable") == true,
                    "\(lab.describe(ip, states))")
        }
        let frames = try capture.stop()
        let claims = frames.filter { frame in
            silent.contains(frame.sourceMAC) && ips.contains(frame.targetIP ?? "")
                && (frame.isAnswer || frame.kind == .arpRequest)
        }
        #expect(claims.isEmpty, "an excluded node claimed an IP: \(claims.map(\.line))")

        // Lift the exclusions: the hash's favourites take their IPs.
        try lab.kubectl(["label", "node", "n2", "\(Election.excludeLabel)-"])
        try lab.setNodeStatus("n3", networkUnavailable: false)
        for node in ["n2", "n3"] {
            for ip in chosen[node] ?? [] {
                #expect(try lab.waitForOwner(of: ip) == node)
                try lab.waitForARPAnswers(ip, from: try lab.mac(of: node))
            }
        }
    }

    /// Pool `interfaces`: the IP is answered only on the listed interface (the second network's),
    /// although the IP belongs to the first network's subnet, where selection by subnet would
    /// have announced it.
    ///
    /// LBLab names interfaces per node (`<prefix>n1e1`, `<prefix>n2e1`, ...), and the speaker
    /// matches pool interface names exactly, so one shared name is impossible in the lab. The
    /// pool lists each node's second-network interface; a node uses the names it has and skips
    /// the others (`notFound`), which is also how a real cluster with per-node names works.
    @Test(.timeLimit(.minutes(3)))
    func poolInterfacesLimitAnsweringToTheListedInterface() throws {
        var options = SpeakerLabFixture.Options()
        options.secondNetwork = true
        options.poolInterfaces = { lab in lab.nodes.compactMap { $0.secondary?.name } }
        let lab = try SpeakerLabFixture.start(options)
        defer { lab.destroy() }
        try lab.createService("web", ips: [Self.vip4, Self.vip6])
        let owner = try lab.waitForOwner(of: Self.vip4)
        let owner6 = try lab.waitForOwner(of: Self.vip6)
        let host = try lab.host(owner)
        let listed = try #require(host.secondary)
        let listed6 = try #require(try lab.host(owner6).secondary)

        let states = try lab.states()
        let entry = states[owner]?.ips.first { $0.ip == IPAddress(Self.vip4) }
        #expect(entry?.interfaces == [listed.name], "\(lab.describe(Self.vip4, states))")

        let bridge0 = try lab.lab.startCapture(in: lab.lab.switchNamespace, interface: lab.lab.networks[0].bridge, name: "br0")
        let bridge1 = try lab.lab.startCapture(in: lab.lab.switchNamespace, interface: lab.lab.networks[1].bridge, name: "br1")
        try lab.waitForARPAnswers(Self.vip4, from: listed.mac, network: 1)
        let onListed = try lab.lab.arping(Self.vip4, network: 1, count: 4, interval: 0.05)
        let onOther = try lab.lab.arping(Self.vip4, network: 0, count: 4, interval: 0.05)
        let ndiscListed = try lab.lab.ndisc6(Self.vip6, network: 1)
        let ndiscOther = try lab.lab.ndisc6(Self.vip6, network: 0, tries: 2, wait: 0.3)
        let frames0 = try bridge0.stop()
        let frames1 = try bridge1.stop()

        #expect(onListed.received == 4 && onListed.replyingMACs == [listed.mac], "\(onListed.output)")
        #expect(onOther.received == 0, "answered on the unlisted interface: \(onOther.output)")
        #expect(ndiscListed.mac == listed6.mac, "\(ndiscListed.output)")
        // ndisc6's raw ICMPv6 socket hears neighbor advertisements from every interface of the
        // client, so the owner's unsolicited NAs on network 1 (repeated for 2 s after it took the
        // IP) can be reported as an answer to the network-0 probe. What crossed network 0 is
        // the authority: its probes were sent, and nothing answered them there.
        _ = ndiscOther
        let vips = [Self.vip4, Self.vip6]
        #expect(frames0.contains { $0.kind == .neighborSolicitation && $0.targetIP == Self.vip6 }, "no NS on network 0")
        #expect(frames0.contains { $0.kind == .arpRequest && $0.targetIP == Self.vip4 }, "no ARP request on network 0")
        let answers0 = frames0.filter { $0.isAnswer && vips.contains($0.targetIP ?? "") }
        #expect(answers0.isEmpty, "network 0: \(answers0.map(\.line))")
        let answers1 = frames1.filter { $0.isAnswer && vips.contains($0.targetIP ?? "") }
        #expect(answers1.allSatisfy { [listed.mac, listed6.mac].contains($0.sourceMAC) }, "network 1: \(answers1.map(\.line))")
    }
}
