import Foundation
import KubeAPI
import LBCore
import Testing

@testable import LBSpeaker

/// Mapping a Kubernetes Service to `SpeakerService`: from JSON as the API server sends it, and
/// the "is it ours" table.
@Suite struct SpeakerServiceTests {
    /// A dual-stack Service as `kubectl get svc -o json` shows it (trimmed), with a status that
    /// also holds entries the speaker must skip: a hostname, an invalid IP, and a duplicate.
    static let json = """
        {
          "apiVersion": "v1", "kind": "Service",
          "metadata": {"name": "web", "namespace": "shop", "uid": "6c1f8d1e-1f0a-4a53-9d2f-0c1d2e3f4a5b",
                       "resourceVersion": "4711"},
          "spec": {
            "type": "LoadBalancer", "externalTrafficPolicy": "Local", "ipFamilies": ["IPv4", "IPv6"],
            "ipFamilyPolicy": "RequireDualStack", "clusterIP": "10.96.0.12",
            "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080, "nodePort": 31080}],
            "selector": {"app": "web"}
          },
          "status": {"loadBalancer": {"ingress": [
            {"ip": "192.0.2.10", "ipMode": "VIP"},
            {"ip": "2001:db8::a", "ipMode": "VIP"},
            {"hostname": "lb.example.com"},
            {"ip": "192.0.2.300"},
            {"ip": "192.0.2.10", "ipMode": "VIP"},
            {}
          ]}}
        }
        """

    @Test func mapsAServiceAsTheAPIServerSendsIt() throws {
        let svc = try KubeJSON.decode(KubeAPI.Service.self, from: Data(Self.json.utf8))
        let mapped = SpeakerService(svc, loadBalancerClass: nil)
        #expect(mapped.key == ServiceKey(namespace: "shop", name: "web"))
        #expect(mapped.key.description == "shop/web")
        #expect(mapped.uid == "6c1f8d1e-1f0a-4a53-9d2f-0c1d2e3f4a5b")
        #expect(mapped.isOurs)
        #expect(mapped.externalTrafficPolicy == .local)
        #expect(mapped.ingressIPs == [Fixtures.ip("192.0.2.10"), Fixtures.ip("2001:db8::a")])
        #expect(mapped.unparsableIngress == ["hostname \"lb.example.com\"", "ip \"192.0.2.300\"", "empty entry"])
        #expect(mapped.hasUnparsableIngress)
    }

    @Test func aServiceWithoutStatusOrPolicyHasNoIPsAndClusterPolicy() {
        let svc = KubeAPI.Service(metadata: ObjectMeta(name: "new"), spec: ServiceSpec(type: .loadBalancer))
        let mapped = SpeakerService(svc, loadBalancerClass: nil)
        #expect(mapped.key == ServiceKey(namespace: "default", name: "new"))
        #expect(mapped.ingressIPs.isEmpty)
        #expect(!mapped.hasUnparsableIngress)
        #expect(mapped.externalTrafficPolicy == .cluster)
        #expect(mapped.uid == "")
    }

    struct OursRow: Sendable, CustomTestStringConvertible {
        var type: ServiceType?
        var serviceClass: String?
        var configuredClass: String?
        var ours: Bool
        var testDescription: String {
            "type \(type?.rawValue ?? "nil"), class \(serviceClass ?? "nil"), configured \(configuredClass ?? "nil")"
        }
    }

    static let oursRows: [OursRow] = [
        OursRow(type: .loadBalancer, serviceClass: nil, configuredClass: nil, ours: true),
        OursRow(type: .loadBalancer, serviceClass: nil, configuredClass: "ironlb.dev/lb", ours: true),
        OursRow(type: .loadBalancer, serviceClass: "ironlb.dev/lb", configuredClass: "ironlb.dev/lb", ours: true),
        OursRow(type: .loadBalancer, serviceClass: "example.com/other", configuredClass: "ironlb.dev/lb", ours: false),
        OursRow(type: .loadBalancer, serviceClass: "ironlb.dev/lb", configuredClass: nil, ours: false),
        OursRow(type: .nodePort, serviceClass: nil, configuredClass: nil, ours: false),
        OursRow(type: .clusterIP, serviceClass: nil, configuredClass: nil, ours: false),
        OursRow(type: nil, serviceClass: nil, configuredClass: nil, ours: false),
        OursRow(type: "LoadBalancerish", serviceClass: nil, configuredClass: nil, ours: false),
    ]

    @Test(arguments: oursRows)
    func isOurs(_ row: OursRow) {
        let svc = KubeAPI.Service(
            metadata: ObjectMeta(name: "s", namespace: "default"),
            spec: ServiceSpec(type: row.type, loadBalancerClass: row.serviceClass))
        #expect(SpeakerService(svc, loadBalancerClass: row.configuredClass).isOurs == row.ours)
    }
}
