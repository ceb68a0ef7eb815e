import KubeTestServer
import Testing

@Suite struct SeedingTests {
    @Test func createNamespaceIsIdempotentAndRefusesBadNames() async throws {
        let server = try await KubeTestServer.start(KubeTestServer.Configuration())
        try server.createNamespace("team-a")
        try server.createNamespace("team-a")  // already there: fine
        let listed = server.handle(APIRequest(method: "GET", path: "/api/v1/namespaces/team-a"))
        #expect(listed.status == 200)
        #expect(throws: KubeTestServer.SeedError.self) { try server.createNamespace("Not_A_DNS_Label") }
        try await server.shutdown()
    }
}
