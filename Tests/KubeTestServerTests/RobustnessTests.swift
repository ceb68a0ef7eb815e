import LBTestSupport
import Foundation
import Testing
@testable import KubeTestServer

/// Hostile input must never crash the server: random bytes, mutated documents and random requests
/// go through every decoder and through the whole API. (A trap would kill the test process.)
@Suite struct RobustnessTests {
    static let seeds: [String] = [
        #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"a","labels":{"x":"y"}},"spec":{"type":"LoadBalancer","ports":[{"port":80,"nodePort":30001}],"clusterIP":"10.96.0.50","ipFamilyPolicy":"RequireDualStack"}}"#,
        #"{"metadata":{"name":"l"},"spec":{"holderIdentity":"a","renewTime":"2026-06-14T10:00:00.000000Z","leaseDurationSeconds":5}}"#,
        #"[{"op":"add","path":"/metadata/labels/a","value":"b"},{"op":"move","from":"/spec","path":"/x"}]"#,
        #"{"spec":{"ports":[{"$patch":"delete","port":80}],"$setElementOrder/ports":[{"port":1}]},"metadata":{"$retainKeys":["name"]}}"#,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {a: b}\n",
    ]

    static func mutate(_ text: String, _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = Array(text.utf8)
        for _ in 0..<Int.random(in: 1...6, using: &rng) where !bytes.isEmpty {
            let i = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.remove(at: i)
            case 2: bytes.insert(Array(#"{}[]",:\0"#.utf8).randomElement(using: &rng)!, at: i)
            default: bytes.insert(contentsOf: bytes[i..<min(bytes.count, i + 8)], at: i)
            }
        }
        return bytes
    }

    @Test func decodersSurviveMutatedInput() {
        var rng = SplitMix64(seed: 42)
        for round in 0..<3000 {
            let seed = Self.seeds[round % Self.seeds.count]
            let bytes = Self.mutate(seed, &rng)
            let text = String(decoding: bytes, as: UTF8.self)
            let parsed = try? JSONParser.parse(bytes: bytes)
            _ = try? YAMLDocument.parse(text)
            if let parsed {
                let target = (try? JSONParser.parse(Self.seeds[0])) ?? .emptyObject
                _ = MergePatch.apply(parsed, to: target)
                _ = try? JSONPatch.apply(parsed, to: target)
                _ = try? StrategicMergePatch.apply(parsed, to: target, type: .services)
                _ = ApplyMerge.apply(parsed, to: target, previous: target, type: .services)
                _ = try? FieldSchema.prune(parsed, type: .services)
                #expect((try? JSONParser.parse(parsed.serialized())) == parsed)
            }
            _ = try? LabelSelector.parse(text)
            _ = try? FieldSelector.parse(text, for: .events)
            _ = Timestamp.parse(text)
            _ = IPText(text)
            _ = CIDRText(text)
        }
    }

    @Test func theAPISurvivesRandomRequests() {
        var rng = SplitMix64(seed: 7)
        let api = TestAPI(seedKubernetesService: true)
        let paths = [
            "/api/v1/namespaces/default/services", "/api/v1/namespaces/default/services/a", "/api/v1/namespaces/default/services/a/status",
            "/apis/coordination.k8s.io/v1/namespaces/default/leases/l", "/apis/coordination.k8s.io/v1/namespaces/default/leases",
            "/api/v1/namespaces/default/configmaps/c", "/api/v1/namespaces", "/api/v1/namespaces/x", "/api/v1/nodes/n",
            "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/e", "/api/v1/namespaces/default/events",
            "/api/v1/services?watch=false&limit=1&labelSelector=x%20in%20(a", "/__test/faults", "/api/v1/namespaces/default/secrets",
        ]
        let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        let types = ["application/json", "application/merge-patch+json", "application/json-patch+json",
                     "application/strategic-merge-patch+json", "application/apply-patch+yaml", "application/yaml", "text/plain"]
        for round in 0..<2000 {
            let path = paths.randomElement(using: &rng)! + (round % 5 == 0 ? "?fieldManager=f&dryRun=All" : "")
            let body = String(decoding: Self.mutate(Self.seeds[round % Self.seeds.count], &rng), as: UTF8.self)
            let response = api.call(methods.randomElement(using: &rng)!, path, body, contentType: types.randomElement(using: &rng)!)
            #expect(response.status >= 200 && response.status < 600)
        }
        // The server still answers sensibly afterwards.
        api.post("/api/v1/namespaces", #"{"metadata":{"name":"after"}}"#)
        #expect(api.post("/api/v1/namespaces/after/services", TestAPI.service("ok", namespace: "after")).status == 201)
        #expect(api.get("/api/v1/namespaces/after/services/ok").status == 200)
    }
}

/// The `kube-test-server` executable: ready line, kubeconfig, SIGTERM exits 0.
@Suite struct ExecutableTests {
    static let binary: String? = {
        let here = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        let candidates = [here.appendingPathComponent("kube-test-server").path,
                          here.deletingLastPathComponent().appendingPathComponent("kube-test-server").path,
                          FileManager.default.currentDirectoryPath + "/.build/debug/kube-test-server"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    @Test(.enabled(if: binary != nil, "kube-test-server is not built (swift build --product kube-test-server)"))
    func startsPrintsReadyAndStopsOnSIGTERM() async throws {
        let directory = try TemporaryDirectory("kts-exe")
        let kubeconfig = directory.path + "/kubeconfig"
        let server = Subprocess(try #require(Self.binary),
                                ["--listen", "127.0.0.1:0", "--tls", "--kubeconfig-out", kubeconfig, "--history", "50"])
        try server.start()
        defer { server.stop() }
        #expect(await server.waitForOutput(timeout: 20) { $0.contains("listening on https://127.0.0.1:") }, "\(server.stderr)")
        let line = server.stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(line.hasPrefix("kube-test-server listening on https://127.0.0.1:"))
        let config = try String(contentsOfFile: kubeconfig, encoding: .utf8)
        #expect(config.contains("certificate-authority-data:") && config.contains("token:") && config.contains("ironlb-lab"))
        if Kubectl.available {
            let result = try await Subprocess.run(Kubectl.path!, ["--kubeconfig", kubeconfig, "--cache-dir", directory.path + "/cache",
                                                                   "get", "ns", "-o", "name"])
            #expect(result.stdout.contains("namespace/default"), "\(result.output)")
        }
        server.process.terminate()
        let finished = await server.wait(timeout: 10)
        #expect(finished.status == 0)
        #expect(server.process.terminationReason == .exit)
    }

    @Test(.enabled(if: binary != nil, "kube-test-server is not built"))
    func rejectsABadListenAddress() async throws {
        let result = try await Subprocess.run(try #require(Self.binary), ["--listen", "nonsense"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--listen must be HOST:PORT"))
    }
}
