import Foundation
import Testing

@testable import KubeAPI

/// Round trips of objects as a real API server (1.32) emits them: `kubectl get -o json` output,
/// trimmed, with a few fields from the future added to prove they survive.
@Suite struct ObjectCodingTests {
    static let serviceJSON = #"""
        {"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"metallb.universe.tf/address-pool":"default"},
        "creationTimestamp":"2026-06-14T10:00:00Z","labels":{"app":"web"},
        "managedFields":[{"apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:ports":{}}},
        "manager":"kubectl-client-side-apply","operation":"Update","time":"2026-06-14T10:00:00Z"}],
        "name":"web","namespace":"default","resourceVersion":"1234","uid":"5c1e2a4e-9f0b-4c1e-8f57-0d5c1b7a9e21"},
        "spec":{"allocateLoadBalancerNodePorts":true,"clusterIP":"10.96.12.34","clusterIPs":["10.96.12.34"],
        "externalTrafficPolicy":"Cluster","internalTrafficPolicy":"Cluster","ipFamilies":["IPv4"],
        "ipFamilyPolicy":"SingleStack","ports":[{"name":"http","nodePort":31234,"port":80,"protocol":"TCP","targetPort":"http"},
        {"name":"https","nodePort":31235,"port":443,"protocol":"TCP","targetPort":8443}],"selector":{"app":"web"},
        "sessionAffinity":"None","type":"LoadBalancer","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800}},
        "futureSpecField":{"nested":[1,2.5,"x",null,false]}},
        "status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10","ipMode":"VIP","ports":[{"port":80,"protocol":"TCP"}]}]},
        "futureStatusField":"kept"},"futureTopLevel":7}
        """#

    /// Decodes `text` both as `T` and as raw JSON, re-encodes `T`, and checks nothing was lost.
    func roundTrip<T: KubeObject>(_ type: T.Type, _ text: String) throws -> T {
        let data = Data(text.utf8)
        let object = try KubeJSON.decode(T.self, from: data)
        let reencoded = try KubeJSON.encode(object)
        let original = try KubeJSON.decode(JSONValue.self, from: data)
        let again = try KubeJSON.decode(JSONValue.self, from: reencoded)
        #expect(again == original, "\(String(decoding: reencoded, as: UTF8.self))")
        return object
    }

    @Test func serviceDecodesAndRoundTripsWithUnknownFields() throws {
        let service = try roundTrip(Service.self, Self.serviceJSON)
        #expect(service.metadata.name == "web")
        #expect(service.metadata.uid == "5c1e2a4e-9f0b-4c1e-8f57-0d5c1b7a9e21")
        #expect(service.metadata.resourceVersion == "1234")
        #expect(service.metadata.annotations["metallb.universe.tf/address-pool"] == "default")
        #expect(service.metadata.creationTimestamp == KubeTime(Date(timeIntervalSince1970: 1_781_431_200)))
        #expect(service.metadata.extra["managedFields"] != nil)
        #expect(service.spec.type == .loadBalancer)
        #expect(service.spec.ports.count == 2)
        #expect(service.spec.ports[0].targetPort == .string("http"))
        #expect(service.spec.ports[1].targetPort == .int(8443))
        #expect(service.spec.ports[1].nodePort == 31235)
        #expect(service.spec.externalTrafficPolicy == .cluster)
        #expect(service.spec.ipFamilies == [.ipv4])
        #expect(service.spec.ipFamilyPolicy == .singleStack)
        #expect(service.spec.allocateLoadBalancerNodePorts == true)
        #expect(service.spec.extra["futureSpecField"] != nil)
        #expect(service.status.loadBalancer.ingress == [
            LoadBalancerIngress(ip: "192.0.2.10", ipMode: .vip, ports: [PortStatus(port: 80, protocol: .tcp)])
        ])
        #expect(service.status.extra["futureStatusField"] == .string("kept"))
        #expect(service.extra["futureTopLevel"] == .int(7))
    }

    @Test func modelledFieldChangesWinOverKeptOnes() throws {
        var service = try KubeJSON.decode(Service.self, from: Data(Self.serviceJSON.utf8))
        service.spec.loadBalancerIP = "192.0.2.99"
        service.status.loadBalancer.ingress = []
        let json = try KubeJSON.decode(JSONValue.self, from: KubeJSON.encode(service))
        #expect(json["spec"]?["loadBalancerIP"] == .string("192.0.2.99"))
        #expect(json["spec"]?["futureSpecField"] != nil)
        #expect(json["status"]?["loadBalancer"] == .object([:]))
        #expect(json["apiVersion"] == "v1")
        #expect(json["kind"] == "Service")
    }

    @Test func minimalServiceDecodes() throws {
        let service = try KubeJSON.decode(Service.self, from: Data(#"{"metadata":{"name":"a"}}"#.utf8))
        #expect(service.metadata.name == "a")
        #expect(service.spec.ports.isEmpty)
        #expect(service.status.loadBalancer.ingress.isEmpty)
    }

    @Test func loadBalancerStatusComparisonIgnoresServerDefaultedIPMode() {
        let written = LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "192.0.2.1"), LoadBalancerIngress(ip: "2001:db8::1")])
        let readBack = LoadBalancerStatus(ingress: [
            LoadBalancerIngress(ip: "2001:db8::1", ipMode: .vip), LoadBalancerIngress(ip: "192.0.2.1", ipMode: .vip),
        ])
        #expect(written != readBack)
        #expect(written.isEquivalent(to: readBack))
        #expect(!written.isEquivalent(to: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "192.0.2.1", ipMode: .proxy)])))
    }

    @Test func endpointSliceRoundTrips() throws {
        let slice = try roundTrip(EndpointSlice.self, #"""
            {"addressType":"IPv4","apiVersion":"discovery.k8s.io/v1","endpoints":[{"addresses":["10.244.1.5"],
            "conditions":{"ready":true,"serving":true,"terminating":false},"nodeName":"node-a",
            "targetRef":{"kind":"Pod","name":"web-7d4b9c-abcde","namespace":"default","uid":"0c5d7f3e-1111-2222-3333-444455556666"},
            "zone":"z1"},{"addresses":["10.244.2.7"],"conditions":{"serving":true,"terminating":true},"nodeName":"node-b"}],
            "kind":"EndpointSlice","metadata":{"generateName":"web-","labels":{"endpointslice.kubernetes.io/managed-by":"endpointslice-controller.k8s.io",
            "kubernetes.io/service-name":"web"},"name":"web-x7k2p","namespace":"default","ownerReferences":[{"apiVersion":"v1",
            "blockOwnerDeletion":true,"controller":true,"kind":"Service","name":"web","uid":"5c1e2a4e-9f0b-4c1e-8f57-0d5c1b7a9e21"}],
            "resourceVersion":"1240"},"ports":[{"name":"http","port":8080,"protocol":"TCP"}]}
            """#)
        #expect(slice.serviceName == "web")
        #expect(slice.addressType == .ipv4)
        #expect(slice.endpoints.count == 2)
        #expect(slice.endpoints[0].conditions.isReady)
        #expect(slice.endpoints[0].targetRef?.kind == "Pod")
        #expect(slice.endpoints[1].conditions.ready == nil)
        #expect(slice.endpoints[1].conditions.terminating == true)
        #expect(slice.ports.first?.port == 8080)
        #expect(slice.metadata.ownerReferences.first?.controller == true)
    }

    @Test func nodeRoundTrips() throws {
        let node = try roundTrip(Node.self, #"""
            {"apiVersion":"v1","kind":"Node","metadata":{"labels":{"kubernetes.io/hostname":"node-a",
            "node.kubernetes.io/exclude-from-external-load-balancers":""},"name":"node-a","resourceVersion":"99","uid":"n1"},
            "spec":{"podCIDR":"10.244.1.0/24","podCIDRs":["10.244.1.0/24"],"unschedulable":true,
            "taints":[{"effect":"NoSchedule","key":"node.kubernetes.io/unschedulable","timeAdded":"2026-06-14T10:00:00Z"}]},
            "status":{"addresses":[{"address":"192.168.1.10","type":"InternalIP"},{"address":"node-a","type":"Hostname"}],
            "capacity":{"cpu":"2","memory":"4026524Ki"},"conditions":[{"lastHeartbeatTime":"2026-06-14T10:00:00Z",
            "lastTransitionTime":"2026-06-14T09:00:00Z","message":"kubelet is posting ready status","reason":"KubeletReady",
            "status":"True","type":"Ready"},{"lastHeartbeatTime":"2026-06-14T10:00:00Z","lastTransitionTime":"2026-06-14T09:00:00Z",
            "message":"Flannel is running on this node","reason":"FlannelIsUp","status":"False","type":"NetworkUnavailable"}],
            "nodeInfo":{"kubeletVersion":"v1.32.0"}}}
            """#)
        #expect(node.spec.unschedulable == true)
        #expect(node.condition("Ready")?.isTrue == true)
        #expect(node.condition("NetworkUnavailable")?.isTrue == false)
        #expect(node.status.addresses.first == NodeAddress(type: "InternalIP", address: "192.168.1.10"))
        #expect(node.metadata.labels["node.kubernetes.io/exclude-from-external-load-balancers"] == "")
        #expect(node.status.extra["capacity"] != nil)
    }

    @Test func configMapAndSecretDecodeBase64() throws {
        let configMap = try roundTrip(ConfigMap.self, #"""
            {"apiVersion":"v1","binaryData":{"blob":"AAEC/w=="},"data":{"config":"address-pools:\n- name: default\n"},
            "kind":"ConfigMap","metadata":{"name":"config","namespace":"ironlb-system"}}
            """#)
        #expect(configMap.data["config"] == "address-pools:\n- name: default\n")
        #expect(configMap.binaryData["blob"] == [0, 1, 2, 255])

        let secret = try roundTrip(Secret.self, #"""
            {"apiVersion":"v1","data":{"password":"czNjcjN0"},"kind":"Secret","metadata":{"name":"bgp","namespace":"ironlb-system"},
            "type":"Opaque"}
            """#)
        #expect(secret.string("password") == "s3cr3t")
        #expect(secret.type == "Opaque")

        #expect(throws: DecodingError.self) {
            try KubeJSON.decode(Secret.self, from: Data(#"{"data":{"k":"not base64!"}}"#.utf8))
        }
    }

    @Test func eventRoundTrips() throws {
        let event = try roundTrip(Event.self, #"""
            {"apiVersion":"v1","count":3,"eventTime":null,"firstTimestamp":"2026-06-14T10:00:00Z",
            "involvedObject":{"apiVersion":"v1","kind":"Service","name":"web","namespace":"default","resourceVersion":"1234",
            "uid":"5c1e2a4e-9f0b-4c1e-8f57-0d5c1b7a9e21"},"kind":"Event","lastTimestamp":"2026-06-14T10:05:00Z",
            "message":"Assigned IP [\"192.0.2.10\"]","metadata":{"name":"web.17d8e2a3b4c5d6e7","namespace":"default"},
            "reason":"IPAllocated","reportingComponent":"ironlb-controller","reportingInstance":"","source":{"component":"ironlb-controller"},
            "type":"Normal"}
            """#.replacingOccurrences(of: #""eventTime":null,"#, with: ""))
        #expect(event.count == 3)
        #expect(event.type == .normal)
        #expect(event.involvedObject.uid == "5c1e2a4e-9f0b-4c1e-8f57-0d5c1b7a9e21")
        #expect(event.lastTimestamp.map { RFC3339.format($0.date) } == "2026-06-14T10:05:00Z")

        // `eventTime: null`, as legacy events carry it, decodes as absent.
        let withNull = try KubeJSON.decode(Event.self, from: Data(#"{"eventTime":null,"involvedObject":{}}"#.utf8))
        #expect(withNull.eventTime == nil)
    }

    @Test func leaseRoundTripsWithMicroTime() throws {
        let lease = try roundTrip(Lease.self, #"""
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"ironlb-controller",
            "namespace":"ironlb-system","resourceVersion":"5"},"spec":{"acquireTime":"2026-06-14T10:00:00.000000Z",
            "holderIdentity":"controller-7f9d-abc","leaseDurationSeconds":15,"leaseTransitions":2,
            "renewTime":"2026-06-14T10:00:12.345678Z","futureLeaseField":true}}
            """#)
        #expect(lease.spec.holderIdentity == "controller-7f9d-abc")
        #expect(lease.spec.leaseDurationSeconds == 15)
        #expect(lease.spec.leaseTransitions == 2)
        #expect(lease.spec.renewTime?.description == "2026-06-14T10:00:12.345678Z")
        #expect(lease.spec.extra["futureLeaseField"] == .bool(true))
    }

    @Test func namespaceAndStatusDecode() throws {
        let namespace = try roundTrip(Namespace.self, #"""
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ironlb-system"},"spec":{"finalizers":["kubernetes"]},
            "status":{"phase":"Active"}}
            """#)
        #expect(namespace.phase == "Active")
        #expect(namespace.extra["spec"] != nil)

        let status = try KubeJSON.decode(Status.self, from: Data(#"""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"services \"x\" not found",
            "reason":"NotFound","details":{"name":"x","kind":"services"},"code":404}
            """#.utf8))
        #expect(status.code == 404)
        #expect(status.reason == "NotFound")
        #expect(status.details?.name == "x")
    }

    @Test func listDecodesWithoutItemTypeMeta() throws {
        let list = try KubeJSON.decode(KubeList<Service>.self, from: Data(#"""
            {"apiVersion":"v1","items":[{"metadata":{"name":"a","namespace":"default"}},{"metadata":{"name":"b","namespace":"default"}}],
            "kind":"ServiceList","metadata":{"continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":3,"resourceVersion":"77"}}
            """#.utf8))
        #expect(list.items.map(\.metadata.name) == ["a", "b"])
        #expect(list.metadata.resourceVersion == "77")
        #expect(list.metadata.continue == "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ")
        #expect(list.metadata.remainingItemCount == 3)
    }

    @Test func intOrStringAndJSONValueKeepNumberKinds() throws {
        #expect(try KubeJSON.decode([IntOrString].self, from: Data(#"[80,"http"]"#.utf8)) == [.int(80), .string("http")])
        let value = try KubeJSON.decode(JSONValue.self, from: Data(#"{"a":1,"b":1.5,"c":true,"d":null,"e":"s"}"#.utf8))
        #expect(value == ["a": 1, "b": 1.5, "c": true, "d": nil, "e": "s"])
        #expect(String(decoding: try KubeJSON.encode(value), as: UTF8.self) == #"{"a":1,"b":1.5,"c":true,"d":null,"e":"s"}"#)
    }
}
