import Foundation
import KubeAPI
import LBCore
import Testing

@testable import LBCtlKit

/// `ExplainReport.build` on fixture objects: each problem it finds and the change it proposes.
@Suite struct ExplainReportTests {
    typealias F = StatusFixtures

    func explain(
        _ service: KubeAPI.Service, config: String? = F.config, others: [KubeAPI.Service] = [], leases: [Lease] = [],
        events: [KubeAPI.Event] = []
    ) -> ExplainReport {
        ExplainReport.build(service, snapshot: F.snapshot(config: config, services: [service] + others, leases: leases, events: events))
    }

    @Test func aHealthyLayer2ServiceHasNoProblems() throws {
        let report = try ExplainRenderTests.report("web")
        #expect(report.healthy)
        #expect(report.state == .served)
        #expect(report.verdict == "192.0.2.1 announced by node-a (layer2, pool default)")
        let b = try #require(report.addresses.first?.nodes.first { $0.node == "node-b" })
        #expect(b.reasons.map(\.code) == ["notElected"])
        let c = try #require(report.addresses.first?.nodes.first { $0.node == "node-c" })
        #expect(c.reasons.map(\.code) == ["speakerNotLive"])
    }

    @Test func everyElectionReasonReachesTheNodeView() throws {
        let ip = "192.0.2.1"
        let reasons: [(String, NotAnnouncingReason)] = [
            ("n-excluded", .excludedByLabel), ("n-network", .networkUnavailable),
            ("n-local", .noReadyLocalEndpoint), ("n-selector", .notSelectedByPool(pool: "default", selectorMismatch: "zone=a")),
            ("n-dead", .speakerNotLive),
        ]
        let leases = reasons.map { node, reason in
            F.lease(node, age: 1, members: [], ips: [F.entry(ip, pool: "default", mode: .layer2, announced: false, owner: nil, reasons: [reason])])
        }
        let report = explain(F.service("web", ips: [ip]), leases: leases)
        let nodes = try #require(report.addresses.first?.nodes)
        for (node, reason) in reasons {
            let view = try #require(nodes.first { $0.node == node })
            #expect(view.reasons == [ExplainReport.Reason(code: reason.code, message: reason.description)])
        }
        // Nobody announces: one problem per distinct reason, its message as the fix.
        #expect(report.problems.count == reasons.count)
        let excluded = try #require(report.problems.first { $0.problem.hasSuffix("n-excluded: excludedByLabel") })
        #expect(excluded.problem == "no live node announces 192.0.2.1; n-excluded: excludedByLabel")
        #expect(excluded.fix == NotAnnouncingReason.excludedByLabel.description)
    }

    @Test func splitViewNamesEachSpeakersOwnerAndMembers() throws {
        let report = try ExplainRenderTests.report("split")
        #expect(report.addresses.first?.splitView == true)
        let problem = try #require(report.problems.first)
        #expect(problem.problem.contains("node-a says node-a and announces it; node-b says node-b and announces it"))
        #expect(problem.fix.contains("node-a sees [node-a,node-b]; node-b sees [node-b]"))
    }

