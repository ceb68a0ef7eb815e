import LBCore
import Testing

@testable import LBController

/// Applies a decision to a snapshot the way the API server would after the glue writes it.
func applying(_ d: ServiceDecision, to s: ServiceSnapshot) -> ServiceSnapshot {
    var s = s
    if case .set(let ips) = d.status {
        s.statusIPs = ips
        s.statusHasForeignEntries = false
    }
    switch d.poolAnnotation {
    case .none: break
    case .some(.none): s.annotations[ServiceAnnotations.assignedPool] = nil
    case .some(.some(let p)): s.annotations[ServiceAnnotations.assignedPool] = p
    }
    return s
}

func snap(
    _ name: String, ns: String = "default", annotations: [String: String] = [:], lbIP: String? = nil,
    isLB: Bool = true, lbClass: String? = nil, ports: [Int] = [80], status: [String] = []
) -> ServiceSnapshot {
    ServiceSnapshot(
        key: ServiceKey(namespace: ns, name: name), uid: "uid-\(ns)-\(name)", isLoadBalancer: isLB,
        loadBalancerClass: lbClass, annotations: annotations, loadBalancerIP: lbIP, ports: ports.map { ServicePort($0) },
        statusIPs: status.compactMap { IPAddress($0) })
}

let twoPools = """
    address-pools:
    - name: first
      protocol: layer2
      addresses: [192.0.2.0/30]
    - name: second
      protocol: layer2
      addresses: [198.51.100.0/30]
    """

let secondOnly = """
    address-pools:
    - name: second
      protocol: layer2
      addresses: [198.51.100.0/30]
    """

@Suite struct ControllerCoreTests {
    /// Reconciles until the decision is a no-op (as the informer would deliver our own writes).
    func settle(_ core: inout ControllerCore, _ s: ServiceSnapshot) -> (ServiceSnapshot, [ControllerEvent]) {
        var s = s
        var events: [ControllerEvent] = []
        for _ in 0..<4 {
            let d = core.reconcile(s)
            events += d.events
            if d.status == .keep && d.poolAnnotation == nil { return (s, events) }
            s = applying(d, to: s)
        }
        Issue.record("\(s.key) did not settle")
        return (s, events)
    }

    @Test func nothingHappensBeforeAConfigIsLoaded() {
        var core = ControllerCore()
        let d = core.reconcile(snap("a", status: ["203.0.113.9"]))
        #expect(d.isNoop)
        guard case .rejected(let e) = core.applyConfig(text: "address-pools: [{name: x}]") else {
            Issue.record("invalid config accepted")
            return
        }
        #expect(e.kind == .warning && e.reason == "InvalidConfig")
        #expect(e.message.contains("address-pools[0]"))
        #expect(core.configStatus.stale && !core.configStatus.loaded)
        #expect(core.reconcile(snap("a", status: ["203.0.113.9"])).isNoop)
    }

    @Test func allocatesWritesPoolAnnotationAndSettles() {
        var core = ControllerCore()
        guard case .firstLoad = core.applyConfig(text: twoPools) else { Issue.record("not loaded"); return }
        let (s, events) = settle(&core, snap("a"))
        #expect(s.statusIPs == [IPAddress("192.0.2.0")!])
        #expect(s.recordedPool == "first")
        #expect(events.map(\.reason) == ["IPAllocated"])
        #expect(events.first?.message.contains("192.0.2.0") == true)
        // A further reconcile of the settled object writes nothing.
        #expect(core.reconcile(s).isNoop)
    }

    @Test func restartedFiveTimesNoIPChanges() {
        var services = (0..<3).map { snap("s\($0)") } + [snap("req", lbIP: "192.0.2.3")]
        var core = ControllerCore()
        _ = core.applyConfig(text: twoPools)
        services = services.map { settle(&core, $0).0 }
        let before = services.map(\.statusIPs)
        for _ in 0..<5 {
            var fresh = ControllerCore()
            _ = fresh.applyConfig(text: twoPools)
            // Reverse order: a naive controller would hand out addresses in a different order.
            fresh.registerExisting(services.reversed())
            for s in services.reversed() {
                let d = fresh.reconcile(s)
                #expect(fresh.pending[s.key] == nil)
                #expect(d.isNoop, "\(s.key) changed after restart: \(d)")
            }
        }
        #expect(services.map(\.statusIPs) == before)
    }

    @Test func migrationFromMetalLBKeepsStatusIPs() {
        var core = ControllerCore()
        _ = core.applyConfig(text: twoPools)
        let migrated = snap("m", annotations: ["metallb.universe.tf/address-pool": "second"], status: ["198.51.100.2"])
        core.registerExisting([migrated])
        let d = core.reconcile(migrated)
        #expect(d.status == .keep)
        #expect(d.poolAnnotation == .some("second"))
        #expect(d.events.isEmpty)
    }

    @Test func typeChangedAwayClearsStatusAndFreesIP() {
        var core = ControllerCore()
        _ = core.applyConfig(text: twoPools)
        var (a, _) = settle(&core, snap("a"))
        a.isLoadBalancer = false
        let d = core.reconcile(a)
        #expect(d.status == .set([]))
        #expect(d.poolAnnotation == .some(nil))
        #expect(d.events.map(\.reason) == ["IPReleased"])
        #expect(settle(&core, snap("b")).0.statusIPs == [IPAddress("192.0.2.0")!])
    }

