import Foundation
import KubeAPI
import LBCore
import Testing

@testable import LBSpeaker

/// Ready nodes per Service from EndpointSlices, decoded from JSON as the API server sends them.
@Suite struct EndpointReadinessTests {
    /// Slices of `shop/web` (one per family, as for a dual-stack Service), of `shop/db`, of
    /// `other/web` (same name, other namespace), an unlabelled slice and an FQDN slice.
    static let json = """
        {"kind": "EndpointSliceList", "apiVersion": "discovery.k8s.io/v1", "metadata": {}, "items": [
          {"metadata": {"name": "web-v4", "namespace": "shop", "labels": {"kubernetes.io/service-name": "web"}},
           "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
           "endpoints": [
             {"addresses": ["10.1.0.5"], "conditions": {"ready": true, "serving": true, "terminating": false},
              "nodeName": "node-a", "targetRef": {"kind": "Pod", "name": "web-1", "namespace": "shop"}},
             {"addresses": ["10.1.1.5"], "conditions": {"ready": false, "serving": false, "terminating": false},
              "nodeName": "node-b"},
             {"addresses": ["10.1.2.5"], "conditions": {"ready": false, "serving": true, "terminating": true},
              "nodeName": "node-c"}
           ]},
          {"metadata": {"name": "web-v6", "namespace": "shop", "labels": {"kubernetes.io/service-name": "web"}},
           "addressType": "IPv6",
           "endpoints": [
             {"addresses": ["fd00::1:5"], "conditions": {}, "nodeName": "node-d"},
             {"addresses": ["fd00::2:5"], "nodeName": "node-e"},
             {"addresses": ["fd00::3:5"], "conditions": {"ready": true}}
           ]},
          {"metadata": {"name": "db-x", "namespace": "shop", "labels": {"kubernetes.io/service-name": "db"}},
           "addressType": "IPv4",
           "endpoints": [{"addresses": ["10.1.1.9"], "conditions": {"ready": false}, "nodeName": "node-b"}]},
          {"metadata": {"name": "web-y", "namespace": "other", "labels": {"kubernetes.io/service-name": "web"}},
           "addressType": "IPv4", "endpoints": [{"addresses": ["10.2.0.1"], "nodeName": "node-b"}]},
          {"metadata": {"name": "manual", "namespace": "shop"},
           "addressType": "IPv4", "endpoints": [{"addresses": ["10.3.0.1"], "nodeName": "node-f"}]},
          {"metadata": {"name": "ext", "namespace": "shop", "labels": {"kubernetes.io/service-name": "ext"}},
           "addressType": "FQDN", "endpoints": [{"addresses": ["db.example.com"], "nodeName": "node-a"}]}
        ]}
        """

    struct SliceList: Decodable { var items: [EndpointSlice] }

    @Test func readyNodesPerService() throws {
        let slices = try KubeJSON.decode(SliceList.self, from: Data(Self.json.utf8)).items
        let ready = EndpointReadiness.readyNodes(from: slices)
        // web: node-a ready, node-b/node-c not ready (node-c only serving while terminating);
        // the IPv6 slice adds node-d (no ready condition) and node-e (no conditions at all);
        // the endpoint without nodeName is skipped.
        #expect(ready[ServiceKey(namespace: "shop", name: "web")] == ["node-a", "node-d", "node-e"])
        #expect(ready[ServiceKey(namespace: "other", name: "web")] == ["node-b"])
        // db has only a not-ready endpoint; FQDN and unlabelled slices are skipped.
        #expect(ready[ServiceKey(namespace: "shop", name: "db")] == nil)
        #expect(ready[ServiceKey(namespace: "shop", name: "ext")] == nil)
        #expect(ready.count == 2)
    }

    @Test func slicesCombineInAnyOrder() throws {
        let slices = try KubeJSON.decode(SliceList.self, from: Data(Self.json.utf8)).items
        #expect(EndpointReadiness.readyNodes(from: slices) == EndpointReadiness.readyNodes(from: slices.reversed()))
    }

    @Test func noSlicesNoReadyNodes() {
        #expect(EndpointReadiness.readyNodes(from: []).isEmpty)
    }
}
