import Foundation
import Testing

@testable import KubeAPI

/// CRUD, list and watch against a KubeTestServer per test.
@Suite struct KubeClientTests {
    static func loadBalancer(_ name: String, namespace: String = "default", labels: [String: String] = [:]) -> Service {
        Service(
            metadata: ObjectMeta(name: name, namespace: namespace, labels: labels),
            spec: ServiceSpec(type: .loadBalancer, ports: [ServicePort(name: "http", port: 80, targetPort: "http")], selector: ["app": name]))
    }

    @Test func crudRoundTrip() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let created = try await client.create(Self.loadBalancer("web"))
            #expect(created.metadata.uid?.isEmpty == false)
            #expect(created.metadata.resourceVersion != nil)
            #expect(created.metadata.creationTimestamp != nil)
            #expect(created.spec.clusterIP != nil)
            #expect(created.spec.ports.first?.nodePort != nil)
            #expect(created.spec.ports.first?.protocol == .tcp)
            #expect(created.spec.ports.first?.targetPort == .string("http"))
            #expect(created.spec.externalTrafficPolicy == .cluster)

            let read = try await client.get(Service.self, namespace: "default", name: "web")
            #expect(read == created)

            var changed = read
            changed.metadata.labels["tier"] = "front"
            let updated = try await client.update(changed)
            #expect(updated.metadata.labels["tier"] == "front")
            #expect(updated.metadata.resourceVersion != read.metadata.resourceVersion)

            // A stale resourceVersion is a conflict.
            let stale = await #expect(throws: KubeAPIError.self) { try await client.update(changed) }
            #expect(stale?.isConflict == true)
            #expect(stale?.message.contains("the object has been modified") == true)

            let patched = try await client.patch(
                Service.self, namespace: "default", name: "web", patch: ["metadata": ["annotations": ["a": "b"]]])
            #expect(patched.metadata.annotations["a"] == "b")
            #expect(patched.metadata.labels["tier"] == "front")

            let duplicate = await #expect(throws: KubeAPIError.self) { try await client.create(Self.loadBalancer("web")) }
            #expect(duplicate?.isAlreadyExists == true)

