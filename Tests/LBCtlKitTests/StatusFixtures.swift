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
        - peer-address: 192.0.2.254
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

    /// One IP as a speaker publishes it.
    static func entry(_ ip: String, pool: String?, mode: PoolProtocol?, announced: Bool, owner: String?) -> SpeakerState.AddressState {
        SpeakerState.AddressState(
            ip: IPAddress(ip) ?? IPAddress(ipv4: 0), pool: pool, services: [], protocol: mode, announced: announced,
            owner: owner, interfaces: announced ? ["eth0"] : [],
            reasons: announced ? [] : [SpeakerState.Reason(code: "notOwner", message: "\(owner ?? "no node") announces it")])
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

    static func lease(_ node: String, age: Double, members: [String], ips: [SpeakerState.AddressState]) -> Lease {
        let state = SpeakerState(node: node, memberAddress: "10.0.0.1:7946", liveMembers: members, ips: ips)
        return lease(node, age: age, state: (try? state.jsonString()) ?? "")
    }

    static func report(
        config: String? = StatusFixtures.config, services: [KubeAPI.Service], leases: [Lease] = []
    ) -> StatusReport {
        StatusReport.build(
            configText: config, configSource: "ConfigMap ironlb-system/config", services: services, leases: leases,
            now: now)
    }

    /// The fixture the snapshot tests render: a served layer-2 Service, a served BGP Service, a
    /// pending one, two live speakers and a dead one without state.
    static var cluster: StatusReport {
        let members = ["node-a", "node-b"]
        return report(
            services: [
                service("web", ips: ["192.0.2.1"], annotations: [ServiceAnnotations.assignedPool: "default"]),
                service("api", namespace: "shop", ips: ["198.51.100.5"]),
                service("db", annotations: ["ironlb.dev/address-pool": "missing"]),
                service("internal", type: .clusterIP),
                service("other", ips: ["203.0.113.9"], lbClass: "example.com/other"),
            ],
            leases: [
                lease(
                    "node-a", age: 2, members: members,
                    ips: [
                        entry("192.0.2.1", pool: "default", mode: .layer2, announced: true, owner: "node-a"),
                        entry("198.51.100.5", pool: "routed", mode: .bgp, announced: true, owner: nil),
                    ]),
                lease(
                    "node-b", age: 5, members: members,
                    ips: [
                        entry("192.0.2.1", pool: "default", mode: .layer2, announced: false, owner: "node-a"),
                        entry("198.51.100.5", pool: "routed", mode: .bgp, announced: true, owner: nil),
                    ]),
                lease("node-c", age: 3700, state: nil),
            ])
    }
}
