import Foundation
import Testing
@testable import KubeTestServer

/// The server checked against the real kubectl 1.32: every test gets its own server, kubeconfig and
/// discovery cache. Skipped (with this message) only when no kubectl binary exists at all.
@Suite(.enabled(if: Kubectl.available, "no kubectl binary found (looked for kubectl.1.32 and kubectl)"))
struct KubectlTests {
    static let manifest = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: demo
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: demo
          labels:
            app: web
        spec:
          type: LoadBalancer
          selector:
            app: web
          ports:
          - name: http
            port: 80
          - name: https
            port: 443
            targetPort: 8443
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: config
          namespace: demo
        data:
          config: |
            address-pools: []
        """

    static func withKubectl(tls: Bool = true, _ body: (KubeTestServer, Kubectl, TemporaryDirectory) async throws -> Void) async throws {
        var configuration = KubeTestServer.Configuration()
        configuration.tls = tls
        configuration.allowAnonymous = !tls
        let server = try await KubeTestServer.start(configuration)
        let directory = try TemporaryDirectory("kubectl")
        do {
            try await body(server, try Kubectl(server: server, directory: directory), directory)
        } catch {
            try? await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }

    /// Writes the status like a controller would, over HTTPS with the token (curl).
    static func putStatus(_ server: KubeTestServer, _ directory: TemporaryDirectory, namespace: String, name: String,
                          ips: [String]) async throws -> Int {
        var service = try #require(server.withCore { $0.store.get(.services, ObjectKey(namespace: namespace, name: name)) })
        service[path: ["status", "loadBalancer", "ingress"]] = .array(ips.map { ["ip": .string($0)] })
        let ca = try directory.write("ca.pem", server.certificateAuthority?.certificatePEM ?? "")
        let body = try directory.write("status.json", service.serialized())
        let result = try await Subprocess.run("/usr/bin/curl", [
            "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", ca, "-X", "PUT",
            "-H", "Authorization: Bearer \(server.token)", "-H", "Content-Type: application/json", "--data-binary", "@\(body)",
            "\(server.url)/api/v1/namespaces/\(namespace)/services/\(name)/status",
        ])
        return Int(result.stdout) ?? -1
    }

    @Test func applyGetDescribeDeleteRoundTrip() async throws {
        try await Self.withKubectl { server, kubectl, directory in
            let file = try directory.write("app.yaml", Self.manifest)
            let applied = try await kubectl.run("apply", "-f", file)
            #expect(applied.status == 0, "\(applied.output)")
            #expect(applied.stdout == "namespace/demo created\nservice/web created\nconfigmap/config created\n")

            let pending = Kubectl.table(try await kubectl.run("get", "svc", "-n", "demo").stdout)
            #expect(pending.first?["NAME"] == "web")
            #expect(pending.first?["TYPE"] == "LoadBalancer")
            #expect(pending.first?["EXTERNAL-IP"] == "<pending>")
            #expect(pending.first?["PORT(S)"]?.range(of: #"^80:3\d{4}/TCP,443:3\d{4}/TCP$"#, options: .regularExpression) != nil)

            #expect(try await Self.putStatus(server, directory, namespace: "demo", name: "web", ips: ["192.0.2.20", "192.0.2.10"]) == 200)
            let assigned = Kubectl.table(try await kubectl.run("get", "svc", "web", "-n", "demo").stdout)
            #expect(assigned.first?["EXTERNAL-IP"] == "192.0.2.10,192.0.2.20")

            // Re-apply with changes: kubectl computes a strategic merge patch from last-applied.
            let before = try #require(server.withCore { $0.store.get(.services, ObjectKey(namespace: "demo", name: "web")) })
            let changed = Self.manifest.replacingOccurrences(of: "targetPort: 8443", with: "targetPort: 9443")
                .replacingOccurrences(of: "address-pools: []", with: "address-pools: [{name: default}]")
            let reapplied = try await kubectl.run("apply", "-f", try directory.write("app2.yaml", changed))
            #expect(reapplied.stdout == "namespace/demo unchanged\nservice/web configured\nconfigmap/config configured\n", "\(reapplied.output)")
            let after = try #require(server.withCore { $0.store.get(.services, ObjectKey(namespace: "demo", name: "web")) })
            #expect(after[path: ["spec", "ports"]]?.arrayValue?.last?["targetPort"] == 9443)
            #expect(after[path: ["spec", "ports"]]?.arrayValue?.map { $0["nodePort"] } == before[path: ["spec", "ports"]]?.arrayValue?.map { $0["nodePort"] })
            #expect(after[path: ["spec", "clusterIP"]] == before[path: ["spec", "clusterIP"]])
            #expect(after[path: ["status", "loadBalancer", "ingress"]]?.arrayValue?.count == 2)
            #expect(after[path: ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"]] != nil)

            // describe shows our Event (found by involvedObject uid) and the ingress with its ipMode.
            let uid = try #require(after[path: ["metadata", "uid"]]?.stringValue)
            let event = """
                {"apiVersion":"v1","kind":"Event","metadata":{"name":"web.ip","namespace":"demo"},
                 "involvedObject":{"apiVersion":"v1","kind":"Service","namespace":"demo","name":"web","uid":"\(uid)"},
                 "reason":"IPAllocated","message":"Assigned IP [\\"192.0.2.10\\"]","type":"Normal",
                 "source":{"component":"ironlb-controller"},"count":1}
                """
            #expect(try await kubectl.run("create", "-f", try directory.write("event.json", event)).status == 0)
            let described = try await kubectl.run("describe", "svc", "web", "-n", "demo")
            #expect(described.status == 0, "\(described.output)")
            #expect(described.stdout.contains("LoadBalancer Ingress:     192.0.2.20 (VIP), 192.0.2.10 (VIP)"), "\(described.stdout)")
            let eventLine = described.stdout.split(separator: "\n").first { $0.contains("IPAllocated") }
            #expect(eventLine?.contains("ironlb-controller") == true && eventLine?.contains(#"Assigned IP ["192.0.2.10"]"#) == true,
                    "\(described.stdout)")

            // -o json round-trips what the server stores.
            let json = try await kubectl.run("get", "svc", "web", "-n", "demo", "-o", "json")
            let parsed = try JSONParser.parse(json.stdout)
            #expect(parsed["spec"] == after["spec"] && parsed["status"] == after["status"] && parsed["metadata"] == after["metadata"])
            let cm = try JSONParser.parse(try await kubectl.run("get", "cm", "config", "-n", "demo", "-o", "json").stdout)
            #expect(cm[path: ["data", "config"]] == "address-pools: [{name: default}]\n")

            let all = Kubectl.table(try await kubectl.run("get", "svc", "-A").stdout)
            #expect(all.map { "\($0["NAMESPACE"] ?? "")/\($0["NAME"] ?? "")" } == ["default/kubernetes", "demo/web"])
            let labels = try await kubectl.run("get", "svc", "-n", "demo", "--show-labels", "-o", "wide")
            #expect(Kubectl.table(labels.stdout).first?["LABELS"] == "app=web")
            #expect(Kubectl.table(labels.stdout).first?["SELECTOR"] == "app=web")

            let deleted = try await kubectl.run("delete", "svc", "web", "-n", "demo")
            #expect(deleted.stdout == "service \"web\" deleted\n", "\(deleted.output)")
            let gone = try await kubectl.run("get", "svc", "web", "-n", "demo")
            #expect(gone.status != 0)
            #expect(gone.stderr.contains(#"Error from server (NotFound): services "web" not found"#))
        }
    }

    @Test func getWatchStreamsChanges() async throws {
        try await Self.withKubectl { server, kubectl, directory in
            #expect(try await kubectl.run("apply", "-f", try directory.write("app.yaml", Self.manifest)).status == 0)
            let watch = try kubectl.start("get", "svc", "-n", "demo", "-w")
            defer { watch.stop() }
            #expect(await watch.waitForOutput(timeout: 10) { $0.contains("<pending>") }, "\(watch.stderr)")
            #expect(try await Self.putStatus(server, directory, namespace: "demo", name: "web", ips: ["192.0.2.33"]) == 200)
            #expect(await watch.waitForOutput(timeout: 10) { $0.contains("192.0.2.33") }, "\(watch.stdout)\(watch.stderr)")
            let lines = watch.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("NAME") == true)
            #expect(lines.filter { $0.hasPrefix("NAME") }.count == 1)
            #expect(lines.last?.hasPrefix("web") == true)
            #expect(server.openWatchCount == 1)
        }
    }

    @Test func watchEndsOnExpiryAndOnDroppedConnections() async throws {
        try await Self.withKubectl { server, kubectl, directory in
            #expect(try await kubectl.run("apply", "-f", try directory.write("app.yaml", Self.manifest)).status == 0)
            // kubectl lists, then watches from the list's version: a forced 410 reaches it as an ERROR
            // event, which it prints (as a Status table) before the stream ends.
            server.forceExpiredWatches(1)
            let expired = try kubectl.start("get", "svc", "-n", "demo", "-w")
            let result = await expired.wait(timeout: 15)
            #expect(result.stdout.contains("Expired") && result.stdout.contains("too old resource version:"), "\(result.output)")
            #expect(server.requestCount("watch", "services") == 1)
            // A dropped connection ends kubectl's watch too (it does not retry).
            let dropped = try kubectl.start("get", "svc", "-n", "demo", "-w")
            defer { dropped.stop() }
            #expect(await dropped.waitForOutput(timeout: 10) { $0.contains("<pending>") })
            try await waitUntil { server.openWatchCount == 1 }
            server.dropWatches()
            let ended = await dropped.wait(timeout: 10)
            #expect(!dropped.process.isRunning, "\(ended.output)")
        }
    }

    @Test func serverSideApply() async throws {
        try await Self.withKubectl { server, kubectl, directory in
            let file = try directory.write("app.yaml", Self.manifest)
            let first = try await kubectl.run("apply", "--server-side", "-f", file)
            #expect(first.stdout == "namespace/demo serverside-applied\nservice/web serverside-applied\nconfigmap/config serverside-applied\n",
                    "\(first.output)")
            let again = try await kubectl.run("apply", "--server-side", "-f", file)
            #expect(again.status == 0, "\(again.output)")
            let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config\n  namespace: demo\ndata:\n  config: other\n"
            let conflict = try await kubectl.run("apply", "--server-side", "--field-manager", "someone-else", "-f", try directory.write("cm.yaml", cm))
            #expect(conflict.status != 0)
            #expect(conflict.stderr.contains("conflict"), "\(conflict.output)")
            let forced = try await kubectl.run("apply", "--server-side", "--force-conflicts", "--field-manager", "someone-else", "-f",
                                               directory.path + "/cm.yaml")
            #expect(forced.status == 0, "\(forced.output)")
            #expect(server.withCore { $0.store.get(.configMaps, ObjectKey(namespace: "demo", name: "config"))?[path: ["data", "config"]] } == "other")
        }
    }

    @Test func kubectlPatchesAndValidationErrors() async throws {
        try await Self.withKubectl { server, kubectl, directory in
            #expect(try await kubectl.run("apply", "-f", try directory.write("app.yaml", Self.manifest)).status == 0)
            let status = try await kubectl.run("patch", "svc", "web", "-n", "demo", "--subresource=status", "--type=merge",
                                               "-p", #"{"status":{"loadBalancer":{"ingress":[{"ip":"not-an-ip"}]}}}"#)
            #expect(status.status != 0)
            #expect(status.stderr.contains("status.loadBalancer.ingress[0].ip: Invalid value: \"not-an-ip\""), "\(status.output)")
            let json = try await kubectl.run("patch", "svc", "web", "-n", "demo", "--type=json",
                                             "-p", #"[{"op":"add","path":"/metadata/labels/tier","value":"edge"}]"#)
            #expect(json.status == 0, "\(json.output)")
            let unknown = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: demo\nbogus: 1\n"
            let strict = try await kubectl.run("apply", "-f", try directory.write("bad.yaml", unknown))
            #expect(strict.status != 0)
            #expect(strict.stderr.contains("unknown field \"bogus\""), "\(strict.output)")
            let labelled = try await kubectl.run("get", "svc", "-n", "demo", "-l", "tier=edge", "-o", "name")
            #expect(labelled.stdout == "service/web\n")
            #expect(try await kubectl.run("get", "svc", "-n", "demo", "--field-selector", "spec.type=LoadBalancer", "-o", "name").stdout == "service/web\n")
            let badField = try await kubectl.run("get", "svc", "-n", "demo", "--field-selector", "spec.ports=1")
            #expect(badField.stderr.contains("field label not supported: spec.ports"), "\(badField.output)")
        }
    }

    @Test func imperativeCreateSendsProtobuf() async throws {
        try await Self.withKubectl { server, kubectl, _ in
            #expect(try await kubectl.run("create", "namespace", "imperative").stdout == "namespace/imperative created\n")
            let cm = try await kubectl.run("create", "configmap", "c", "-n", "imperative", "--from-literal=a=b")
            #expect(cm.status == 0, "\(cm.output)")
            let secret = try await kubectl.run("create", "secret", "generic", "s", "-n", "imperative", "--from-literal=p=q")
            #expect(secret.status == 0, "\(secret.output)")
            let svc = try await kubectl.run("create", "service", "loadbalancer", "lb", "--tcp=80:8080", "-n", "imperative")
            #expect(svc.status == 0, "\(svc.output)")
            let stored = try #require(server.withCore { $0.store.get(.services, ObjectKey(namespace: "imperative", name: "lb")) })
            #expect(stored[path: ["spec", "ports"]]?.arrayValue?.first?["targetPort"] == 8080)
            #expect(stored[path: ["metadata", "generateName"]] == nil)
            #expect(server.withCore { $0.store.get(.secrets, ObjectKey(namespace: "imperative", name: "s"))?[path: ["data", "p"]] } == "cQ==")
        }
    }

    @Test func clientCertificatesAndBadTokens() async throws {
        try await Self.withKubectl { server, _, directory in
            let certDirectory = try TemporaryDirectory("kubectl-cert")
            let withCert = try Kubectl(server: server, directory: certDirectory,
                                       kubeconfig: try server.clientCertificateKubeconfig(user: "ironlb-controller"))
            let ok = try await withCert.run("get", "ns", "-o", "name")
            #expect(ok.stdout.contains("namespace/kube-system"), "\(ok.output)")
            var bad = server.kubeconfig()
            bad.token = "wrong"
            let badDirectory = try TemporaryDirectory("kubectl-bad")
            let denied = try await Kubectl(server: server, directory: badDirectory, kubeconfig: bad).run("get", "ns")
            #expect(denied.status != 0)
            #expect(denied.stderr.contains("You must be logged in to the server"), "\(denied.output)")
            _ = directory
        }
    }

    @Test func plainHTTPWithAnonymousAccess() async throws {
        try await Self.withKubectl(tls: false) { server, kubectl, _ in
            let result = try await kubectl.run("get", "ns")
            #expect(result.status == 0, "\(result.output)")
            #expect(Kubectl.table(result.stdout).map { $0["NAME"] ?? "" } == ["default", "kube-node-lease", "kube-public", "kube-system"])
            #expect(Kubectl.table(result.stdout).first?["STATUS"] == "Active")
            let version = try await kubectl.run("version", "-o", "json")
            #expect((try? JSONParser.parse(version.stdout))?[path: ["serverVersion", "minor"]] == "32")
        }
    }
}
