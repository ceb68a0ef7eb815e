import Foundation
import Synchronization
import Testing

@testable import KubeAPI

@Suite struct ModifyStatusTests {
    static let statusPath = "/api/v1/namespaces/default/services/web/status"

    func addIngress(_ ip: String) -> (inout Service) -> Bool {
        { service in
            guard !service.status.loadBalancer.ingress.contains(where: { $0.ip == ip }) else { return false }
            service.status.loadBalancer.ingress.append(LoadBalancerIngress(ip: ip))
            return true
        }
    }

    @Test func racingWritersBothLand() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            _ = try await client.create(KubeClientTests.loadBalancer("web"))
            // A second writer lands between the first writer's read and its write: it writes
            // in-process, synchronously, from inside the first writer's mutate, so the first
            // writer's PUT carries a stale resourceVersion and must get 409 — no timing involved.
            let firstAttempts = Mutex(0)
            let written = try await client.modifyStatus(Service.self, namespace: "default", name: "web") { service in
                let attempt = firstAttempts.withLock { n in
                    n += 1
                    return n
                }
                if attempt == 1 {
                    let patch = #"{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.2","ipMode":"VIP"}]}}}"#
                    #expect(cluster.mergePatchInProcess(Self.statusPath, patch) == 200, "the competing write must land")
                }
                return self.addIngress("192.0.2.1")(&service)
            }
            #expect(firstAttempts.withLock { $0 } == 2, "the conflict made it read again")
            #expect(written?.status.loadBalancer.ingress.map(\.ip) == ["192.0.2.2", "192.0.2.1"])
            let final = try await client.get(Service.self, namespace: "default", name: "web")
            #expect(final.status.loadBalancer.ingress.compactMap(\.ip) == ["192.0.2.2", "192.0.2.1"])
            #expect(final.spec.type == .loadBalancer)
        }
    }

    @Test func noChangeMeansNoWrite() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            _ = try await client.create(KubeClientTests.loadBalancer("web"))
            cluster.resetRequestCounts()
            let unchanged = try await client.modifyStatus(Service.self, namespace: "default", name: "web") { _ in false }
            #expect(unchanged?.metadata.name == "web")
            #expect(cluster.requestCount("update", "services/status") == 0)
            #expect(cluster.requestCount("get", "services") == 1)
        }
    }

    @Test func missingObjectIsNil() async throws {
        try await TestCluster.with { cluster in
            let result = try await cluster.client.modifyStatus(Service.self, namespace: "default", name: "nope") { _ in true }
            #expect(result == nil)
        }
    }

    @Test func givesUpAfterTheAttempts() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            _ = try await client.create(KubeClientTests.loadBalancer("web"))
            cluster.failRequests(pathPrefix: Self.statusPath, method: "PUT", code: 409, reason: "Conflict")
            let attempts = Mutex(0)
            let error = await #expect(throws: KubeAPIError.self) {
                try await client.modifyStatus(Service.self, namespace: "default", name: "web", attempts: 3) { service in
                    attempts.withLock { $0 += 1 }
                    return self.addIngress("192.0.2.1")(&service)
                }
            }
            #expect(error?.isConflict == true)
            #expect(attempts.withLock { $0 } == 3)
        }
    }

    @Test func modifyWritesTheObject() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "config"), data: ["k": "1"]))
            let updated = try await client.modify(ConfigMap.self, name: "config") { configMap in
                configMap.data["k"] = "2"
                return true
            }
            #expect(updated?.data["k"] == "2")
        }
    }
}
