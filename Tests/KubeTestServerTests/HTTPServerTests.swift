import Foundation
import Testing
@testable import KubeTestServer

/// The server over a real socket: authentication, keep-alive, limits, watch streams, hooks.
@Suite struct HTTPServerTests {
    static func withServer(_ configure: (inout KubeTestServer.Configuration) -> Void = { _ in },
                           _ body: (KubeTestServer) async throws -> Void) async throws {
        var configuration = KubeTestServer.Configuration()
        configure(&configuration)
        let server = try await KubeTestServer.start(configuration)
        do {
            try await body(server)
        } catch {
            try? await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }

    func auth(_ server: KubeTestServer) -> [String: String] { ["Authorization": "Bearer \(server.token)"] }

    @Test func authenticationAndKeepAlive() async throws {
        try await Self.withServer { server in
            #expect(server.url.hasPrefix("http://127.0.0.1:") && server.port > 0)
            let client = try RawHTTPClient(port: server.port)
            let anonymous = try client.request("GET", "/api/v1/namespaces")
            #expect(anonymous.status == 401)
            #expect(anonymous.json["reason"] == "Unauthorized")
            let version = try client.request("GET", "/version")
            #expect(version.status == 200 && version.json["minor"] == "32")
            let wrong = try client.request("GET", "/version", headers: ["Authorization": "Bearer nope"])
            #expect(wrong.status == 401)
            let list = try client.request("GET", "/api/v1/namespaces", headers: auth(server))
            #expect(list.status == 200 && list.json["items"]?.arrayValue?.count == 4)
            #expect(list.headers["content-type"] == "application/json")
            let created = try client.request("POST", "/api/v1/namespaces/default/configmaps",
                                             body: #"{"metadata":{"name":"a"},"bogus":1}"#,
                                             headers: auth(server).merging(["Content-Type": "application/json"]) { a, _ in a })
            #expect(created.status == 201)
            #expect(created.headers["warning"] == #"299 - "unknown field \"bogus\"""#)
        }
    }

    @Test func anonymousAccessWhenAllowed() async throws {
        try await Self.withServer({ $0.allowAnonymous = true }) { server in
            let client = try RawHTTPClient(port: server.port)
            #expect(try client.request("GET", "/api/v1/namespaces").status == 200)
        }
    }

    @Test func hostileInputNeverCrashesTheServer() async throws {
        try await Self.withServer({ $0.allowAnonymous = true; $0.maxBodyBytes = 1024 }) { server in
            let big = try RawHTTPClient(port: server.port)
            let tooLarge = try big.request("POST", "/api/v1/namespaces/default/configmaps", body: String(repeating: "x", count: 4096),
                                           headers: ["Content-Type": "application/json"])
            #expect(tooLarge.status == 413)
            let garbage = try RawHTTPClient(port: server.port)
            try garbage.sendRaw(Array("NOT HTTP AT ALL\r\n\r\n".utf8))
            _ = try? garbage.readHead()
            let client = try RawHTTPClient(port: server.port)
            for body in ["{", "[]", "null", #"{"metadata":"x"}"#, #"{"metadata":{"name":5}}"#, #"{"data":{"a":1}}"#,
                         String(repeating: "[", count: 1000)] {
                let r = try client.request("POST", "/api/v1/namespaces/default/configmaps", body: body,
                                           headers: ["Content-Type": "application/json"])
                #expect(r.status == 400 || r.status == 422, "\(body): \(r.status)")
            }
            let yaml = try client.request("POST", "/api/v1/namespaces/default/configmaps", body: "metadata: [unclosed",
                                          headers: ["Content-Type": "application/yaml"])
            #expect(yaml.status == 400)
            #expect(try client.request("GET", "/api/v1/namespaces").status == 200)
        }
    }

    @Test func watchStreamsChunkedEventsAndEndsAtTheTimeout() async throws {
        try await Self.withServer({ $0.allowAnonymous = true }) { server in
            let watcher = try RawHTTPClient(port: server.port)
            try watcher.send("GET", "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1")
            let (status, headers) = try watcher.readHead()
            #expect(status == 200 && headers["transfer-encoding"] == "chunked")
            _ = server.handle(APIRequest(method: "POST", target: "/api/v1/namespaces/default/configmaps",
                                         headers: ["content-type": "application/json"], body: Array(#"{"metadata":{"name":"a"}}"#.utf8)))
            let events = try watcher.readEvents(1)
            #expect(events.first?["type"] == "ADDED")
            #expect(events.first?["object", "metadata", "name"] == "a")
            // The timeout ends the stream with the terminating chunk; the connection stays usable.
            #expect(try watcher.readChunk() == nil)
            #expect(try watcher.request("GET", "/version").status == 200)
        }
    }

    @Test func bookmarksArriveOnSchedule() async throws {
        try await Self.withServer({ $0.allowAnonymous = true; $0.bookmarkInterval = .milliseconds(100) }) { server in
            let watcher = try RawHTTPClient(port: server.port)
            try watcher.send("GET", "/api/v1/namespaces/default/services?watch=true&allowWatchBookmarks=true&resourceVersion=\(server.resourceVersion)")
            _ = try watcher.readHead()
            let events = try watcher.readEvents(2)
            #expect(events.map { $0["type"] } == ["BOOKMARK", "BOOKMARK"])
            #expect(events.first?["object", "metadata", "resourceVersion"] == .string(String(server.resourceVersion)))
        }
    }

    @Test func hooksDropAndExpireWatches() async throws {
        try await Self.withServer({ $0.allowAnonymous = true }) { server in
            let rv = server.resourceVersion
            let watcher = try RawHTTPClient(port: server.port)
            try watcher.send("GET", "/api/v1/services?watch=true&resourceVersion=\(rv)")
            _ = try watcher.readHead()
            try await waitUntil { server.openWatchCount == 1 }
            server.dropWatches()
            #expect(throws: RawHTTPClient.Failure.self) { _ = try watcher.readChunk() }
            server.forceExpiredWatches()
            let expired = try RawHTTPClient(port: server.port)
            try expired.send("GET", "/api/v1/services?watch=true&resourceVersion=\(rv)")
            #expect(try expired.readHead().0 == 200)
            let events = try expired.readEvents(1)
            #expect(events.first?["type"] == "ERROR")
            #expect(events.first?["object", "code"] == 410)
            #expect(try expired.readChunk() == nil)
            // The same over the HTTP hook endpoints.
            let control = try RawHTTPClient(port: server.port)
            #expect(try control.request("POST", "/__test/compact").status == 200)
            let state = try control.request("GET", "/__test/state")
            #expect(state.json["compactedThrough"] == .int(server.resourceVersion))
            let counts = try control.request("GET", "/__test/request-counts")
            #expect(counts.json["watch services"] == 2)
        }
    }

    @Test func injectedFaults() async throws {
        try await Self.withServer({ $0.allowAnonymous = true }) { server in
            server.addFault(FaultRule(method: "GET", pathPrefix: "/api/v1/namespaces/default/configmaps",
                                      error: APIError(code: 503, reason: "ServiceUnavailable", message: "try later"), remaining: 1))
            let client = try RawHTTPClient(port: server.port)
            #expect(try client.request("GET", "/api/v1/namespaces/default/configmaps").status == 503)
            #expect(try client.request("GET", "/api/v1/namespaces/default/configmaps").status == 200)
            server.addFault(FaultRule(pathPrefix: "/api/v1/nodes", latencySeconds: 0.3, remaining: 1))
            let start = Date()
            #expect(try client.request("GET", "/api/v1/nodes").status == 200)
            #expect(Date().timeIntervalSince(start) >= 0.25)
            let body = #"{"pathPrefix":"/api/v1/secrets","dropConnection":true,"count":1}"#
            #expect(try client.request("POST", "/__test/faults", body: body, headers: ["Content-Type": "application/json"]).status == 200)
            #expect(throws: RawHTTPClient.Failure.self) { _ = try client.request("GET", "/api/v1/secrets") }
        }
    }

    @Test func shutdownClosesOpenWatches() async throws {
        let server = try await KubeTestServer.start({ var c = KubeTestServer.Configuration(); c.allowAnonymous = true; return c }())
        let watcher = try RawHTTPClient(port: server.port)
        try watcher.send("GET", "/api/v1/services?watch=true")
        _ = try watcher.readHead()
        try await server.shutdown()
        #expect(throws: RawHTTPClient.Failure.self) { while try watcher.readChunk() != nil {} }
    }
}

func waitUntil(timeout: Double = 5, _ condition: () -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        if Date() > deadline { throw RawHTTPClient.Failure.timeout }
        try await Task.sleep(nanoseconds: 10_000_000)
    }
}
