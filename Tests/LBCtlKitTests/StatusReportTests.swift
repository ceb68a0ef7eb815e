import Foundation
import KubeAPI
import LBCore
import Testing

@testable import LBCtlKit

/// `StatusReport.build` on fixture objects: no cluster, no I/O.
@Suite struct StatusReportTests {
    typealias F = StatusFixtures

    @Test func verdictWhenAllServed() {
        let report = F.report(
            services: (1...12).map { F.service("s\($0)", ips: ["192.0.2.\($0)"]) },
            leases: [
                F.lease(
                    "node-a", age: 1, members: ["node-a"],
                    ips: (1...12).map { F.entry("192.0.2.\($0)", pool: "default", mode: .layer2, announced: true, owner: "node-a") })
            ])
        #expect(report.verdict == "all 12 services served")
        #expect(report.healthy)
        #expect(!report.hasStrictProblems)
    }

    @Test func verdictCountsPendingAndOtherProblems() {
        let report = F.report(
            services: [F.service("a"), F.service("b"), F.service("c", ips: ["192.0.2.3"])],
            leases: [F.lease("node-a", age: 1, members: [], ips: []), F.lease("node-b", age: 60, state: nil)])
        // node-a's state does not list c's IP: it is served but nobody announces it.
        #expect(report.verdict == "2 services pending; 1 speaker not live; 1 service not announced")
        #expect(report.hasStrictProblems)
        #expect(!report.healthy)

        let none = F.report(config: nil, services: [])
        #expect(none.verdict == "no LoadBalancer services; config missing; no speakers")
        #expect(F.report(services: [F.service("a", ips: ["192.0.2.3"])]).verdict == "1 service served; no speakers")
    }

    @Test func onlyLoadBalancersWithoutAClassAreShown() {
        let report = F.report(services: [
            F.service("lb", ips: ["192.0.2.1"]), F.service("cip", type: .clusterIP),
            F.service("classed", ips: ["192.0.2.2"], lbClass: "example.com/other"),
        ])
        #expect(report.services.map(\.name) == ["default/lb"])
    }

