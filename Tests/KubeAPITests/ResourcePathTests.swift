import Testing

@testable import KubeAPI

@Suite struct ResourcePathTests {
    @Test func pathsPerGroupAndScope() {
        #expect(ResourcePath.path(Service.self, namespace: "default", name: "web") == "/api/v1/namespaces/default/services/web")
        #expect(ResourcePath.path(Service.self, namespace: "default", name: "web", subresource: "status")
            == "/api/v1/namespaces/default/services/web/status")
        #expect(ResourcePath.path(Service.self, namespace: nil) == "/api/v1/services")
        #expect(ResourcePath.path(Node.self, namespace: "ignored", name: "n1") == "/api/v1/nodes/n1")
        #expect(ResourcePath.path(Lease.self, namespace: "ironlb-system", name: "ironlb-controller")
            == "/apis/coordination.k8s.io/v1/namespaces/ironlb-system/leases/ironlb-controller")
        #expect(ResourcePath.path(EndpointSlice.self, namespace: "default") == "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices")
        #expect(ResourcePath.path(Namespace.self, namespace: nil, name: "ironlb-system") == "/api/v1/namespaces/ironlb-system")
        #expect(ResourcePath.path(ConfigMap.self, namespace: "a b", name: "x/y") == "/api/v1/namespaces/a%20b/configmaps/x%2Fy")
    }

    @Test func queryEscapesSelectors() {
        #expect(ResourcePath.query([]) == "")
        #expect(ResourcePath.query([("a", nil)]) == "")
        #expect(ResourcePath.query([("labelSelector", "app in (a,b),!x"), ("limit", "5")])
            == "?labelSelector=app%20in%20%28a%2Cb%29%2C%21x&limit=5")
        #expect(ResourcePath.query([("fieldSelector", "involvedObject.uid=1&x=y+z")])
            == "?fieldSelector=involvedObject.uid%3D1%26x%3Dy%2Bz")
    }

    @Test func groupAndVersion() {
        #expect(Service.group == "")
        #expect(Service.version == "v1")
        #expect(Lease.group == "coordination.k8s.io")
        #expect(Lease.version == "v1")
    }
}

@Suite struct BackoffTests {
    @Test func growsToTheMaximumAndResets() {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
        var ceilings: [Duration] = []
        for _ in 0..<6 {
            ceilings.append(backoff.ceiling)
            let wait = backoff.next()
            #expect(wait >= .zero && wait <= ceilings.last!)
        }
        #expect(ceilings == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        backoff.reset()
        #expect(backoff.ceiling == .milliseconds(100))
    }

    @Test func fullJitterSpreadsWaits() {
        var backoff = Backoff(initial: .seconds(1), maximum: .seconds(1))
        let waits = Set((0..<50).map { _ in backoff.next() })
        #expect(waits.count > 40)
    }
}

@Suite struct KubeAPIErrorTests {
    @Test func classifiesStatuses() {
        let conflict = KubeAPIError.status(Status(message: "the object has been modified", reason: "Conflict", code: 409))
        #expect(conflict.isConflict && !conflict.isAlreadyExists)
        let exists = KubeAPIError.status(Status(reason: "AlreadyExists", code: 409))
        #expect(exists.isAlreadyExists && !exists.isConflict)
        #expect(KubeAPIError.status(Status(reason: "Expired", code: 410)).isGone)
        #expect(KubeAPIError.status(Status(reason: "NotFound", code: 404)).isNotFound)
        #expect(KubeAPIError.transport(message: "x", underlying: nil).isTransport)
    }

    @Test func nonStatusBodiesBecomeStatuses() {
        let error = KubeClient.statusError(code: 503, body: .init(string: "upstream connect error\n"))
        #expect(error.code == 503)
        #expect(error.reason == "ServiceUnavailable")
        #expect(error.message == "upstream connect error")
        let status = KubeClient.statusError(
            code: 409,
            body: .init(string: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"services \"web\" already exists","reason":"AlreadyExists","code":409}"#))
        #expect(status.isAlreadyExists)
        #expect(status.message == #"services "web" already exists"#)
    }
}
