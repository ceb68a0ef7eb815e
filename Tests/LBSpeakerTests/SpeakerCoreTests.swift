import KubeAPI
import LBCore
import Testing

@testable import LBSpeaker

/// Decision tables for the layer 2 plan. Each row names the nodes expected to be eligible for one
/// IP and the reason codes of the others; the plan is computed from every node's point of view
/// and must agree with the row: the owner is the heaviest eligible node by rendezvous weight,
/// only it announces, and every other node reports its reasons. Most rows use an IP that node-a
/// would win if eligible, so taking node-a out visibly moves the IP.
@Suite struct SpeakerCoreTests {
    typealias F = Fixtures

    struct Row: Sendable, CustomTestStringConvertible {
        var label: String
        var ip: IPAddress
        var services: [SpeakerService]
        var ready: [ServiceKey: Set<String>] = [:]
        var nodes: [SpeakerNode] = Fixtures.nodes
        var live: Set<String> = Fixtures.allLive
        /// Nodes expected to be eligible.
        var eligible: Set<String>
        /// Reason codes expected for the ineligible nodes.
        var reasons: [String: [String]] = [:]
        var testDescription: String { label }
    }

    static let aIP = F.ipWon(by: "node-a")
    static let cIP = F.ipWon(by: "node-c")
    static let aZoneIP = F.ipWon(by: "node-a", in: F.zonePool)

    /// Ready endpoints as the API server would publish them for `web`: node-a's pod is not ready,
    /// node-b's reports no condition (ready), node-c has none.
    static let webSlices = [
        EndpointSlice(
            metadata: ObjectMeta(name: "web-x1", namespace: "default", labels: [EndpointSlice.serviceNameLabel: "web"]),
            endpoints: [
                Endpoint(addresses: ["10.0.0.1"], conditions: EndpointConditions(ready: false), nodeName: "node-a"),
                Endpoint(addresses: ["10.0.0.2"], conditions: EndpointConditions(), nodeName: "node-b"),
            ])
    ]

