import Testing
@testable import KubeTestServer

@Suite struct MergePatchTests {
    @Test(arguments: [
        // RFC 7386 appendix A, the interesting rows.
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ])
    func rfc7386(target: String, patch: String, expected: String) throws {
        #expect(MergePatch.apply(try JSONParser.parse(patch), to: try JSONParser.parse(target)).serialized() == expected)
    }
}

@Suite struct JSONPatchTests {
    @Test(arguments: [
        (#"{"a":1}"#, #"[{"op":"add","path":"/b","value":2}]"#, #"{"a":1,"b":2}"#),
        (#"{"a":[1,3]}"#, #"[{"op":"add","path":"/a/1","value":2}]"#, #"{"a":[1,2,3]}"#),
        (#"{"a":[1]}"#, #"[{"op":"add","path":"/a/-","value":2}]"#, #"{"a":[1,2]}"#),
        (#"{"a":1,"b":2}"#, #"[{"op":"remove","path":"/a"}]"#, #"{"b":2}"#),
        (#"{"a":1}"#, #"[{"op":"replace","path":"/a","value":[]}]"#, #"{"a":[]}"#),
        (#"{"a":{"b":1}}"#, #"[{"op":"move","from":"/a/b","path":"/c"}]"#, #"{"a":{},"c":1}"#),
        (#"{"a":1}"#, #"[{"op":"copy","from":"/a","path":"/b"}]"#, #"{"a":1,"b":1}"#),
        (#"{"a/b":{"~c":1}}"#, #"[{"op":"replace","path":"/a~1b/~0c","value":2}]"#, #"{"a/b":{"~c":2}}"#),
        (#"{"a":"x"}"#, #"[{"op":"test","path":"/a","value":"x"},{"op":"add","path":"/b","value":1}]"#, #"{"a":"x","b":1}"#),
    ])
    func rfc6902(target: String, patch: String, expected: String) throws {
        #expect(try JSONPatch.apply(try JSONParser.parse(patch), to: try JSONParser.parse(target)).serialized() == expected)
    }

    @Test(arguments: [
        #"[{"op":"test","path":"/a","value":"y"}]"#,
        #"[{"op":"remove","path":"/missing"}]"#,
        #"[{"op":"replace","path":"/missing","value":1}]"#,
        #"[{"op":"add","path":"/x/y","value":1}]"#,
        #"[{"op":"add","path":"/list/5","value":1}]"#,
        #"[{"op":"bogus","path":"/a"}]"#,
        #"[{"path":"/a"}]"#,
        #"{"op":"add"}"#,
        #"[{"op":"move","from":"/list","path":"/list/0"}]"#,
    ])
    func failuresAreErrors(patch: String) throws {
        let target = try JSONParser.parse(#"{"a":"x","list":[1]}"#)
        #expect(throws: JSONPatch.Failure.self) { try JSONPatch.apply(try JSONParser.parse(patch), to: target) }
    }
}

@Suite struct StrategicMergePatchTests {
    static let service = #"{"metadata":{"name":"s","finalizers":["a"],"labels":{"x":"1"}},"spec":{"ports":[{"name":"http","port":80,"protocol":"TCP","nodePort":30080},{"name":"https","port":443,"protocol":"TCP"}],"selector":{"app":"web"},"externalIPs":["1.1.1.1"]}}"#

    func apply(_ patch: String, to original: String = service, type: ResourceType = .services) throws -> JSONValue {
        try StrategicMergePatch.apply(try JSONParser.parse(patch), to: try JSONParser.parse(original), type: type)
    }

    @Test func portsMergeByPortKeepingServerFields() throws {
        let result = try apply(#"{"spec":{"ports":[{"port":80,"targetPort":8080}]}}"#)
        let ports = try #require(result[path: ["spec", "ports"]]?.arrayValue)
        #expect(ports.count == 2)
        #expect(ports[0] == ["name": "http", "port": 80, "protocol": "TCP", "nodePort": 30080, "targetPort": 8080])
    }

    @Test func newPortsAreAppendedAndDeleteDirectiveRemoves() throws {
        let result = try apply(#"{"spec":{"ports":[{"port":8443,"name":"alt"},{"$patch":"delete","port":443}]}}"#)
        #expect(result[path: ["spec", "ports"]]?.arrayValue?.compactMap { $0["port"]?.intValue } == [80, 8443])
    }

    @Test func setElementOrderReordersTheMergedList() throws {
        let result = try apply(#"{"$setElementOrder/ports":[{"port":443},{"port":80}],"spec":{}}"#.replacingOccurrences(of: "\"$setElementOrder/ports\":[{\"port\":443},{\"port\":80}],\"spec\":{}", with: "\"spec\":{\"$setElementOrder/ports\":[{\"port\":443},{\"port\":80}]}"))
        #expect(result[path: ["spec", "ports"]]?.arrayValue?.compactMap { $0["port"]?.intValue } == [443, 80])
    }

    @Test func listsWithoutStrategyAreReplaced() throws {
        let result = try apply(#"{"spec":{"externalIPs":["2.2.2.2"]}}"#)
        #expect(result[path: ["spec", "externalIPs"]] == ["2.2.2.2"])
    }

    @Test func finalizersMergeAsASetAndDeleteFromPrimitiveList() throws {
        #expect(try apply(#"{"metadata":{"finalizers":["b","a"]}}"#)[path: ["metadata", "finalizers"]] == ["a", "b"])
        #expect(try apply(#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}"#)[path: ["metadata", "finalizers"]] == [])
    }

    @Test func mapDirectives() throws {
        #expect(try apply(#"{"spec":{"selector":{"$patch":"replace","tier":"db"}}}"#)[path: ["spec", "selector"]] == ["tier": "db"])
        #expect(try apply(#"{"spec":{"selector":{"$patch":"delete"}}}"#)[path: ["spec", "selector"]] == nil)
        #expect(try apply(#"{"metadata":{"labels":{"x":null,"y":"2"}}}"#)[path: ["metadata", "labels"]] == ["y": "2"])
        let retained = try apply(#"{"spec":{"$retainKeys":["ports"],"ports":[{"port":80}]}}"#)
        #expect(retained["spec"]?.objectValue?.keys.sorted() == ["ports"])
    }

    @Test func listReplaceDirective() throws {
        let result = try apply(#"{"spec":{"ports":[{"$patch":"replace"},{"port":9000}]}}"#)
        #expect(result[path: ["spec", "ports"]] == [["port": 9000]])
    }

    @Test func missingMergeKeyIsAnError() {
        #expect(throws: StrategicMergePatch.Failure.self) { try apply(#"{"spec":{"ports":[{"name":"x"}]}}"#) }
        #expect(throws: StrategicMergePatch.Failure.self) { try apply(#"{"spec":{"selector":{"$patch":"bogus"}}}"#) }
    }

    @Test func nodeConditionsMergeByType() throws {
        let node = #"{"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"NetworkUnavailable","status":"False"}]}}"#
        let result = try apply(#"{"status":{"conditions":[{"type":"Ready","status":"False"}]}}"#, to: node, type: .nodes)
        #expect(result[path: ["status", "conditions"]] == [["type": "Ready", "status": "False"], ["type": "NetworkUnavailable", "status": "False"]])
    }
}

@Suite struct ApplyMergeTests {
    @Test func appliedFieldsMergeAndDroppedOnesAreRemoved() throws {
        let live = try JSONParser.parse(#"{"spec":{"ports":[{"port":53,"protocol":"UDP","nodePort":30053},{"port":53,"protocol":"TCP"}],"type":"LoadBalancer","selector":{"a":"1","b":"2"}}}"#)
        let previous = try JSONParser.parse(#"{"spec":{"ports":[{"port":53,"protocol":"UDP"},{"port":53,"protocol":"TCP"}],"selector":{"a":"1","b":"2"}}}"#)
        let applied = try JSONParser.parse(#"{"spec":{"ports":[{"port":53,"protocol":"UDP","name":"dns"}],"selector":{"a":"1"}}}"#)
        let result = ApplyMerge.apply(applied, to: live, previous: previous, type: .services)
        #expect(result[path: ["spec", "ports"]] == [["port": 53, "protocol": "UDP", "nodePort": 30053, "name": "dns"]])
        #expect(result[path: ["spec", "selector"]] == ["a": "1"])
        #expect(result[path: ["spec", "type"]] == "LoadBalancer")
    }

    @Test func leavesNameListElementsByTheirKeys() throws {
        let applied = try JSONParser.parse(#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[{"port":80,"targetPort":8080}]}}"#)
        let leaves = ApplyMerge.leaves(applied, type: .services)
        #expect(leaves.keys.sorted() == [#".spec.ports[port=80,protocol="TCP"].port"#, #".spec.ports[port=80,protocol="TCP"].targetPort"#])
    }
}

import Foundation
