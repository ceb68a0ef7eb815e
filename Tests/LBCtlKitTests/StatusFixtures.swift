import Foundation
import KubeAPI
import LBCore

@testable import LBCtlKit

/// Fixture objects for the `lbctl status` tests: a fixed time, a config with a dual-stack
/// layer-2 pool and a bgp pool, Services and speaker Leases built in a line each.
enum StatusFixtures {
    /// 2026-06-14T10:00:00Z, the report's "now".
    static let now = Date(timeIntervalSince1970: 1_781_431_200)

    static let config = """
        address-pools:
        - name: default
          protocol: layer2
          addresses: [192.0.2.0/28, 2001:db8::/64]
        - name: routed
          protocol: bgp
          addresses: [198.51.100.0/24]
        peers:
        - name: tor-1
          peer-address: 192.0.2.254
          peer-asn: 64501
          my-asn: 64500
        """

    static func service(
        _ name: String, namespace: String = "default", ips: [String] = [], annotations: [String: String] = [:],
        type: ServiceType = .loadBalancer, lbClass: String? = nil
    ) -> KubeAPI.Service {
        KubeAPI.Service(
            metadata: ObjectMeta(name: name, namespace: namespace, annotations: annotations),
            spec: ServiceSpec(type: type, ports: [KubeAPI.ServicePort(port: 80)], loadBalancerClass: lbClass),
            status: ServiceStatus(loadBalancer: LoadBalancerStatus(ingress: ips.map { LoadBalancerIngress(ip: $0) })))
    }

    /// One layer-2 IP as a speaker publishes it; a node that does not announce gives the
    /// election's reason (`notElected` unless `reasons` says otherwise).
    static func entry(
        _ ip: String, pool: String?, mode: PoolProtocol?, announced: Bool, owner: String?,
        reasons: [NotAnnouncingReason]? = nil
    ) -> SpeakerState.AddressState {
        let why = reasons ?? (announced ? [] : [.notElected(winner: owner ?? "no node")])
        return SpeakerState.AddressState(
            ip: IPAddress(ip) ?? IPAddress(ipv4: 0), pool: pool, services: [], protocol: mode, announced: announced,
            owner: owner, interfaces: announced && mode == .layer2 ? ["eth0"] : [],
            reasons: why.map { SpeakerState.Reason(code: $0.code, message: $0.description) })
    }

    /// One BGP IP as a speaker publishes it: advertised to `peers` (the Established sessions).
    static func bgpEntry(
        _ ip: String, pool: String, advertised: Bool, peers: [String], reasons: [SpeakerState.Reason] = []
    ) -> SpeakerState.AddressState {
        SpeakerState.AddressState(
            ip: IPAddress(ip) ?? IPAddress(ipv4: 0), pool: pool, services: [], protocol: .bgp, announced: advertised,
            owner: nil, interfaces: [], reasons: reasons, peers: advertised ? peers : [], prefix: "\(ip)/32")
    }

    /// A BGP session as a speaker publishes it.
    static func peer(_ name: String, up: Bool, prefixes: Int = 1, error: String? = nil) -> SpeakerState.PeerState {
        SpeakerState.PeerState(
            name: name, address: "192.0.2.254", asn: 64501, state: up ? "Established" : "Active",
            establishedSince: up ? "2026-06-14T09:00:00Z" : nil, prefixesAdvertised: up ? prefixes : 0, lastError: error)
    }

    /// A speaker Lease renewed `age` seconds before `now` with a 15 s duration; `state` is the
    /// annotation text (nil: no annotation).
    static func lease(_ node: String, age: Double, state: String?) -> Lease {
        var annotations: [String: String] = [:]
        if let state { annotations[SpeakerState.annotationKey] = state }
        return Lease(
            metadata: ObjectMeta(name: "ironlb-speaker-\(node)", namespace: "ironlb-system", annotations: annotations),
            spec: LeaseSpec(
                holderIdentity: node, leaseDurationSeconds: 15, renewTime: MicroTime(now.addingTimeInterval(-age))))
    }

    static func lease(
        _ node: String, age: Double, members: [String], ips: [SpeakerState.AddressState],
        bgpPeers: [SpeakerState.PeerState]? = nil
    ) -> Lease {
        let state = SpeakerState(node: node, memberAddress: "10.0.0.1:7946", liveMembers: members, ips: ips, bgpPeers: bgpPeers)
        return lease(node, age: age, state: (try? state.jsonString()) ?? "")
    }

    static func snapshot(
        config: String? = StatusFixtures.config, services: [KubeAPI.Service], leases: [Lease] = [],
        events: [KubeAPI.Event] = []
    ) -> ClusterSnapshot {
        ClusterSnapshot(configText: config, services: services, leases: leases, events: events, now: now)
    }