    static let rows: [Row] = [
        Row(
            label: "Cluster: the rendezvous winner among all nodes", ip: aIP, services: [F.service("web", [aIP])],
            eligible: Set(F.names)),
        Row(
            label: "a dead speaker is skipped", ip: aIP, services: [F.service("web", [aIP])], live: ["node-b", "node-c"],
            eligible: ["node-b", "node-c"], reasons: ["node-a": ["speakerNotLive"]]),
        Row(
            label: "NetworkUnavailable never announces", ip: aIP, services: [F.service("web", [aIP])],
            nodes: [SpeakerNode(name: "node-a", networkUnavailable: true)] + F.nodes.dropFirst(),
            eligible: ["node-b", "node-c"], reasons: ["node-a": ["networkUnavailable"]]),
        Row(
            label: "the exclusion label never announces", ip: aIP, services: [F.service("web", [aIP])],
            nodes: [SpeakerNode(name: "node-a", labels: [Election.excludeLabel: ""])] + F.nodes.dropFirst(),
            eligible: ["node-b", "node-c"], reasons: ["node-a": ["excludedByLabel"]]),
        Row(
            label: "every failed rule is reported", ip: aIP, services: [F.service("web", [aIP])],
            nodes: [SpeakerNode(name: "node-a", labels: [Election.excludeLabel: "true"], networkUnavailable: true)]
                + F.nodes.dropFirst(),
            live: ["node-b", "node-c"], eligible: ["node-b", "node-c"],
            reasons: ["node-a": ["speakerNotLive", "networkUnavailable", "excludedByLabel"]]),
        Row(
            label: "pool node-selectors leave out unselected nodes", ip: aZoneIP, services: [F.service("web", [aZoneIP])],
            eligible: ["node-b", "node-c"], reasons: ["node-a": ["notSelectedByPool"]]),
        Row(
            label: "Local follows the ready-endpoint node", ip: aIP, services: [F.service("web", [aIP], policy: .local)],
            ready: [F.key("web"): ["node-c"]], eligible: ["node-c"],
            reasons: ["node-a": ["noReadyLocalEndpoint"], "node-b": ["noReadyLocalEndpoint"]]),
        Row(
            label: "Local: a node with only not-ready endpoints is not eligible", ip: aIP,
            services: [F.service("web", [aIP], policy: .local)], ready: EndpointReadiness.readyNodes(from: webSlices),
            eligible: ["node-b"], reasons: ["node-a": ["noReadyLocalEndpoint"], "node-c": ["noReadyLocalEndpoint"]]),
        Row(
            label: "Local with no ready endpoint anywhere: no owner", ip: aIP,
            services: [F.service("web", [aIP], policy: .local)], eligible: [],
            reasons: ["node-a": ["noReadyLocalEndpoint"], "node-b": ["noReadyLocalEndpoint"], "node-c": ["noReadyLocalEndpoint"]]),
        Row(
            label: "Local ignores endpoints of other Services", ip: aIP,
            services: [F.service("web", [aIP], policy: .local)], ready: [F.key("db"): ["node-a", "node-b", "node-c"]],
            eligible: [],
            reasons: ["node-a": ["noReadyLocalEndpoint"], "node-b": ["noReadyLocalEndpoint"], "node-c": ["noReadyLocalEndpoint"]]),
        Row(
            label: "shared IP with Local: a ready endpoint of any sharer qualifies", ip: cIP,
            services: [F.service("web-tcp", [cIP], policy: .local), F.service("web-udp", [cIP], policy: .local)],
            ready: [F.key("web-tcp"): ["node-a"], F.key("web-udp"): ["node-b"]], eligible: ["node-a", "node-b"],
            reasons: ["node-c": ["noReadyLocalEndpoint"]]),
        Row(
            label: "shared IP with mixed policies: the Local sharer's endpoints decide", ip: cIP,
            services: [F.service("web-tcp", [cIP], policy: .local), F.service("web-udp", [cIP], policy: .cluster)],
            ready: [F.key("web-tcp"): ["node-b"], F.key("web-udp"): ["node-a", "node-c"]], eligible: ["node-b"],
            reasons: ["node-a": ["noReadyLocalEndpoint"], "node-c": ["noReadyLocalEndpoint"]]),
        Row(
            label: "no live speaker: no owner", ip: aIP, services: [F.service("web", [aIP])], live: [], eligible: [],
            reasons: ["node-a": ["speakerNotLive"], "node-b": ["speakerNotLive"], "node-c": ["speakerNotLive"]]),
        Row(
            label: "a live speaker without a Node object is not a candidate", ip: aIP, services: [F.service("web", [aIP])],
            nodes: Array(F.nodes.dropFirst()), live: F.allLive, eligible: ["node-b", "node-c"]),
    ]

    @Test(arguments: rows)
    func row(_ row: Row) throws {
        let expectedOwner = F.best(for: row.ip, among: row.eligible)
        #expect((expectedOwner == nil) == row.eligible.isEmpty)
        for node in row.nodes.map(\.name) {
            let plan = F.plan(row.services, ready: row.ready, nodes: row.nodes, live: row.live, node: node)
            let entry = try #require(plan.entry(for: row.ip), "\(node): no entry for \(row.ip)")
            #expect(entry.owner == expectedOwner, "\(node)")
            #expect(Set(entry.ranking) == row.eligible, "\(node)")
            #expect(entry.announced == (node == expectedOwner), "\(node)")
            #expect(plan.announced == (node == expectedOwner ? [row.ip] : []), "\(node)")
            let codes = entry.reasons.map(\.code)
            if node == expectedOwner {
                #expect(codes.isEmpty, "\(node)")
            } else if row.eligible.contains(node) {
                #expect(entry.reasons == [.notElected(winner: expectedOwner ?? "")], "\(node)")
            } else {
                #expect(codes == row.reasons[node] ?? [], "\(node)")
            }
        }
    }

    @Test func poolNameAndInterfacesComeFromThePool() throws {
        let plan = F.plan([F.service("web", [Self.aZoneIP])], node: "node-b")
        let entry = try #require(plan.entry(for: Self.aZoneIP))
        #expect(entry.pool == "zoned")
        #expect(entry.interfaces == ["eth1", "bond0"])
        #expect(entry.services == [F.key("web")])
        #expect(entry.trafficPolicy == .cluster)
    }

