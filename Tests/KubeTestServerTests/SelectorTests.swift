import Testing
@testable import KubeTestServer

@Suite struct LabelSelectorTests {
    static let labels = ["app": "web", "tier": "frontend", "version": "3"]

    @Test(arguments: [
        ("", true),
        ("app=web", true),
        ("app==web", true),
        ("app=db", false),
        ("app!=db", true),
        ("missing!=x", true),
        ("app in (web, db)", true),
        ("app notin (web)", false),
        ("missing notin (a)", true),
        ("tier", true),
        ("!tier", false),
        ("!missing", true),
        ("app=web,tier=frontend", true),
        ("app=web,tier=backend", false),
        ("version>2", true),
        ("version<3", false),
        (" app = web , tier ", true),
    ])
    func matches(selector: String, expected: Bool) throws {
        #expect(try LabelSelector.parse(selector).matches(Self.labels) == expected)
    }

    @Test(arguments: ["app=", "app in web", "app in (a", "=x", "app=web,", "a b", "app=(x)", "bad key=x", "app=web!", "version>x", "app in ()"])
    func rejectsInvalidSyntax(selector: String) throws {
        if selector == "app=" {
            // An empty value is valid: it matches a label whose value is "".
            #expect(try LabelSelector.parse(selector).matches(["app": ""]))
            return
        }
        let error = #expect(throws: APIError.self) { try LabelSelector.parse(selector) }
        #expect(error?.code == 400)
    }

    @Test func matchesObjects() throws {
        let object: JSONValue = ["metadata": ["labels": ["kubernetes.io/service-name": "web"]]]
        #expect(try LabelSelector.parse("kubernetes.io/service-name=web").matches(object: object))
        #expect(try !LabelSelector.parse("kubernetes.io/service-name=db").matches(object: object))
    }
}

@Suite struct FieldSelectorTests {
    static let service: JSONValue = [
        "metadata": ["name": "web", "namespace": "demo"],
        "spec": ["type": "LoadBalancer", "clusterIP": "10.96.0.10"],
    ]
    static let event: JSONValue = [
        "metadata": ["name": "e1", "namespace": "demo"],
        "involvedObject": ["kind": "Service", "name": "web", "namespace": "demo", "uid": "u-1"],
        "reason": "IPAllocated", "type": "Normal", "source": ["component": "ironlb"],
    ]

    @Test(arguments: [
        ("metadata.name=web", true),
        ("metadata.name==web", true),
        ("metadata.name!=web", false),
        ("metadata.namespace=demo,spec.type=LoadBalancer", true),
        ("spec.clusterIP=10.96.0.10", true),
        ("spec.type=ClusterIP", false),
    ])
    func servicesMatch(selector: String, expected: Bool) throws {
        #expect(try FieldSelector.parse(selector, for: .services).matches(object: Self.service, type: .services) == expected)
    }

    @Test func eventsSelectTheirInvolvedObject() throws {
        let selector = "involvedObject.name=web,involvedObject.namespace=demo,involvedObject.kind=Service,involvedObject.uid=u-1"
        #expect(try FieldSelector.parse(selector, for: .events).matches(object: Self.event, type: .events))
        #expect(try !FieldSelector.parse("involvedObject.uid=other", for: .events).matches(object: Self.event, type: .events))
        #expect(try FieldSelector.parse("source=ironlb,reason=IPAllocated,type=Normal", for: .events)
            .matches(object: Self.event, type: .events))
    }

    @Test(arguments: [(ResourceType.services, "spec.ports"), (.configMaps, "data.a"), (.leases, "spec.holderIdentity"), (.events, "message")])
    func unsupportedFieldsAre400(type: ResourceType, field: String) {
        let error = #expect(throws: APIError.self) { try FieldSelector.parse("\(field)=x", for: type) }
        #expect(error?.code == 400)
        #expect(error?.message == "field label not supported: \(field)")
    }

    @Test func nodesSelectUnschedulableAsGoPrintsBooleans() throws {
        let node: JSONValue = ["metadata": ["name": "n1"]]
        #expect(try FieldSelector.parse("spec.unschedulable=false", for: .nodes).matches(object: node, type: .nodes))
    }

    @Test func escapedValues() throws {
        let object: JSONValue = ["metadata": ["name": "a,b=c"]]
        #expect(try FieldSelector.parse(#"metadata.name=a\,b\=c"#, for: .configMaps).matches(object: object, type: .configMaps))
    }
}