    @Test func pendingReasons() {
        func reason(config: String? = F.config, _ service: KubeAPI.Service, others: [KubeAPI.Service] = []) -> String? {
            F.report(config: config, services: [service] + others).services.first { $0.name == "default/\(service.metadata.name)" }?.reason
        }
        #expect(reason(config: nil, F.service("a")) == "no IronLB config (ConfigMap ironlb-system/config)")
        #expect(reason(config: "address-pools: 3", F.service("a")) == "IronLB config is invalid (1 error)")
        // Without an event from the controller, the allocator is asked the controller's question.
        #expect(reason(config: "", F.service("a")) == "no address pools are configured; add an address-pools entry to the IronLB ConfigMap")
        #expect(
            reason(F.service("a", annotations: ["metallb.universe.tf/address-pool": "gold"]))
                == "the address-pool annotation names pool \"gold\", which does not exist (pools: default, routed)")
        #expect(
            reason(F.service("a"))
                == "not assigned yet, though pool \"default\" has room (192.0.2.0); check that the IronLB controller is running")
        let tiny = "address-pools: [{name: tiny, protocol: layer2, addresses: [192.0.2.1/32]}]"
        #expect(
            reason(config: tiny, F.service("a"), others: [F.service("b", ips: ["192.0.2.1"])])
                == "no auto-assign pool can give namespace \"default\" addresses: pool \"tiny\" has no free IPv4 address; add addresses to it or free some")
        // The controller's own event wins: it is what the controller decided.
        let report = F.report(
            services: [F.service("a")],
            events: [
                F.event(about: "a", reason: "AllocationFailed", message: "older", age: 90),
                F.event(about: "a", reason: "AllocationFailed", message: "requested IP 192.0.2.9 is in use", age: 10),
                F.event(about: "a", namespace: "other", reason: "AllocationFailed", message: "another Service's", age: 1),
            ])
        #expect(report.services.first?.reason == "requested IP 192.0.2.9 is in use")
    }

    @Test func servedServiceTakesPoolFromAnnotationElseFromItsIP() throws {
        let report = F.cluster
        let web = try #require(report.services.first { $0.name == "default/web" })
        #expect(web.state == .served)
        #expect(web.pool == "default")
        #expect(web.mode == "layer2")
        #expect(web.node == "node-a")
        #expect(web.reason == nil)
        let api = try #require(report.services.first { $0.name == "shop/api" })
        #expect(api.pool == "routed")
        #expect(api.mode == "bgp")
        #expect(api.node == "node-a,node-b")

        let stray = F.report(services: [F.service("x", ips: ["203.0.113.7"])]).services[0]
        #expect(stray.pool == nil)
        #expect(stray.reason == "IP in no configured pool")
    }

    @Test func speakersThatDisagreeShowASplitView() throws {
        let ip = "192.0.2.1"
        let report = F.report(
            services: [F.service("web", ips: [ip])],
            leases: [
                F.lease("node-a", age: 1, members: ["node-a"], ips: [F.entry(ip, pool: "default", mode: .layer2, announced: true, owner: "node-a")]),
                F.lease("node-b", age: 1, members: ["node-b"], ips: [F.entry(ip, pool: "default", mode: .layer2, announced: true, owner: "node-b")]),
            ])
        let web = try #require(report.services.first)
        #expect(web.node == "split view")
        #expect(web.reason == "speakers disagree on the announcing node")
        #expect(report.verdict == "1 service served; 1 split view")
    }

    @Test func aDeadSpeakersStaleClaimIsIgnored() throws {
        let ip = "192.0.2.1"
        let report = F.report(
            services: [F.service("web", ips: [ip])],
            leases: [
                F.lease("node-a", age: 30, members: ["node-a"], ips: [F.entry(ip, pool: "default", mode: .layer2, announced: true, owner: "node-a")]),
                F.lease("node-b", age: 1, members: ["node-b"], ips: [F.entry(ip, pool: "default", mode: .layer2, announced: true, owner: "node-b")]),
            ])
        #expect(report.services.first?.node == "node-b")
        let a = try #require(report.speakers.first { $0.node == "node-a" })
        #expect(!a.live)
        #expect(a.lastRenewalAgeSeconds == 30)
        #expect(a.announced == 1)
        #expect(report.verdict == "1 service served; 1 speaker not live")
    }

    @Test func speakerLivenessIsRenewTimePlusDuration() {
        let report = F.report(services: [], leases: [
            F.lease("fresh", age: 14.9, state: nil), F.lease("expired", age: 15, state: nil),
        ])
        #expect(report.speakers.map(\.node) == ["expired", "fresh"])
        #expect(report.speakers.map(\.live) == [false, true])
        var neverRenewed = F.lease("never", age: 0, state: nil)
        neverRenewed.spec.renewTime = nil
        let never = F.report(services: [], leases: [neverRenewed]).speakers[0]
        #expect(!never.live)
        #expect(never.lastRenewal == nil)
    }

    @Test func malformedOrMissingStateIsANoteNotACrash() {
        let report = F.report(services: [F.service("web", ips: ["192.0.2.1"])], leases: [
            F.lease("garbage", age: 1, state: "{not json"),
            F.lease("future", age: 1, state: #"{"version": 99, "node": "future"}"#),
            F.lease("wrongtype", age: 1, state: #"{"version": 1, "node": "x", "liveMembers": "x", "ips": []}"#),
            F.lease("none", age: 1, state: nil),
            F.lease("empty", age: 1, state: ""),
        ])
        let notes = Dictionary(uniqueKeysWithValues: report.speakers.map { ($0.node, $0.note ?? "") })
        #expect(notes["none"] == "no ironlb.dev/speaker-state annotation")
        #expect(notes["garbage"]?.hasPrefix("unreadable ironlb.dev/speaker-state annotation: speaker state is not a valid document") == true)
        #expect(notes["future"]?.contains("version 99") == true)
        #expect(notes["wrongtype"]?.contains("liveMembers") == true)
        #expect(notes["empty"]?.hasPrefix("unreadable") == true)
        #expect(report.speakers.allSatisfy { $0.announced == nil && $0.members.isEmpty && $0.live })
        #expect(report.services.first?.node == nil)
    }

    @Test func poolUsageIsExactForASlash64() throws {
        let report = F.report(services: [
            F.service("a", ips: ["192.0.2.1", "2001:db8::1"]), F.service("b", ips: ["192.0.2.1"]),
            F.service("c", ips: ["2001:db8::ffff"]), F.service("d", ips: ["198.51.100.1"]),
        ])
        let pool = try #require(report.pools.first { $0.name == "default" })
        #expect(pool.protocol == "layer2")
        #expect(pool.families == [
            StatusReport.FamilyUsage(family: "IPv4", inUse: "1", total: "16"),
            StatusReport.FamilyUsage(family: "IPv6", inUse: "2", total: "18446744073709551616"),
        ])
        #expect(report.pools.first { $0.name == "routed" }?.families == [
            StatusReport.FamilyUsage(family: "IPv4", inUse: "1", total: "256")
        ])
    }

    @Test func invalidConfigListsTheParsersErrors() {
        let report = F.report(config: "address-pools:\n- {name: a, protocol: bgp}\n", services: [F.service("a")])
        #expect(report.config.state == .invalid)
        #expect(report.config.errors == [
            "address-pools[0].addresses: missing: expected a list of CIDRs (192.0.2.0/24) or ranges (192.0.2.10-192.0.2.20) (line 2)"
        ])
        #expect(report.pools.isEmpty)
        #expect(report.verdict == "1 service pending; config invalid; no speakers")
        #expect(report.hasStrictProblems)
    }

    @Test func bgpServicesShowAdvertisingNodesPeersAndSessions() throws {
        let report = F.cluster
        let api = try #require(report.services.first { $0.name == "shop/api" })
        #expect(api.node == "node-a,node-b")
        #expect(api.peers == ["tor-1"])
        #expect(api.reason == "node-b advertises to no peer")
        let a = try #require(report.speakers.first { $0.node == "node-a" })
        #expect(a.bgpSessionsUp == 1 && a.bgpSessionsTotal == 1)
        let b = try #require(report.speakers.first { $0.node == "node-b" })
        #expect(b.bgpSessionsUp == 0 && b.bgpSessionsTotal == 1)
        #expect(b.note == "bgp tor-1 Active: connection refused")
        let c = try #require(report.speakers.first { $0.node == "node-c" })
        #expect(c.bgpSessionsTotal == nil, "a layer-2-only speaker runs no session")

        let lonely = F.report(
            services: [F.service("api", ips: ["198.51.100.5"])],
            leases: [F.lease("node-a", age: 1, members: ["node-a"], ips: [F.bgpEntry("198.51.100.5", pool: "routed", advertised: true, peers: [])])])
        #expect(lonely.services.first?.peers == [])
        #expect(lonely.services.first?.reason == "advertised to no peer (no BGP session up)")
    }

    @Test func aClaimOnlyByADeadSpeakerIsNotAnnounced() throws {
        let legacy = try #require(F.cluster.services.first { $0.name == "default/legacy" })
        #expect(legacy.node == "none")
        #expect(legacy.reason == "only a speaker that is not live claims it (node-c)")
        #expect(!F.cluster.healthy)
    }

    @Test func configStateCarriesTheControllersLatestEvent() {
        let events = [
            F.event(about: "config", namespace: "ironlb-system", kind: "ConfigMap", type: .normal, reason: "ConfigLoaded", message: "config loaded: 1 pool, 0 peers", age: 600),
            F.event(about: "config", namespace: "ironlb-system", kind: "ConfigMap", reason: "InvalidConfig", message: "config refused (1 error), the last valid config stays in force: x", age: 5),
        ]
        let report = F.report(config: "address-pools: 3", services: [], events: events)
        #expect(report.config.state == .invalid)
        #expect(report.config.stale)
        #expect(report.config.lastEvent == "InvalidConfig: config refused (1 error), the last valid config stays in force: x")
        let fine = F.report(services: [], events: events)
        #expect(!fine.config.stale)
    }

    @Test func namespaceFilterListsOnlyThatNamespaceButCountsEveryIP() {
        let report = StatusReport.build(F.clusterSnapshot, namespace: "shop")
        #expect(report.services.map(\.name) == ["shop/api"])
        #expect(report.pools.first?.families.first?.inUse == "3")
    }

    @Test func ageFormatting() {
        #expect(TableLayout.age(0) == "0s")
        #expect(TableLayout.age(59) == "59s")
        #expect(TableLayout.age(60) == "1m")
        #expect(TableLayout.age(75) == "1m15s")
        #expect(TableLayout.age(3700) == "1h1m")
        #expect(TableLayout.age(90000) == "1d1h")
    }
}
