import Testing

@testable import LBCore

// Scenario tables in the spirit of MetalLB's allocator tests: each scenario is a list of steps
// against one allocator, and each step states what must happen.

/// Shorthand for a Service request.
func svc(
    _ name: String, ns: String = "default", ips: [String] = [], pool: String? = nil, share: String? = nil,
    ports: [Int] = [80], udp: [Int] = [], local: Bool = false, selector: [String: String] = ["app": "a"],
    families: [IPFamily] = [.ipv4], policy: IPFamilyPolicy? = nil
) -> ServiceRequest {
    ServiceRequest(
        key: ServiceKey(namespace: ns, name: name), requestedIPs: ips.compactMap { IPAddress($0) }, pool: pool,
        sharingKey: share, ports: ports.map { ServicePort($0, .tcp) } + udp.map { ServicePort($0, .udp) },
        externalTrafficPolicy: local ? .local : .cluster, selector: selector, ipFamilies: families,
        ipFamilyPolicy: policy)
}

func pool(
    _ name: String, _ ranges: [String], auto: Bool = true, buggy: Bool = false, namespaces: [String] = [],
    proto: PoolProtocol = .layer2
) -> AddressPool {
    AddressPool(
        name: name, protocol: proto, ranges: ranges.map { try! IPRange.parse($0) }, autoAssign: auto,
        avoidBuggyIPs: buggy, namespaces: namespaces)
}

enum Step: CustomStringConvertible {
    /// Assign and expect exactly these IPs.
    case assign(ServiceRequest, [String], existing: [String] = [])
    /// Assign and expect a refusal with this reason tag and a message containing `fragment`.
    case refuse(ServiceRequest, reason: String, fragment: String = "")
    case register(ServiceRequest, [String])
    case registerRefused(ServiceRequest, [String], reason: String)
    case release(String, ns: String = "default")
    /// Apply a new config; these services (names) must be evicted, all others kept.
    case config(Config, evicted: [String])
    /// Pool usage: IPv4 in use, IPv6 in use.
    case usage(String, v4: Int, v6: Int)

    var description: String {
        switch self {
        case .assign(let r, let ips, _): "assign \(r.key) -> \(ips)"
        case .refuse(let r, let reason, _): "refuse \(r.key) (\(reason))"
        case .register(let r, let ips): "register \(r.key) \(ips)"
        case .registerRefused(let r, _, let reason): "register refused \(r.key) (\(reason))"
        case .release(let n, let ns): "release \(ns)/\(n)"
        case .config(_, let ev): "config, evicting \(ev)"
        case .usage(let p, let v4, let v6): "usage \(p) \(v4)/\(v6)"
        }
    }
}

struct Scenario: CustomTestStringConvertible, Sendable {
    let name: String
    let pools: [AddressPool]
    let steps: [Step]
    var testDescription: String { name }
}

extension Step: @unchecked Sendable {}