    @Test func loadBalancerClassRespected() {
        var mine = ControllerCore(loadBalancerClass: "ironlb.dev/lb")
        var other = ControllerCore()
        _ = mine.applyConfig(text: twoPools)
        _ = other.applyConfig(text: twoPools)
        let classed = snap("c", lbClass: "ironlb.dev/lb")
        let plain = snap("p")
        let foreign = snap("f", lbClass: "example.com/other", status: ["203.0.113.1"])
        #expect(settle(&mine, classed).0.statusIPs.count == 1)
        #expect(mine.reconcile(plain).isNoop)
        #expect(other.reconcile(classed).isNoop)
        #expect(settle(&other, plain).0.statusIPs.count == 1)
        // Another implementation's status is never touched.
        #expect(mine.reconcile(foreign).isNoop)
        #expect(other.reconcile(foreign).isNoop)
    }

    @Test func deletionFreesTheIPForTheNextService() {
        var core = ControllerCore()
        _ = core.applyConfig(text: "address-pools:\n- name: one\n  protocol: layer2\n  addresses: [192.0.2.7/32]\n")
        let (a, _) = settle(&core, snap("a"))
        #expect(a.statusIPs == [IPAddress("192.0.2.7")!])
        let (b, events) = settle(&core, snap("b"))
        #expect(b.statusIPs.isEmpty)
        #expect(events.map(\.reason) == ["AllocationFailed"])
        #expect(core.pending[b.key] != nil)
        #expect(core.pendingToRetry() == [], "nothing was freed yet")
        core.serviceDeleted(a.key)
        #expect(core.pendingToRetry() == [b.key], "a freed address makes pending Services worth retrying")
        #expect(core.pendingToRetry() == [], "once")
        #expect(settle(&core, b).0.statusIPs == [IPAddress("192.0.2.7")!])
        #expect(core.pending[b.key] == nil)
    }

    @Test func poolRemovedServicesMoveWithEvents() {
        var core = ControllerCore()
        _ = core.applyConfig(text: twoPools)
        let (a, _) = settle(&core, snap("a"))
        let (b, _) = settle(&core, snap("b", annotations: ["metallb.universe.tf/address-pool": "first"]))
        #expect(a.recordedPool == "first" && b.recordedPool == "first")
        guard case .applied(let evicted, let event) = core.applyConfig(text: secondOnly) else {
            Issue.record("config not applied")
            return
        }
        #expect(evicted == [a.key, b.key])
        #expect(event.message.contains("default/a"))
        let (a2, ea) = settle(&core, a)
        #expect(a2.statusIPs == [IPAddress("198.51.100.0")!])
        #expect(a2.recordedPool == "second")
        #expect(ea.map(\.reason) == ["IPChanged"])
        #expect(ea.first?.message.contains("192.0.2.0") == true)
        // b insists on the removed pool: it goes pending, with its old IP cleared and a reason.
        let (b2, eb) = settle(&core, b)
        #expect(b2.statusIPs.isEmpty)
        #expect(b2.recordedPool == nil)
        #expect(eb.map(\.reason) == ["AllocationFailed"])
        #expect(eb.first?.message.contains("first") == true)
    }

    @Test func invalidConfigKeepsLastGoodAndMarksStale() {
        var core = ControllerCore()
        _ = core.applyConfig(text: twoPools)
        let (a, _) = settle(&core, snap("a"))
        guard case .rejected(let e) = core.applyConfig(text: twoPools + "\n  bogus-key: 1\n") else {
            Issue.record("bad config accepted")
            return
        }
        #expect(e.message.contains("bogus-key"))
        #expect(e.message.contains("last valid config stays"))
        #expect(core.configStatus.stale)
        #expect(core.reconcile(a).isNoop)
        #expect(settle(&core, snap("b")).0.statusIPs == [IPAddress("192.0.2.1")!])
        #expect(core.applyConfig(text: twoPools) == .unchanged)
        #expect(!core.configStatus.stale)
    }

    @Test func invalidAnnotationClearsAndExplains() {
        var core = ControllerCore()
        _ = core.applyConfig(text: twoPools)
        var (a, _) = settle(&core, snap("a"))
        a.annotations["metallb.universe.tf/loadBalancerIPs"] = "not-an-ip"
        let (a2, events) = settle(&core, a)
        #expect(a2.statusIPs.isEmpty)
        #expect(events.first?.kind == .warning)
        #expect(events.first?.message.contains("not-an-ip") == true)
    }

    @Test func requestedIPTakenIsRefusedWithTheHolder() {
        var core = ControllerCore()
        _ = core.applyConfig(text: twoPools)
        _ = settle(&core, snap("a", lbIP: "192.0.2.2"))
        let (_, events) = settle(&core, snap("b", lbIP: "192.0.2.2"))
        #expect(events.first?.message.contains("default/a") == true)
        #expect(events.first?.reason == "AllocationFailed")
    }

    @Test func foreignStatusEntriesAreRewritten() {
        var core = ControllerCore()
        _ = core.applyConfig(text: twoPools)
        var (a, _) = settle(&core, snap("a"))
        a.statusHasForeignEntries = true
        let d = core.reconcile(a)
        #expect(d.status == .set(a.statusIPs))
        #expect(d.events.isEmpty)
    }
}