            try await client.delete(Service.self, namespace: "default", name: "web")
            let gone = await #expect(throws: KubeAPIError.self) { try await client.get(Service.self, namespace: "default", name: "web") }
            #expect(gone?.isNotFound == true)
            #expect(gone?.reason == "NotFound")
        }
    }

    @Test func namespaceDefaultsToTheContextsNamespace() async throws {
        try await TestCluster.with { cluster in
            let created = try await cluster.client.create(ConfigMap(metadata: ObjectMeta(name: "c"), data: ["k": "v"]))
            #expect(created.metadata.namespace == "default")
            #expect(try await cluster.client.get(ConfigMap.self, name: "c").data == ["k": "v"])
        }
    }

    @Test func statusSubresourceKeepsSpecAndTheServerSetsIPMode() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            var service = try await client.create(Self.loadBalancer("web"))
            service.spec.loadBalancerIP = "198.51.100.7"  // ignored by a /status write
            service.status.loadBalancer.ingress = [LoadBalancerIngress(ip: "192.0.2.10")]
            let written = try await client.updateStatus(service)
            #expect(written.spec.loadBalancerIP == nil)
            #expect(written.status.loadBalancer.ingress == [LoadBalancerIngress(ip: "192.0.2.10", ipMode: .vip)])
            #expect(written.status.loadBalancer.isEquivalent(to: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "192.0.2.10")])))

            let patched = try await client.patchStatus(
                Service.self, namespace: "default", name: "web",
                patch: ["status": ["loadBalancer": ["ingress": [["ip": "192.0.2.11"]]]]])
            #expect(patched.status.loadBalancer.ingress.map(\.ip) == ["192.0.2.11"])
        }
    }

    @Test func clusterScopedObjectsAndOtherGroups() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let namespace = try await client.create(Namespace(metadata: ObjectMeta(name: "ironlb-system")))
            #expect(namespace.metadata.namespace == nil)
            _ = try await client.create(
                Node(metadata: ObjectMeta(name: "node-a", labels: ["kubernetes.io/hostname": "node-a"]),
                     status: NodeStatus(addresses: [NodeAddress(type: "InternalIP", address: "192.168.1.10")])))
            let nodes = try await client.list(Node.self)
            #expect(nodes.items.map(\.metadata.name) == ["node-a"])

            let slice = EndpointSlice(
                metadata: ObjectMeta(name: "web-abc", namespace: "ironlb-system", labels: [EndpointSlice.serviceNameLabel: "web"]),
                endpoints: [Endpoint(addresses: ["10.244.1.5"], conditions: EndpointConditions(ready: true), nodeName: "node-a")],
                ports: [EndpointPort(name: "http", protocol: .tcp, port: 8080)])
            _ = try await client.create(slice)
            let slices = try await client.list(
                EndpointSlice.self, namespace: "ironlb-system", labelSelector: "\(EndpointSlice.serviceNameLabel)=web")
            #expect(slices.items.first?.endpoints.first?.nodeName == "node-a")

            let lease = try await client.create(
                Lease(metadata: ObjectMeta(name: "l", namespace: "ironlb-system"),
                      spec: LeaseSpec(holderIdentity: "a", leaseDurationSeconds: 15, renewTime: MicroTime(Date(timeIntervalSince1970: 1_781_431_200.123456)))))
            #expect(lease.spec.renewTime?.description == "2026-06-14T10:00:00.123456Z")

            let secret = try await client.create(
                Secret(metadata: ObjectMeta(name: "s", namespace: "ironlb-system"), data: ["bin": [0, 255, 1]], type: "Opaque"))
            #expect(try await client.get(Secret.self, namespace: "ironlb-system", name: secret.metadata.name).data["bin"] == [0, 255, 1])

            let missing = await #expect(throws: KubeAPIError.self) {
                try await client.create(ConfigMap(metadata: ObjectMeta(name: "x", namespace: "nowhere")))
            }
            #expect(missing?.isNotFound == true)
        }
    }

    @Test func listSelectorsAndPagination() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            for index in 0..<7 {
                _ = try await client.create(
                    ConfigMap(metadata: ObjectMeta(name: "cm-\(index)", labels: ["parity": index % 2 == 0 ? "even" : "odd"])))
            }
            let even = try await client.list(ConfigMap.self, namespace: "default", labelSelector: "parity=even")
            #expect(even.items.map(\.metadata.name) == ["cm-0", "cm-2", "cm-4", "cm-6"])
            let notEven = try await client.list(ConfigMap.self, namespace: "default", labelSelector: "parity notin (even)")
            #expect(notEven.items.count == 3)
            let byName = try await client.list(ConfigMap.self, namespace: "default", fieldSelector: "metadata.name=cm-3")
            #expect(byName.items.map(\.metadata.name) == ["cm-3"])

            let page = try await client.list(ConfigMap.self, namespace: "default", limit: 3)
            #expect(page.items.count == 3)
            #expect(page.metadata.continue?.isEmpty == false)
            let all = try await client.listAll(ConfigMap.self, namespace: "default", pageSize: 2)
            #expect(all.items.map(\.metadata.name) == (0..<7).map { "cm-\($0)" })
            #expect(all.metadata.resourceVersion != nil)

            let unsupported = await #expect(throws: KubeAPIError.self) {
                try await client.list(ConfigMap.self, namespace: "default", fieldSelector: "data.k=v")
            }
            #expect(unsupported?.code == 400)
        }
    }

    @Test func watchFromAListsVersionSeesLaterChangesInOrder() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "before")))
            let list = try await client.list(ConfigMap.self, namespace: "default")
            let version = try #require(list.metadata.resourceVersion)

            var iterator = client.watch(ConfigMap.self, namespace: "default", resourceVersion: version).makeAsyncIterator()
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "a"), data: ["n": "1"]))
            _ = try await client.patch(ConfigMap.self, name: "a", patch: ["data": ["n": "2"]])
            try await client.delete(ConfigMap.self, name: "a")

            var seen: [String] = []
            while seen.count < 3, let event = try await iterator.next() {
                switch event {
                case .added(let object): seen.append("ADDED \(object.metadata.name) \(object.data["n"] ?? "")")
                case .modified(let object): seen.append("MODIFIED \(object.metadata.name) \(object.data["n"] ?? "")")
                case .deleted(let object): seen.append("DELETED \(object.metadata.name)")
                case .bookmark: break
                }
            }
            #expect(seen == ["ADDED a 1", "MODIFIED a 2", "DELETED a"])
        }
    }

    @Test func watchWithoutVersionStartsWithSyntheticAddsAndEndsOnTimeout() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "x")))
            var names: [String] = []
            for try await event in client.watch(ConfigMap.self, namespace: "default", timeoutSeconds: 1) {
                if case .added(let object) = event { names.append(object.metadata.name) }
            }
            #expect(names.contains("x"))
        }
    }

    @Test func watchErrorEventIsGone() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let version = try #require(try await client.list(ConfigMap.self, namespace: "default").metadata.resourceVersion)
            cluster.forceExpiredWatches(1)
            let error = await #expect(throws: KubeAPIError.self) {
                for try await _ in client.watch(ConfigMap.self, namespace: "default", resourceVersion: version) {}
            }
            #expect(error?.isGone == true)
        }
    }

    @Test func bookmarksCarryTheVersion() async throws {
        var options = TestCluster.Options()
        options.bookmarkInterval = .milliseconds(100)
        try await TestCluster.with(options) { cluster in
            let client = cluster.client
            let version = try #require(try await client.list(ConfigMap.self, namespace: "default").metadata.resourceVersion)
            for try await event in client.watch(ConfigMap.self, namespace: "default", resourceVersion: version, allowBookmarks: true) {
                if case .bookmark(let bookmarkVersion) = event {
                    #expect(!bookmarkVersion.isEmpty)
                    break
                }
            }
        }
    }

    @Test func droppedWatchConnectionIsATransportError() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let version = try #require(try await client.list(ConfigMap.self, namespace: "default").metadata.resourceVersion)
            let watcher = Task {
                var iterator = client.watch(ConfigMap.self, namespace: "default", resourceVersion: version).makeAsyncIterator()
                _ = try await iterator.next()
                return try await iterator.next()
            }
            #expect(await eventually { cluster.openWatchCount == 1 })
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "one")))
            #expect(await eventually { cluster.openWatchCount == 1 })
            try await Task.sleep(for: .milliseconds(50))
            cluster.dropWatches()
            let result = await watcher.result
            switch result {
            case .failure(let error as KubeAPIError): #expect(error.isTransport)
            case .failure(let error): Issue.record("unexpected error \(error)")
            case .success(let event): Issue.record("expected the dropped connection to fail, got \(String(describing: event))")
            }
        }
    }

    @Test func cancellingTheConsumerClosesTheWatch() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            let watcher = Task {
                for try await _ in client.watch(ConfigMap.self, namespace: "default", resourceVersion: "1") {}
            }
            #expect(await eventually { cluster.openWatchCount == 1 })
            watcher.cancel()
            _ = await watcher.result
            #expect(await eventually { cluster.openWatchCount == 0 })
        }
    }

    @Test func tlsWithTheClustersCAAndClientCertificate() async throws {
        var options = TestCluster.Options()
        options.tls = true
        options.clientCertificate = true
        try await TestCluster.with(options) { cluster in
            #expect(cluster.configuration.server.scheme == "https")
            guard case .clientCertificate = cluster.configuration.auth else {
                Issue.record("expected client-certificate auth, got \(cluster.configuration.auth)")
                return
            }
            let created = try await cluster.client.create(ConfigMap(metadata: ObjectMeta(name: "tls")))
            #expect(created.metadata.name == "tls")
        }
    }

    @Test func tlsVerificationRefusesAnUnknownCA() async throws {
        var options = TestCluster.Options()
        options.tls = true
        try await TestCluster.with(options) { cluster in
            _ = try await cluster.client.get(Namespace.self, name: "default")  // token over verified TLS

            var wrongCA = cluster.configuration
            wrongCA.caPEM = Array(Fixtures.certificatePEM.utf8)
            wrongCA.requestTimeout = .seconds(2)
            let untrusting = try KubeClient(configuration: wrongCA, logger: testLogger())
            let error = await #expect(throws: KubeAPIError.self) { try await untrusting.get(Namespace.self, name: "default") }
            #expect(error?.isTransport == true)
            #expect(error.map { "\($0)" }?.contains("timed out") == false, "the TLS failure, not a timeout: \(String(describing: error))")
            try await untrusting.shutdown()

            var insecure = wrongCA
            insecure.insecureSkipTLSVerify = true
            let trusting = try KubeClient(configuration: insecure, logger: testLogger())
            let namespace = try await trusting.get(Namespace.self, name: "default")
            #expect(namespace.metadata.name == "default")
            try await trusting.shutdown()
        }
    }

    @Test func wrongTokenIsUnauthorizedAndARotatedTokenFileRecovers() async throws {
        try await TestCluster.with { cluster in
            try await withTemporaryDirectory { dir in
                write("wrong-token", to: dir + "/token")
                var configuration = cluster.configuration
                configuration.auth = .tokenFile(dir + "/token")
                let client = try KubeClient(configuration: configuration, logger: testLogger())
                let error = await #expect(throws: KubeAPIError.self) { try await client.get(Namespace.self, name: "default") }
                #expect(error?.isUnauthorized == true)
                // The kubelet rotates the token; the next 401 makes the client re-read it and retry.
                write(cluster.token, to: dir + "/token")
                let namespace = try await client.get(Namespace.self, name: "default")
                #expect(namespace.metadata.name == "default")
                try await client.shutdown()
            }
        }
    }

    @Test func requestsTimeOut() async throws {
        try await TestCluster.with { cluster in
            var configuration = cluster.configuration
            configuration.requestTimeout = .milliseconds(200)
            let client = try KubeClient(configuration: configuration, logger: testLogger())
            // The answer comes 20 s late: far beyond the 200 ms deadline even when a loaded
            // machine runs the deadline's timer late (with 2 s, a CI run once got its answer first).
            cluster.delayRequests(pathPrefix: "/api/v1/namespaces/default/configmaps", seconds: 20, count: 1)
            let error = await #expect(throws: KubeAPIError.self) { try await client.list(ConfigMap.self, namespace: "default") }
            #expect(error?.isTransport == true)
            #expect(error?.message.contains("timed out") == true)
            try await client.shutdown()
        }
    }

    @Test func unknownFieldsSurviveAnUpdate() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            var service = try await client.create(Self.loadBalancer("web"))
            // Fields this client does not model but the server stores (sessionAffinityConfig is modelled
            // as raw JSON; publishNotReadyAddresses is typed; managedFields lives in metadata.extra).
            service.spec.extra["externalIPs"] = nil
            service.spec.sessionAffinityConfig = ["clientIP": ["timeoutSeconds": 300]]
            service.spec.publishNotReadyAddresses = true
            let updated = try await client.update(service)
            var again = updated
            again.metadata.labels["x"] = "y"
            let final = try await client.update(again)
            #expect(final.spec.sessionAffinityConfig == ["clientIP": ["timeoutSeconds": 300]])
            #expect(final.spec.publishNotReadyAddresses == true)
        }
    }
}