let scenarios: [Scenario] = [
    Scenario(
        name: "s1 gets the first IP, s2 the next, lowest first", pools: [pool("p", ["192.0.2.0/30"])],
        steps: [
            .assign(svc("s1"), ["192.0.2.0"]),
            .assign(svc("s2"), ["192.0.2.1"]),
            .usage("p", v4: 2, v6: 0),
        ]),
    Scenario(
        name: "s2 cannot take s1's IP", pools: [pool("p", ["192.0.2.0/30"])],
        steps: [
            .assign(svc("s1", ips: ["192.0.2.2"]), ["192.0.2.2"]),
            .refuse(svc("s2", ips: ["192.0.2.2"]), reason: "RequestedIPInUse", fragment: "default/s1"),
        ]),
    Scenario(
        name: "s1 frees its IP and s2 can take it", pools: [pool("p", ["192.0.2.0/30"])],
        steps: [
            .assign(svc("s1", ips: ["192.0.2.2"]), ["192.0.2.2"]),
            .release("s1"),
            .assign(svc("s2", ips: ["192.0.2.2"]), ["192.0.2.2"]),
            .usage("p", v4: 1, v6: 0),
        ]),
    Scenario(
        name: "a released IP below the cursor is reused first", pools: [pool("p", ["192.0.2.0/29"])],
        steps: [
            .assign(svc("a"), ["192.0.2.0"]), .assign(svc("b"), ["192.0.2.1"]), .assign(svc("c"), ["192.0.2.2"]),
            .release("b"),
            .assign(svc("d"), ["192.0.2.1"]),
            .assign(svc("e"), ["192.0.2.3"]),
        ]),
    Scenario(
        name: "requested IPs ahead of the cursor are skipped", pools: [pool("p", ["192.0.2.0/29"])],
        steps: [
            .assign(svc("a", ips: ["192.0.2.1"]), ["192.0.2.1"]),
            .assign(svc("b"), ["192.0.2.0"]),
            .assign(svc("c"), ["192.0.2.2"]),
            .release("a"),
            .assign(svc("d"), ["192.0.2.1"]),
        ]),
    Scenario(
        name: "pool exhausted", pools: [pool("p", ["192.0.2.0/31"])],
        steps: [
            .assign(svc("a"), ["192.0.2.0"]), .assign(svc("b"), ["192.0.2.1"]),
            .refuse(svc("c"), reason: "NoPoolAvailable", fragment: "pool \"p\" has no free IPv4 address"),
            .refuse(svc("c", pool: "p"), reason: "PoolExhausted"),
        ]),
    Scenario(
        name: "requested IP not in any pool", pools: [pool("p", ["192.0.2.0/30"])],
        steps: [.refuse(svc("a", ips: ["198.51.100.1"]), reason: "RequestedIPNotInPool", fragment: "not in any address pool")]
    ),
    Scenario(
        name: "no pools configured", pools: [],
        steps: [.refuse(svc("a"), reason: "NoPools")]),
    Scenario(
        name: "pool annotation picks the pool, unknown pool refused",
        pools: [pool("a", ["192.0.2.0/30"]), pool("b", ["198.51.100.0/30"])],
        steps: [
            .assign(svc("s1", pool: "b"), ["198.51.100.0"]),
            .assign(svc("s2"), ["192.0.2.0"]),
            .refuse(svc("s3", pool: "zzz"), reason: "UnknownPool", fragment: "pools: a, b"),
            .refuse(svc("s4", ips: ["192.0.2.3"], pool: "b"), reason: "RequestedIPNotInPool", fragment: "not in pool \"b\""),
        ]),
    Scenario(
        name: "auto-assign off: only by annotation or requested IP",
        pools: [pool("manual", ["192.0.2.0/30"], auto: false), pool("auto", ["198.51.100.0/30"])],
        steps: [
            .assign(svc("s1"), ["198.51.100.0"]),
            .assign(svc("s2", pool: "manual"), ["192.0.2.0"]),
            .assign(svc("s3", ips: ["192.0.2.3"]), ["192.0.2.3"]),
        ]),
    Scenario(
        name: "auto-assign off everywhere", pools: [pool("manual", ["192.0.2.0/30"], auto: false)],
        steps: [.refuse(svc("s1"), reason: "NoPoolAvailable", fragment: "no pool has auto-assign enabled")]),
    Scenario(
        name: "namespaces restriction",
        pools: [pool("team", ["192.0.2.0/30"], namespaces: ["team-a"]), pool("shared", ["198.51.100.0/30"])],
        steps: [
            .assign(svc("s1", ns: "team-a"), ["192.0.2.0"]),
            .assign(svc("s2", ns: "team-b"), ["198.51.100.0"]),
            .refuse(svc("s3", ns: "team-b", pool: "team"), reason: "NamespaceNotAllowed", fragment: "team-b"),
            .refuse(svc("s4", ns: "team-b", ips: ["192.0.2.3"]), reason: "NamespaceNotAllowed"),
        ]),
    Scenario(
        name: "avoid-buggy-ips skips .0 and .255", pools: [pool("p", ["192.0.2.254-192.0.3.2"], buggy: true)],
        steps: [
            .assign(svc("a"), ["192.0.2.254"]),
            .assign(svc("b"), ["192.0.3.1"]),
            .refuse(svc("c", ips: ["192.0.2.255"]), reason: "RequestedIPBuggy"),
            .assign(svc("d"), ["192.0.3.2"]),
            .refuse(svc("e"), reason: "NoPoolAvailable"),
        ]),
    Scenario(
        name: "sharing allowed: same key, different ports",
        pools: [pool("p", ["192.0.2.0/30"])],
        steps: [
            .assign(svc("dns-tcp", share: "dns", ports: [53]), ["192.0.2.0"]),
            .assign(svc("dns-udp", share: "dns", ports: [], udp: [53]), ["192.0.2.0"]),
            .assign(svc("web", ips: ["192.0.2.0"], share: "dns", ports: [443]), ["192.0.2.0"]),
            .usage("p", v4: 1, v6: 0),
            .release("dns-tcp"),
            .usage("p", v4: 1, v6: 0),
            .release("dns-udp"), .release("web"),
            .usage("p", v4: 0, v6: 0),
        ]),
    Scenario(
        name: "sharing refused: no key, other key, same port, other policy, other selector under Local",
        pools: [pool("p", ["192.0.2.0/30"])],
        steps: [
            .assign(svc("a", share: "k", ports: [80]), ["192.0.2.0"]),
            .refuse(svc("nokey", ips: ["192.0.2.0"], ports: [81]), reason: "RequestedIPInUse", fragment: "allow-shared-ip"),
            .refuse(svc("otherkey", ips: ["192.0.2.0"], share: "x", ports: [81]), reason: "RequestedIPInUse", fragment: "differ"),
            .refuse(svc("sameport", ips: ["192.0.2.0"], share: "k", ports: [80]), reason: "RequestedIPInUse", fragment: "80/TCP"),
            .refuse(svc("local", ips: ["192.0.2.0"], share: "k", ports: [81], local: true), reason: "RequestedIPInUse", fragment: "externalTrafficPolicy"),
            .assign(svc("l1", share: "L", ports: [80], local: true, selector: ["app": "x"]), ["192.0.2.1"]),
            .refuse(svc("l2", ips: ["192.0.2.1"], share: "L", ports: [81], local: true, selector: ["app": "y"]), reason: "RequestedIPInUse", fragment: "selector"),
            .assign(svc("l3", share: "L", ports: [81], local: true, selector: ["app": "x"]), ["192.0.2.1"]),
            // Same key but a clashing port: gets an address of its own.
            .assign(svc("clash", share: "k", ports: [80]), ["192.0.2.2"]),
        ]),
    Scenario(
        name: "dual-stack: require, prefer, single IPv6",
        pools: [pool("dual", ["192.0.2.0/30", "2001:db8::/64"]), pool("v4only", ["198.51.100.0/30"], auto: false)],
        steps: [
            .assign(svc("req", families: [.ipv4, .ipv6], policy: .requireDualStack), ["192.0.2.0", "2001:db8::"]),
            .assign(svc("pref", families: [.ipv6, .ipv4], policy: .preferDualStack), ["192.0.2.1", "2001:db8::1"]),
            .assign(svc("v6", families: [.ipv6], policy: .singleStack), ["2001:db8::2"]),
            .refuse(svc("req4", pool: "v4only", families: [.ipv4, .ipv6], policy: .requireDualStack), reason: "PoolLacksFamily"),
            .assign(svc("pref4", pool: "v4only", families: [.ipv4, .ipv6], policy: .preferDualStack), ["198.51.100.0"]),
            .usage("dual", v4: 2, v6: 3),
        ]),
    Scenario(
        name: "dual-stack: prefer degrades when a family runs out, require fails",
        pools: [pool("dual", ["192.0.2.0/31", "2001:db8::/127"])],
        steps: [
            .assign(svc("a", families: [.ipv4, .ipv6], policy: .requireDualStack), ["192.0.2.0", "2001:db8::"]),
            .assign(svc("b", families: [.ipv6], policy: .singleStack), ["2001:db8::1"]),
            .refuse(svc("c", families: [.ipv4, .ipv6], policy: .requireDualStack), reason: "NoPoolAvailable", fragment: "no free IPv6"),
            .assign(svc("d", families: [.ipv4, .ipv6], policy: .preferDualStack), ["192.0.2.1"]),
        ]),
    Scenario(
        name: "dual-stack requested IPs",
        pools: [pool("dual", ["192.0.2.0/30", "2001:db8::/64"])],
        steps: [
            .assign(svc("a", ips: ["192.0.2.3", "2001:db8::9"], families: [.ipv4, .ipv6], policy: .requireDualStack), ["192.0.2.3", "2001:db8::9"]),
            .refuse(svc("b", ips: ["192.0.2.2"], families: [.ipv4, .ipv6], policy: .requireDualStack), reason: "InvalidRequest", fragment: "RequireDualStack"),
            .refuse(svc("c", ips: ["2001:db8::7"], families: [.ipv4]), reason: "RequestedIPWrongFamily"),
        ]),
    Scenario(
        name: "restart: existing assignments re-registered, nothing moves",
        pools: [pool("p", ["192.0.2.0/29"])],
        steps: [
            .register(svc("b"), ["192.0.2.5"]),
            .register(svc("a", share: "k", ports: [80]), ["192.0.2.0"]),
            .register(svc("a2", share: "k", ports: [81]), ["192.0.2.0"]),
            .registerRefused(svc("thief"), ["192.0.2.5"], reason: "RequestedIPInUse"),
            .assign(svc("new"), ["192.0.2.1"]),
            .assign(svc("b"), ["192.0.2.5"]),
            .usage("p", v4: 3, v6: 0),
        ]),
    Scenario(
        name: "existing status IP is kept when still valid, replaced when not",
        pools: [pool("p", ["192.0.2.0/29"])],
        steps: [
            .assign(svc("a"), ["192.0.2.6"], existing: ["192.0.2.6"]),
            .assign(svc("b"), ["192.0.2.0"], existing: ["198.51.100.7"]),
        ]),
    Scenario(
        name: "changing the pool annotation moves the Service",
        pools: [pool("a", ["192.0.2.0/30"]), pool("b", ["198.51.100.0/30"])],
        steps: [
            .assign(svc("s"), ["192.0.2.0"]),
            .assign(svc("s", pool: "b"), ["198.51.100.0"]),
            .usage("a", v4: 0, v6: 0),
            .assign(svc("t"), ["192.0.2.0"]),
        ]),
    Scenario(
        name: "config change: shrunk pool evicts, renamed pool keeps, namespace restriction evicts",
        pools: [pool("p", ["192.0.2.0/29"])],
        steps: [
            .assign(svc("a"), ["192.0.2.0"]),
            .assign(svc("b", ips: ["192.0.2.6"]), ["192.0.2.6"]),
            .assign(svc("c", ns: "other"), ["192.0.2.1"]),
            .config(Config(pools: [pool("renamed", ["192.0.2.0/30"], namespaces: ["default"])]), evicted: ["b", "c"]),
            .usage("renamed", v4: 1, v6: 0),
            .assign(svc("a"), ["192.0.2.0"]),
            .refuse(svc("b", ips: ["192.0.2.6"]), reason: "RequestedIPNotInPool"),
            .assign(svc("d"), ["192.0.2.1"]),
        ]),
    Scenario(
        name: "config change: pool removed and Services move to another",
        pools: [pool("old", ["192.0.2.0/30"]), pool("new", ["198.51.100.0/30"])],
        steps: [
            .assign(svc("a", pool: "old"), ["192.0.2.0"]),
            .assign(svc("b"), ["192.0.2.1"]),
            .config(Config(pools: [pool("new", ["198.51.100.0/30"])]), evicted: ["a", "b"]),
            .refuse(svc("a", pool: "old"), reason: "UnknownPool"),
            .assign(svc("b"), ["198.51.100.0"]),
        ]),
    Scenario(
        name: "ranges across a pool are used in address order",
        pools: [pool("p", ["192.0.2.10-192.0.2.11", "192.0.2.1-192.0.2.1"])],
        steps: [
            .assign(svc("a"), ["192.0.2.1"]), .assign(svc("b"), ["192.0.2.10"]), .assign(svc("c"), ["192.0.2.11"]),
            .refuse(svc("d"), reason: "NoPoolAvailable"),
        ]),
]

