import Foundation
import KubeAPI
import KubeTestServer
import LBController
import LBCore
import Testing

/// The controller end to end: a real `ServiceController` (informers, leader election, status
/// writes, events) against KubeTestServer over HTTP. Each test has its own server.
@Suite(.timeLimit(.minutes(2))) struct ControllerScenarioTests {
    static let poolsConfig = """
        address-pools:
        - name: default
          protocol: layer2
          addresses: [192.0.2.0/29]
        - name: manual
          protocol: layer2
          auto-assign: false
          addresses: [198.51.100.0/29]
        - name: team
          protocol: layer2
          namespaces: [team-a]
          auto-assign: false
          addresses: [203.0.113.0/29]
        - name: dual
          protocol: layer2
          auto-assign: false
          addresses: [203.0.113.64/29, "2001:db8::/64"]
        - name: v4only
          protocol: layer2
          auto-assign: false
          addresses: [203.0.113.128/29]
        """

    @Test func assignsRequestedPoolAndAutoAssignRules() async throws {
        let lab = try await ControllerLab.start(config: Self.poolsConfig, namespaces: ["team-a", "team-b"])
        let c = lab.startController(identity: "c1")
        try await lab.createService("auto")
        try await lab.createService("requested", lbIP: "192.0.2.5")
        try await lab.createService("by-pool", annotations: ["metallb.universe.tf/address-pool": "manual"])
        try await lab.createService("by-ip-in-manual", annotations: ["metallb.io/loadBalancerIPs": "198.51.100.7"])
        try await lab.createService("ns-ok", namespace: "team-a", annotations: ["ironlb.dev/address-pool": "team"])
        try await lab.createService("ns-refused", namespace: "team-b", annotations: ["ironlb.dev/address-pool": "team"])
        #expect(try await lab.waitForIPs("auto") == ["192.0.2.0"])
        #expect(try await lab.waitForIPs("requested") == ["192.0.2.5"])
        #expect(try await lab.waitForIPs("by-pool") == ["198.51.100.0"])
        #expect(try await lab.waitForIPs("by-ip-in-manual") == ["198.51.100.7"])
        #expect(try await lab.waitForIPs("ns-ok", namespace: "team-a") == ["203.0.113.0"])
        let refused = try await lab.waitForEvent("AllocationFailed", on: "ns-refused", namespace: "team-b")
        #expect(refused.type == .warning)
        #expect(refused.message?.contains("team-b") == true)
        #expect(try await lab.ingressIPs("ns-refused", namespace: "team-b").isEmpty)
        // The status carries ipMode VIP and the pool is recorded.
        let svc = try await lab.service("by-pool")
        #expect(svc.status.loadBalancer.ingress.first?.ipMode == .vip)
        #expect(svc.metadata.annotations["ironlb.dev/assigned-pool"] == "manual")
        let allocated = try await lab.waitForEvent("IPAllocated", on: "auto")
        #expect(allocated.message?.contains("192.0.2.0") == true)
        #expect(allocated.involvedObject.uid == (try await lab.service("auto")).metadata.uid)
        await c.stop()
        await lab.shutdown()
    }

    /// Status and pool annotation travel in one conditional /status patch; when it answers 409
    /// (someone wrote the Service meanwhile), both are written again on a fresh read.
    @Test func statusAndAnnotationSurviveAConflict() async throws {
        let lab = try await ControllerLab.start()
        lab.server.addFault(
            FaultRule(
                method: "PATCH", pathPrefix: "/api/v1/namespaces/default/services/contended/status",
                error: .conflict(.services, name: "contended"), remaining: 1))
        let c = lab.startController(identity: "c1")
        try await lab.createService("contended")
        #expect(try await lab.waitForIPs("contended") == ["192.0.2.0"])
        let svc = try await lab.service("contended")
        #expect(svc.metadata.annotations[ServiceAnnotations.assignedPool] == "default")
        #expect(svc.status.loadBalancer.ingress.first?.ipMode == .vip)
        #expect(lab.server.requestCount("update", "services/status") >= 1)  // the fresh-read retry ran
        await c.stop()
        await lab.shutdown()
    }

    @Test func sharingAllowedAndRefused() async throws {
        let lab = try await ControllerLab.start(config: Self.poolsConfig)
        let c = lab.startController(identity: "c1")
        try await lab.createService("web", annotations: ["metallb.universe.tf/allow-shared-ip": "k"], ports: [80])
        let ip = try await lab.waitForIPs("web")[0]
        try await lab.createService(
            "web-tls", annotations: ["metallb.universe.tf/allow-shared-ip": "k", "metallb.universe.tf/loadBalancerIPs": ip],
            ports: [443])
        #expect(try await lab.waitForIPs("web-tls") == [ip])
        try await lab.createService(
            "clash", annotations: ["metallb.universe.tf/allow-shared-ip": "k", "metallb.universe.tf/loadBalancerIPs": ip],
            ports: [80])
        let e = try await lab.waitForEvent("AllocationFailed", on: "clash")
        #expect(e.message?.contains("80/TCP") == true)
        await c.stop()
        await lab.shutdown()
    }

    @Test func dualStackRequireAndPrefer() async throws {
        let lab = try await ControllerLab.start(config: Self.poolsConfig)
        let c = lab.startController(identity: "c1")
        try await lab.createService(
            "req", annotations: ["ironlb.dev/address-pool": "dual"], families: [.ipv4, .ipv6], policy: .requireDualStack)
        try await lab.createService(
            "pref", annotations: ["ironlb.dev/address-pool": "v4only"], families: [.ipv4, .ipv6],
            policy: .preferDualStack)
        try await lab.createService(
            "req-v4only", annotations: ["ironlb.dev/address-pool": "v4only"], families: [.ipv4, .ipv6],
            policy: .requireDualStack)
        #expect(try await lab.waitForIPs("req", count: 2) == ["203.0.113.64", "2001:db8::"])
        #expect(try await lab.waitForIPs("pref") == ["203.0.113.128"])
        let e = try await lab.waitForEvent("AllocationFailed", on: "req-v4only")
        #expect(e.message?.contains("IPv6") == true)
        await c.stop()
        await lab.shutdown()
    }

    @Test func restartedFiveTimesNoIPChanges() async throws {
        let lab = try await ControllerLab.start()
        var c = lab.startController(identity: "c0")
        let names = (0..<8).map { "s\($0)" }
        for n in names { try await lab.createService(n) }
        for n in names { _ = try await lab.waitForIPs(n) }
        var before: [String: [String]] = [:]
        for n in names { before[n] = try await lab.ingressIPs(n) }
        for round in 1...5 {
            await c.stop()
            // Deleting and recreating one Service between restarts must not disturb the others.
            lab.server.resetRequestCounts()
            let next = lab.startController(identity: "c\(round)")
            c = next
            try await lab.waitFor("controller c\(round) to lead") { await next.controller.isLeader }
            try await lab.waitFor("c\(round) to reconcile everything") {
                await next.controller.coreSnapshot.allocator?.assignmentCount == names.count
            }
            for n in names {
                #expect(try await lab.ingressIPs(n) == before[n], "round \(round): \(n) moved")
            }
            // Zero changes: no status or annotation writes at all.
            #expect(lab.server.requestCount("update", "services/status") == 0, "round \(round)")
            #expect(lab.server.requestCount("PATCH", "services") == 0, "round \(round)")
        }
        await c.stop()
        await lab.shutdown()
    }

    @Test func poolRemovedAndInvalidConfigIgnored() async throws {
        let lab = try await ControllerLab.start(config: Self.poolsConfig)
        let c = lab.startController(identity: "c1")
        try await lab.createService("a", annotations: ["ironlb.dev/address-pool": "manual"])
        try await lab.createService("b")
        #expect(try await lab.waitForIPs("a") == ["198.51.100.0"])
        #expect(try await lab.waitForIPs("b") == ["192.0.2.0"])
        // Invalid: refused with a Warning on the ConfigMap, nothing changes.
        try await lab.setConfig(Self.poolsConfig + "\n  bogus: 1\n")
        let warning = try await lab.waitForEvent("InvalidConfig", on: "config", namespace: "ironlb-system", kind: "ConfigMap")
        #expect(warning.type == .warning)
        #expect(warning.message?.contains("bogus") == true)
        #expect(await c.controller.coreSnapshot.configStatus.stale)
        try await lab.createService("c")
        #expect(try await lab.waitForIPs("c") == ["192.0.2.1"])
        // The pool "default" goes away: b moves to the new pool, a loses its pool and is cleared.
        try await lab.setConfig(
            """
            address-pools:
            - name: replacement
              protocol: layer2
              addresses: [192.0.2.128/29]
            """)
        try await lab.waitFor("b to move") { try await lab.ingressIPs("b") == ["192.0.2.128"] }
        try await lab.waitFor("a to be cleared") { try await lab.ingressIPs("a").isEmpty }
        let moved = try await lab.waitForEvent("IPChanged", on: "b")
        #expect(moved.message?.contains("192.0.2.0") == true)
        _ = try await lab.waitForEvent("AllocationFailed", on: "a")
        await c.stop()
        await lab.shutdown()
    }

    @Test func classTypeChangeAndDeletion() async throws {
        let lab = try await ControllerLab.start(
            config: "address-pools:\n- name: one\n  protocol: layer2\n  addresses: [192.0.2.9/32]\n")
        let c = lab.startController(identity: "c1")
        try await lab.createService("classed", lbClass: "example.com/other")
        try await lab.createService("a")
        #expect(try await lab.waitForIPs("a") == ["192.0.2.9"])
        try await lab.createService("b")
        _ = try await lab.waitForEvent("AllocationFailed", on: "b")
        // Type changed away: status cleared, IP freed, b gets it.
        var a = try await lab.service("a")
        a.spec.type = .clusterIP
        a.spec.ports = a.spec.ports.map { var p = $0; p.nodePort = nil; return p }
        _ = try await lab.client.update(a)
        try await lab.waitFor("a cleared") { try await lab.ingressIPs("a").isEmpty }
        #expect(try await lab.waitForIPs("b") == ["192.0.2.9"])
        // Deletion frees it for the next.
        try await lab.client.delete(KubeAPI.Service.self, namespace: "default", name: "b")
        try await lab.createService("c")
        #expect(try await lab.waitForIPs("c") == ["192.0.2.9"])
        #expect(try await lab.ingressIPs("classed").isEmpty)
        await c.stop()
        await lab.shutdown()
    }

    @Test func expiredAndDroppedWatchesDuringABurst() async throws {
        let lab = try await ControllerLab.start(
            config: "address-pools:\n- name: big\n  protocol: layer2\n  addresses: [10.10.0.0/24]\n")
        let c = lab.startController(identity: "c1")
        try await lab.waitFor("leader") { await c.controller.isLeader }
        for i in 0..<60 {
            try await lab.createService("burst-\(i)")
            if i % 15 == 5 { lab.server.forceExpiredWatches(2) }
            if i % 15 == 10 { lab.server.dropWatches() }
            if i == 30 { lab.server.compactHistory() }
        }
        var seen = Set<String>()
        for i in 0..<60 {
            let ips = try await lab.waitForIPs("burst-\(i)")
            #expect(ips.count == 1)
            #expect(!seen.contains(ips[0]), "burst-\(i) got a duplicate IP \(ips[0])")
            seen.insert(ips[0])
        }
        await c.stop()
        await lab.shutdown()
    }

    @Test func onlyTheLeaderWritesAndAStandbyTakesOver() async throws {
        let lab = try await ControllerLab.start()
        let c1 = lab.startController(identity: "c1")
        try await lab.waitFor("c1 leads") { await c1.controller.isLeader }
        let c2 = lab.startController(identity: "c2")
        try await lab.createService("x")
        _ = try await lab.waitForIPs("x")
        try await Task.sleep(for: .milliseconds(500))
        #expect(await c1.controller.isLeader)
        #expect(!(await c2.controller.isLeader))
        #expect(await c2.controller.coreSnapshot.allocator == nil, "the standby must not have decided anything")
        // The leader dies without releasing its lease: the standby takes over within the lease
        // duration and serves new Services.
        await c1.kill()
        try await lab.waitFor("c2 takes over", timeout: .seconds(15)) { await c2.controller.isLeader }
        try await lab.createService("y")
        #expect(try await lab.waitForIPs("y") == ["192.0.2.1"])
        #expect(try await lab.ingressIPs("x") == ["192.0.2.0"])
        // Graceful stop releases the lease at once: a third controller leads quickly.
        await c2.stop()
        let lease = try await lab.client.get(Lease.self, namespace: "ironlb-system", name: "ironlb-controller")
        #expect((lease.spec.holderIdentity ?? "").isEmpty, "a gracefully stopped leader releases the lease")
        await lab.shutdown()
    }
}
