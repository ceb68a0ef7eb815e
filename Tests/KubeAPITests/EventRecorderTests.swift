import Foundation
import Synchronization
import Testing

@testable import KubeAPI

/// A wall clock tests move by hand.
final class ManualClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_781_431_200))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

@Suite struct EventRecorderTests {
    func events(_ client: KubeClient, about service: Service) async throws -> [Event] {
        try await client.list(
            Event.self, namespace: service.metadata.namespace,
            fieldSelector: "involvedObject.uid=\(service.metadata.uid ?? ""),involvedObject.kind=Service,involvedObject.name=\(service.metadata.name)"
        ).items
    }

    @Test func recordsACoreV1EventWithTheUID() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let service = try await client.create(KubeClientTests.loadBalancer("web"))
            let clock = ManualClock()
            let recorder = EventRecorder(client: client, component: "ironlb-controller", logger: testLogger(), now: { clock.now })
            await recorder.record(for: service, type: .normal, reason: "IPAllocated", message: "Assigned IP [\"192.0.2.10\"]")
            let events = try await events(client, about: service)
            #expect(events.count == 1)
            let event = try #require(events.first)
            #expect(event.involvedObject.uid == service.metadata.uid)
            #expect(event.involvedObject.kind == "Service")
            #expect(event.involvedObject.apiVersion == "v1")
            #expect(event.type == .normal)
            #expect(event.reason == "IPAllocated")
            #expect(event.count == 1)
            #expect(event.source?.component == "ironlb-controller")
            #expect(event.reportingComponent == "ironlb-controller")
            #expect(event.firstTimestamp?.description == "2026-06-14T10:00:00Z")
            #expect(event.lastTimestamp == event.firstTimestamp)
            #expect(event.metadata.name.hasPrefix("web."))
            #expect(await recorder.dropped == 0)
        }
    }

    @Test func repeatsAreCountedNotDuplicated() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let service = try await client.create(KubeClientTests.loadBalancer("web"))
            let clock = ManualClock()
            let recorder = EventRecorder(client: client, component: "ironlb-controller", logger: testLogger(), now: { clock.now })
            for _ in 0..<3 {
                await recorder.record(for: service, type: .warning, reason: "AllocationFailed", message: "no IP left in pool default")
                clock.advance(30)
            }
            await recorder.record(for: service, type: .warning, reason: "AllocationFailed", message: "another message")
            let events = try await events(client, about: service).sorted { ($0.count ?? 0) > ($1.count ?? 0) }
            #expect(events.count == 2)
            #expect(events[0].count == 3)
            #expect(events[0].firstTimestamp?.description == "2026-06-14T10:00:00Z")
            #expect(events[0].lastTimestamp?.description == "2026-06-14T10:01:00Z")
            #expect(events[1].count == 1)
            #expect(events[1].message == "another message")
        }
    }

    @Test func concurrentRepeatsCountUpOneEvent() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let service = try await client.create(KubeClientTests.loadBalancer("web"))
            let recorder = EventRecorder(client: client, component: "ironlb-controller", logger: testLogger())
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask { await recorder.record(for: service, type: .normal, reason: "Announcing", message: "node-a") }
                }
            }
            let events = try await events(client, about: service)
            #expect(events.count == 1)
            #expect(events.first?.count == 8)
        }
    }

    @Test func afterTheWindowOrDeletionANewEventStarts() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let service = try await client.create(KubeClientTests.loadBalancer("web"))
            let clock = ManualClock()
            let recorder = EventRecorder(
                client: client, component: "ironlb-controller", repeatWindow: .seconds(60), logger: testLogger(), now: { clock.now })
            await recorder.record(for: service, type: .normal, reason: "R", message: "m")
            clock.advance(61)
            await recorder.record(for: service, type: .normal, reason: "R", message: "m")
            var events = try await events(client, about: service)
            #expect(events.map(\.count) == [1, 1])

            // Events expire on the server (an hour); a repeat then creates a new one.
            for event in events { try await client.delete(Event.self, namespace: "default", name: event.metadata.name) }
            clock.advance(1)
            await recorder.record(for: service, type: .normal, reason: "R", message: "m")
            events = try await self.events(client, about: service)
            #expect(events.map(\.count) == [1])
            #expect(await recorder.dropped == 0)
        }
    }

    @Test func failuresAreSwallowedAndCounted() async throws {
        try await TestCluster.with { cluster in
            let recorder = EventRecorder(client: cluster.client, component: "ironlb-controller", logger: testLogger())
            let missing = ObjectReference(kind: "Service", namespace: "no-such-namespace", name: "x", uid: "u1", apiVersion: "v1")
            await recorder.record(for: missing, type: .warning, reason: "R", message: "m")
            #expect(await recorder.dropped == 1)
        }
    }

    @Test func clusterScopedObjectsGetEventsInDefault() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let node = try await client.create(Node(metadata: ObjectMeta(name: "node-a")))
            let recorder = EventRecorder(client: client, component: "ironlb-speaker", host: "node-a", logger: testLogger())
            await recorder.record(for: node, type: .warning, reason: "ForeignMAC", message: "192.0.2.1 answered by 02:00:00:00:00:01")
            let events = try await client.list(Event.self, namespace: "default", fieldSelector: "involvedObject.name=node-a").items
            #expect(events.count == 1)
            #expect(events.first?.source?.host == "node-a")
            #expect(events.first?.involvedObject.uid == node.metadata.uid)
        }
    }
}

@Suite struct EventNameTests {
    @Test func namesFollowClientGoAndStayValid() {
        let date = Date(timeIntervalSince1970: 1_781_431_200)
        #expect(EventRecorder.eventName(for: ObjectReference(name: "web"), at: date) == "web.18b8ea3cebcc4000")
        let long = EventRecorder.eventName(for: ObjectReference(name: String(repeating: "a", count: 250)), at: date)
        #expect(long.count == 253)
        #expect(long.hasSuffix(".18b8ea3cebcc4000"))
    }
}