@Suite struct AllocatorScenarioTests {
    @Test(arguments: scenarios)
    func scenario(_ s: Scenario) throws {
        var alloc = Allocator(config: Config(pools: s.pools))
        for (i, step) in s.steps.enumerated() {
            let where_ = "step \(i + 1): \(step)"
            switch step {
            case .assign(let r, let ips, let existing):
                let result = alloc.assign(r, existing: existing.compactMap { IPAddress($0) })
                switch result {
                case .success(let a): #expect(a.ips.map(\.description) == ips, "\(where_)")
                case .failure(let e): Issue.record("\(where_): refused: \(e)")
                }
            case .refuse(let r, let reason, let fragment):
                switch alloc.assign(r) {
                case .success(let a): Issue.record("\(where_): expected refusal, got \(a.ips)")
                case .failure(let e):
                    #expect(e.reason == reason, "\(where_): \(e)")
                    #expect(fragment.isEmpty || e.description.contains(fragment), "\(where_): \(e)")
                    #expect(alloc.assignment(for: r.key) == nil, "\(where_): a refused Service holds nothing")
                }
            case .register(let r, let ips):
                let res = alloc.register(r, ips: ips.compactMap { IPAddress($0) })
                if case .failure(let e) = res { Issue.record("\(where_): \(e)") }
            case .registerRefused(let r, let ips, let reason):
                switch alloc.register(r, ips: ips.compactMap { IPAddress($0) }) {
                case .success: Issue.record("\(where_): expected refusal")
                case .failure(let e): #expect(e.reason == reason, "\(where_): \(e)")
                }
            case .release(let n, let ns):
                alloc.release(ServiceKey(namespace: ns, name: n))
                #expect(alloc.assignment(for: ServiceKey(namespace: ns, name: n)) == nil)
            case .config(let c, let evicted):
                let before = Set(alloc.allAssignments.map(\.service))
                let report = alloc.applyConfig(c)
                #expect(Set(report.evicted.keys.map(\.name)) == Set(evicted), "\(where_): \(report.evicted)")
                #expect(Set(report.kept) == before.subtracting(report.evicted.keys), "\(where_)")
                for k in report.kept {
                    #expect(alloc.assignment(for: k) != nil)
                }
            case .usage(let p, let v4, let v6):
                let u = try #require(alloc.usage(pool: p), "\(where_)")
                #expect(u.ipv4.inUse == AddressCount(UInt128(v4)), "\(where_)")
                #expect(u.ipv6.inUse == AddressCount(UInt128(v6)), "\(where_)")
            }
            #expect(alloc.invariantViolations() == [], "\(where_)")
        }
    }