    @Test func staleSpeakerClaimIsAProblemWithAFix() throws {
        let report = try ExplainRenderTests.report("legacy")
        #expect(report.problems.map(\.problem) == [
            "no live node announces 192.0.2.3; node-a, node-b: notSelectedByPool",
            "node-c last said it announces 192.0.2.3, but its speaker is not live (last renewed 1h1m ago)",
        ])
        #expect(report.problems[1].fix.contains("kubectl -n ironlb-system get pods -o wide --field-selector spec.nodeName=node-c"))
    }

    @Test func bgpShowsPeersPerNodeAndANodeWithoutSession() throws {
        let report = try ExplainRenderTests.report("api")
        let address = try #require(report.addresses.first)
        #expect(address.prefix == "198.51.100.5/32")
        #expect(address.announcedBy == ["node-a", "node-b"])
        #expect(address.nodes.first { $0.node == "node-a" }?.peers == ["tor-1"])
        #expect(report.problems.map(\.problem) == ["node-b advertises 198.51.100.5 but to no peer (noSessionEstablished)"])
    }

    @Test func pendingUsesTheControllersEventAndTheAllocatorsFix() throws {
        let report = try ExplainRenderTests.report("db")
        #expect(report.state == .pending)
        #expect(report.controller.requestedPool == "missing")
        #expect(report.controller.events == [
            "Warning AllocationFailed: the address-pool annotation names pool \"missing\", which does not exist (pools: default, routed)"
        ])
        #expect(report.problems.map(\.fix) == ["name an existing pool in the address-pool annotation, or add that pool to the config"])
        #expect(report.addresses.isEmpty)
    }

    @Test func pendingThatTheConfigAllowsPointsAtTheController() throws {
        let report = explain(F.service("late"))
        let problem = try #require(report.problems.first)
        #expect(problem.fix.hasPrefix("the config allows it now (pool \"default\" has room): check that the IronLB controller is running"))
    }

    @Test func requestedIPsInUseSuggestSharing() throws {
        let report = explain(
            F.service("b", annotations: ["metallb.universe.tf/loadBalancerIPs": "192.0.2.5"]),
            others: [F.service("a", ips: ["192.0.2.5"])])
        #expect(report.controller.requestedIPs == ["192.0.2.5"])
        let fix = try #require(report.problems.first?.fix)
        #expect(fix.contains("allow-shared-ip"))
        #expect(fix.contains("default/a"))
    }

    @Test func servicesIronLBDoesNotHandleSayWhy() {
        let classed = explain(F.service("x", lbClass: "example.com/other"))
        #expect(classed.state == .notHandled)
        #expect(classed.problems.first?.problem == "its loadBalancerClass is \"example.com/other\", so another implementation serves it, not IronLB")
        let clusterIP = explain(F.service("y", type: .clusterIP))
        #expect(clusterIP.problems.first?.fix == "set spec.type: LoadBalancer")
    }

    @Test func missingOrInvalidConfigIsTheFirstProblem() {
        let missing = explain(F.service("a"), config: nil)
        #expect(missing.problems.first?.problem == "IronLB has no config: ConfigMap ironlb-system/config is missing or has no \"config\" key")
        #expect(missing.controller.pendingReason == "no IronLB config (ConfigMap ironlb-system/config)")
        let invalid = explain(F.service("a"), config: "address-pools: 3")
        #expect(invalid.problems.count == 1)
        #expect(invalid.problems.first?.fix.contains("lbctl config validate FILE") == true)
    }

    @Test func servedWithoutAnySpeakerIsAProblem() {
        let report = explain(F.service("web", ips: ["192.0.2.1"]))
        #expect(report.problems.map(\.problem) == ["no speaker has a Lease in ironlb-system, so nothing announces the Service's IPs"])
        #expect(!report.healthy)
    }

    @Test func aLiveSpeakerThatDoesNotKnowTheIPSaysSo() throws {
        let report = explain(
            F.service("web", ips: ["192.0.2.1"]),
            leases: [
                F.lease("node-a", age: 1, members: ["node-a", "node-b"], ips: [F.entry("192.0.2.1", pool: "default", mode: .layer2, announced: true, owner: "node-a")]),
                F.lease("node-b", age: 1, members: ["node-a", "node-b"], ips: []),
            ])
        let b = try #require(report.addresses.first?.nodes.first { $0.node == "node-b" })
        #expect(b.announces == nil)
        #expect(b.reasons.map(\.code) == ["ipUnknown"])
        #expect(report.healthy, "node-a announces it; node-b lagging is shown, not a problem")
    }

    @Test func ipInNoPoolIsAProblem() {
        let report = explain(F.service("x", ips: ["203.0.113.7"]))
        #expect(report.problems.first?.problem == "its IPs 203.0.113.7 are in no configured address pool")
    }
}
