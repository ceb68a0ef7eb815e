import AsyncHTTPClient
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

@testable import LBObservability

@Suite struct ObservabilityServerTests {
    @Test func addressesParse() throws {
        #expect(try ObservabilityServer.split("0.0.0.0:7472") == ("0.0.0.0", 7472))
        #expect(try ObservabilityServer.split("[::]:7472") == ("::", 7472))
        #expect(try ObservabilityServer.split(":9000") == ("0.0.0.0", 9000))
        for bad in ["7472", "host:", "host:70000", "host:-1", "h:x"] {
            #expect(throws: ObservabilityServer.AddressError.self) { try ObservabilityServer.split(bad) }
        }
    }

    @Test func servesMetricsHealthAndReadiness() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "metallb", subsystem: "k8s_client", metricName: "config_loaded", unitName: "bool",
                helpText: "1 if the config was loaded")
        ).set(to: 1.0)
        let ready = Mutex(false)
        let server = try ObservabilityServer(
            address: "127.0.0.1:0", registry: registry, logger: Logger(label: "test"),
            readiness: { ready.withLock { $0 } ? .healthy : .unhealthy("informers not synced") },
            extraMetrics: { Array("# TYPE extra_series gauge\nextra_series{a=\"b\"} 1\n".utf8) })
        let group = ServiceGroup(services: [server], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port: Int?
            for _ in 0..<200 {
                port = server.listeningPort
                if port != nil { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            let p = try #require(port)
            func get(_ path: String) async throws -> (Int, String) {
                let resp = try await HTTPClient.shared.execute(
                    HTTPClientRequest(url: "http://127.0.0.1:\(p)\(path)"), timeout: .seconds(5))
                let body = try await resp.body.collect(upTo: 1 << 20)
                return (Int(resp.status.code), String(buffer: body))
            }
            let (mc, metrics) = try await get("/metrics")
            #expect(mc == 200)
            #expect(metrics.contains("# TYPE metallb_k8s_client_config_loaded_bool gauge"))
            #expect(metrics.contains("metallb_k8s_client_config_loaded_bool 1"))
            #expect(metrics.hasSuffix("extra_series{a=\"b\"} 1\n"), "series kept outside the registry follow its own")
            #expect(try await get("/healthz") == (200, "ok\n"))
            let (rc, rbody) = try await get("/readyz")
            #expect(rc == 503)
            #expect(rbody.contains("informers not synced"))
            ready.withLock { $0 = true }
            #expect(try await get("/readyz").0 == 200)
            #expect(try await get("/nope").0 == 404)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