    @Test func countsAreExactForHugePools() {
        let alloc = Allocator(
            config: Config(pools: [
                pool("v6", ["2001:db8::/64"]), pool("v4", ["10.0.0.0/8"], buggy: true), pool("half", ["8000::/1"]),
            ]))
        #expect(alloc.usage(pool: "v6")?.ipv6.total.description == "18446744073709551616")
        // 2^24 minus the 2 * 65536 addresses ending in .0 or .255.
        #expect(alloc.usage(pool: "v4")?.ipv4.total == AddressCount(UInt128(16_777_216 - 131_072)))
        #expect(alloc.usage(pool: "half")?.ipv6.total.description == "170141183460469231731687303715884105728")
    }

    @Test func wholeIPv6SpaceCounts() {
        let alloc = Allocator(config: Config(pools: [pool("everything", ["::/0"])]))
        #expect(alloc.usage(pool: "everything")?.ipv6.total.description == "340282366920938463463374607431768211456")
    }

    @Test func requestParsingFromAnnotations() throws {
        func parse(_ ann: [String: String], lbIP: String? = nil) -> Result<ServiceRequest, AllocationError> {
            ServiceRequest.from(
                namespace: "ns", name: "s", annotations: ann, loadBalancerIP: lbIP, ports: [ServicePort(80)],
                externalTrafficPolicy: .cluster, selector: [:], ipFamilies: [.ipv4], ipFamilyPolicy: nil)
        }
        for prefix in ServiceAnnotations.prefixes {
            let r = try parse([
                prefix + "loadBalancerIPs": "192.0.2.1, 2001:db8::1", prefix + "address-pool": "p",
                prefix + "allow-shared-ip": "k",
            ]).get()
            #expect(r.requestedIPs.map(\.description) == ["192.0.2.1", "2001:db8::1"])
            #expect(r.pool == "p")
            #expect(r.sharingKey == "k")
        }
        #expect(try parse([:], lbIP: "192.0.2.9").get().requestedIPs == [IPAddress("192.0.2.9")!])
        #expect(try parse([:], lbIP: "").get().requestedIPs == [])
        let cases: [([String: String], String?, String)] = [
            (["metallb.universe.tf/loadBalancerIPs": "192.0.2.300"], nil, "not a valid IP"),
            (["metallb.universe.tf/loadBalancerIPs": "192.0.2.1,192.0.2.2"], nil, "at most one IPv4"),
            (["metallb.io/loadBalancerIPs": "192.0.2.1"], "192.0.2.1", "both set"),
            (["metallb.io/address-pool": "a", "ironlb.dev/address-pool": "b"], nil, "disagree"),
            (["ironlb.dev/address-pool": ""], nil, "empty"),
        ]
        for (ann, lbIP, fragment) in cases {
            switch parse(ann, lbIP: lbIP) {
            case .success(let r): Issue.record("\(ann) accepted: \(r)")
            case .failure(let e):
                #expect(e.reason == "InvalidRequest")
                #expect(e.description.contains(fragment), "\(e)")
            }
        }
    }

    @Test func sharingRulesAreSymmetric() {
        let profiles = [
            SharingProfile(sharingKey: "k", ports: [ServicePort(80)], externalTrafficPolicy: .cluster, selector: [:]),
            SharingProfile(sharingKey: "k", ports: [ServicePort(80, .udp)], externalTrafficPolicy: .cluster, selector: [:]),
            SharingProfile(sharingKey: "k", ports: [ServicePort(80)], externalTrafficPolicy: .local, selector: ["a": "b"]),
            SharingProfile(sharingKey: "j", ports: [ServicePort(81)], externalTrafficPolicy: .cluster, selector: [:]),
            SharingProfile(sharingKey: nil, ports: [ServicePort(82)], externalTrafficPolicy: .cluster, selector: [:]),
        ]
        for a in profiles {
            for b in profiles {
                #expect((SharingRules.incompatibility(a, b) == nil) == (SharingRules.incompatibility(b, a) == nil))
            }
        }
        #expect(SharingRules.incompatibility(profiles[0], profiles[1]) == nil)
    }
}
