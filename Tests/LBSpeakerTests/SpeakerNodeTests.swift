import Foundation
import KubeAPI
import LBCore
import Testing

@testable import LBSpeaker

/// Mapping a Kubernetes Node to `SpeakerNode` / `NodeFacts`.
@Suite struct SpeakerNodeTests {
    static func nodeJSON(conditions: String) -> String {
        """
        {"apiVersion": "v1", "kind": "Node",
         "metadata": {"name": "worker-1", "labels": {"kubernetes.io/hostname": "worker-1", "zone": "a"}},
         "spec": {"podCIDR": "10.244.1.0/24"},
         "status": {"conditions": [\(conditions)],
                    "addresses": [{"type": "InternalIP", "address": "172.18.0.3"}]}}
        """
    }

    static let ready = #"{"type": "Ready", "status": "True", "reason": "KubeletReady"}"#

    struct Row: Sendable, CustomTestStringConvertible {
        var label: String
        var conditions: String
        var networkUnavailable: Bool
        var testDescription: String { label }
    }

    static let rows: [Row] = [
        Row(label: "no NetworkUnavailable condition", conditions: ready, networkUnavailable: false),
        Row(
            label: "NetworkUnavailable False",
            conditions: #"{"type": "NetworkUnavailable", "status": "False", "reason": "CalicoIsUp"}, "# + ready,
            networkUnavailable: false),
        Row(
            label: "NetworkUnavailable True",
            conditions: #"{"type": "NetworkUnavailable", "status": "True", "reason": "NoRouteCreated"}, "# + ready,
            networkUnavailable: true),
        Row(
            label: "NetworkUnavailable Unknown",
            conditions: #"{"type": "NetworkUnavailable", "status": "Unknown"}"#, networkUnavailable: false),
    ]

    @Test(arguments: rows)
    func mapsANode(_ row: Row) throws {
        let node = try KubeJSON.decode(KubeAPI.Node.self, from: Data(Self.nodeJSON(conditions: row.conditions).utf8))
        let mapped = SpeakerNode(node)
        #expect(mapped.name == "worker-1")
        #expect(mapped.labels == ["kubernetes.io/hostname": "worker-1", "zone": "a"])
        #expect(mapped.networkUnavailable == row.networkUnavailable)
        for live in [true, false] {
            let facts = NodeFacts(node, speakerLive: live)
            #expect(facts == mapped.facts(speakerLive: live))
            #expect(facts.speakerLive == live)
            #expect(facts.networkUnavailable == row.networkUnavailable)
        }
    }
}