    static func report(
        config: String? = StatusFixtures.config, services: [KubeAPI.Service], leases: [Lease] = [],
        events: [KubeAPI.Event] = []
    ) -> StatusReport {
        StatusReport.build(snapshot(config: config, services: services, leases: leases, events: events))
    }

    /// The controller's event about a Service, `age` seconds before `now`.
    static func event(
        about name: String, namespace: String = "default", kind: String = "Service", type: EventType = .warning,
        reason: String, message: String, age: Double = 30
    ) -> KubeAPI.Event {
        KubeAPI.Event(
            metadata: ObjectMeta(name: "\(name).\(reason.lowercased())", namespace: namespace),
            involvedObject: ObjectReference(kind: kind, namespace: namespace, name: name), type: type, reason: reason,
            message: message, source: EventSource(component: "ironlb-controller"),
            lastTimestamp: KubeTime(now.addingTimeInterval(-age)))
    }

    /// The cluster the snapshot tests render, one of each case:
    /// - `default/web`: layer 2, announced by node-a; node-b not elected.
    /// - `shop/api`: BGP, advertised by node-a (to tor-1) and node-b (whose session is down).
    /// - `default/split`: layer 2, node-a and node-b each think they own it (node-b sees only
    ///   itself): a split view.
    /// - `default/legacy`: layer 2 in a pool only zone c may announce; node-c's speaker is not
    ///   live but its last state still claims the IP.
    /// - `default/db`: pending, asks for a pool that does not exist (with the controller's event).
    /// - node-d: live, without a published state.
    static var clusterSnapshot: ClusterSnapshot {
        let zoneC = NotAnnouncingReason.notSelectedByPool(pool: "default", selectorMismatch: "zone=c")
        return snapshot(
            services: [
                service("web", ips: ["192.0.2.1"], annotations: [ServiceAnnotations.assignedPool: "default"]),
                service("split", ips: ["192.0.2.2"], annotations: [ServiceAnnotations.assignedPool: "default"]),
                service("legacy", ips: ["192.0.2.3"]),
                service("api", namespace: "shop", ips: ["198.51.100.5"], annotations: [ServiceAnnotations.assignedPool: "routed"]),
                service("db", annotations: ["ironlb.dev/address-pool": "missing"]),
                service("internal", type: .clusterIP),
                service("other", ips: ["203.0.113.9"], lbClass: "example.com/other"),
            ],
            leases: [
                lease(
                    "node-a", age: 2, members: ["node-a", "node-b"],
                    ips: [
                        entry("192.0.2.1", pool: "default", mode: .layer2, announced: true, owner: "node-a"),
                        entry("192.0.2.2", pool: "default", mode: .layer2, announced: true, owner: "node-a"),
                        entry("192.0.2.3", pool: "default", mode: .layer2, announced: false, owner: "node-c", reasons: [zoneC]),
                        bgpEntry("198.51.100.5", pool: "routed", advertised: true, peers: ["tor-1"]),
                    ],
                    bgpPeers: [peer("tor-1", up: true)]),
                lease(
                    "node-b", age: 5, members: ["node-b"],
                    ips: [
                        entry("192.0.2.1", pool: "default", mode: .layer2, announced: false, owner: "node-a"),
                        entry("192.0.2.2", pool: "default", mode: .layer2, announced: true, owner: "node-b"),
                        entry("192.0.2.3", pool: "default", mode: .layer2, announced: false, owner: "node-c", reasons: [zoneC]),
                        bgpEntry(
                            "198.51.100.5", pool: "routed", advertised: true, peers: [],
                            reasons: [SpeakerState.Reason(code: "noSessionEstablished", message: "none of its BGP sessions is Established")]),
                    ],
                    bgpPeers: [peer("tor-1", up: false, error: "connection refused")]),
                lease(
                    "node-c", age: 3700, members: ["node-a", "node-b", "node-c"],
                    ips: [entry("192.0.2.3", pool: "default", mode: .layer2, announced: true, owner: "node-c")]),
                lease("node-d", age: 1, state: nil),
            ],
            events: [
                event(
                    about: "db", reason: "AllocationFailed",
                    message: "the address-pool annotation names pool \"missing\", which does not exist (pools: default, routed)"),
                event(
                    about: "config", namespace: "ironlb-system", kind: "ConfigMap", type: .normal, reason: "ConfigLoaded",
                    message: "config loaded: 2 pools, 1 peer", age: 600),
            ])
    }

    static var cluster: StatusReport { StatusReport.build(clusterSnapshot) }
}
