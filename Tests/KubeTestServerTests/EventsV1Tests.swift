import Testing
@testable import KubeTestServer

/// events.k8s.io/v1 is a second view of the core/v1 Events.
@Suite struct EventsV1Tests {
    static let v1 = "/apis/events.k8s.io/v1/namespaces/default/events"
    static let event = #"{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"e"},"eventTime":"2026-06-14T10:00:00.000000Z","reportingController":"ironlb.dev/controller","reportingInstance":"c-1","action":"Allocate","reason":"IPAllocated","type":"Normal","note":"hi","regarding":{"kind":"Service","name":"web","namespace":"default","uid":"u1"}}"#

    @Test func createdInV1ReadInBoth() throws {
        let api = TestAPI()
        let created = api.post(Self.v1, Self.event)
        #expect(created.status == 201, "\(created.message)")
        #expect(created["apiVersion"] == "events.k8s.io/v1" && created["note"] == "hi" && created["regarding", "name"] == "web")
        let core = api.get("/api/v1/namespaces/default/events/e")
        #expect(core["message"] == "hi" && core["involvedObject", "uid"] == "u1" && core["reportingComponent"] == "ironlb.dev/controller")
        let list = api.get(Self.v1 + "?fieldSelector=regarding.name%3Dweb")
        #expect(list["apiVersion"] == "events.k8s.io/v1")
        #expect(list["items"]?.arrayValue?.first?["note"] == "hi")
        let patched = api.patch(Self.v1 + "/e", #"{"series":{"count":2,"lastObservedTime":"2026-06-14T10:01:00.000000Z"}}"#)
        #expect(patched["series", "count"] == 2, "\(patched.message)")
        #expect(api.get("/api/v1/namespaces/default/events/e")["series", "count"] == 2)
        let missing = api.get(Self.v1 + "/nope")
        #expect(missing.message == "events.events.k8s.io \"nope\" not found")
    }

    @Test func v1EventsNeedAnEventTime() {
        let api = TestAPI()
        let r = api.post(Self.v1, #"{"metadata":{"name":"e"},"reason":"X"}"#)
        #expect(r.status == 422)
        let incomplete = api.post(Self.v1, #"{"metadata":{"name":"e"},"eventTime":"2026-06-14T10:00:00.000000Z","reason":"X","type":"Normal"}"#)
        #expect(incomplete.status == 422)
    }

    @Test func watchesSeeV1Objects() {
        let api = TestAPI()
        let (sink, _) = api.watch(Self.v1 + "?watch=true")
        api.post("/api/v1/namespaces/default/events", #"{"metadata":{"name":"legacy"},"involvedObject":{"kind":"Node","name":"n1"},"reason":"R","message":"m","count":1}"#)
        #expect(sink.events.first?.object["apiVersion"] == "events.k8s.io/v1")
        #expect(sink.events.first?.object["note"] == "m")
        #expect(sink.events.first?.object["deprecatedCount"] == 1)
    }
}