    @Test func ipsInNoPoolAreReportedAndBGPPoolIPsAreLeftToTheBGPPlan() throws {
        let stray = F.ip("10.9.9.9")
        let routed = F.ip("203.0.113.7")
        let plan = F.plan([F.service("stray", [stray]), F.service("routed", [routed])], node: "node-a")
        #expect(plan.entries.isEmpty)
        #expect(plan.announced.isEmpty)
        #expect(plan.skipped.map(\.ip) == [stray])
        #expect(plan.skipped(for: stray)?.reason == .noPool)
        #expect(plan.skipped(for: stray)?.reason.code == "noPool")
        #expect(plan.services(for: stray) == [F.key("stray")])
        #expect(plan.skipped(for: routed) == nil)
        #expect(plan.entry(for: routed) == nil)
        #expect(plan.services(for: routed).isEmpty)
    }

    @Test func servicesThatAreNotOursAreIgnored() {
        let ip = Self.aIP
        let foreign = KubeAPI.Service(
            metadata: ObjectMeta(name: "other-lb", namespace: "default"),
            spec: ServiceSpec(type: .loadBalancer, loadBalancerClass: "example.com/other"),
            status: ServiceStatus(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: ip.description)])))
        let nodePort = KubeAPI.Service(
            metadata: ObjectMeta(name: "np", namespace: "default"), spec: ServiceSpec(type: .nodePort),
            status: ServiceStatus(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "192.0.2.200")])))
        let services = [SpeakerService(foreign, loadBalancerClass: nil), SpeakerService(nodePort, loadBalancerClass: nil)]
        for node in F.names {
            let plan = F.plan(services, node: node)
            #expect(plan.entries.isEmpty && plan.skipped.isEmpty && plan.announced.isEmpty, "\(node)")
            #expect(plan.services(for: ip).isEmpty)
        }
    }

    @Test func dualStackServiceGivesTwoIPs() throws {
        let v4 = F.ip("192.0.2.20")
        let v6 = F.ip("2001:db8::20")
        let owners = try F.names.map { node in
            let plan = F.plan([F.service("dual", [v6, v4])], node: node)
            #expect(plan.entries.map(\.ip) == [v4, v6])
            return try [#require(plan.entry(for: v4)?.owner), #require(plan.entry(for: v6)?.owner)]
        }
        #expect(owners.allSatisfy { $0 == owners[0] })
        #expect(owners[0] == [F.best(for: v4, among: F.names), F.best(for: v6, among: F.names)])
    }

    @Test func sharedIPIsOneEntryListingEverySharer() throws {
        let ip = Self.cIP
        let services = [F.service("b-svc", [ip]), F.service("a-svc", [ip]), F.service("a-svc", [ip])]
        let plan = F.plan(services, node: "node-c")
        #expect(plan.entries.count == 1)
        #expect(plan.entry(for: ip)?.services == [F.key("a-svc"), F.key("b-svc")])
        #expect(plan.services(for: ip) == [F.key("a-svc"), F.key("b-svc")])
        #expect(plan.announced == [ip])
    }

    @Test func aNodeMissingFromTheNodeListAnnouncesNothing() throws {
        let plan = F.plan([F.service("web", [Self.aIP])], nodes: Array(F.nodes.dropFirst()), node: "node-a")
        #expect(!plan.localNodeKnown)
        #expect(plan.announced.isEmpty)
        let entry = try #require(plan.entry(for: Self.aIP))
        #expect(entry.owner == F.best(for: Self.aIP, among: ["node-b", "node-c"]))
        #expect(F.plan([F.service("web", [Self.aIP])], node: "node-a").localNodeKnown)
    }

    @Test func inputOrderDoesNotMatter() {
        let services = [
            F.service("web", [Self.aIP, F.ip("2001:db8::5")], policy: .local), F.service("db", [Self.cIP]),
            F.service("stray", [F.ip("10.1.1.1")]),
        ]
        let ready: [ServiceKey: Set<String>] = [F.key("web"): ["node-b", "node-c"]]
        for node in F.names {
            let forward = F.plan(services, ready: ready, node: node)
            let backward = F.plan(services.reversed(), ready: ready, nodes: F.nodes.reversed(), node: node)
            #expect(forward == backward)
        }
    }
}
