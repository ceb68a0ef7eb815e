// Controller benchmark (issue 3): real `kube-test-server` and `lb-controller` processes (release
// builds), driven over HTTP with IronLB's own client. Prints:
//   1. 10,000 Services created at full speed: time until all have status;
//   2. 10,000 more created at 100/s: creation-to-status latency p50/p99;
//   3. the controller restarted with 20,000 Services: time until it is ready and caught up, and
//      proof of zero changes (no Service's resourceVersion moved);
//   4. the controller's peak RSS (VmHWM).
// Run with `make bench-controller`. It asserts nothing; it prints figures next to the targets.
import AsyncHTTPClient
import Foundation
import KubeAPI
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

let binDir = CommandLine.arguments.dropFirst().first ?? ".build/release"
/// Where lb-controller is: the shipped build (`--static-swift-stdlib`, as deploy/Dockerfile
/// builds it) lives in its own scratch path.
let controllerDir = CommandLine.arguments.dropFirst(2).first ?? binDir
let fullSpeedCount = Int(ProcessInfo.processInfo.environment["BENCH_FULL"] ?? "") ?? 10_000
let pacedCount = Int(ProcessInfo.processInfo.environment["BENCH_PACED"] ?? "") ?? 10_000
let pacedRate = 100.0

func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}

func peakRSSMiB(_ pid: Int32) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) }
        return kb.map { $0 / 1024 }
    }
    return nil
}

func start(_ path: String, _ args: [String], stdout: FileHandle? = nil) throws -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    p.standardOutput = stdout ?? FileHandle.nullDevice
    p.standardError = FileHandle(forWritingAtPath: "/tmp/ironlb-controller-bench.log") ?? FileHandle.nullDevice
    try p.run()
    return p
}

func percentile(_ xs: [Double], _ p: Double) -> Double {
    guard !xs.isEmpty else { return .nan }
    let s = xs.sorted()
    return s[min(s.count - 1, Int((Double(s.count - 1) * p).rounded()))]
}

func ms(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

func fmt(_ x: Double, _ digits: Int = 1) -> String {
    let m = pow(10, Double(digits))
    return String((x * m).rounded() / m)
}

/// Scrapes one gauge value from the controller's /metrics.
func metric(_ port: Int, _ name: String) async -> Double? {
    guard let r = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(2)),
        let body = try? await r.body.collect(upTo: 1 << 22)
    else { return nil }
    for line in String(buffer: body).split(separator: "\n") where line.hasPrefix(name + " ") {
        return Double(line.split(separator: " ").last ?? "")
    }
    return nil
}

@main
struct ControllerBench {
    static func main() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ironlb-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let kubeconfig = dir.appendingPathComponent("kubeconfig").path
        let apiPort = freePort()
        let server = try start(
            "\(binDir)/kube-test-server",
            ["--listen", "127.0.0.1:\(apiPort)", "--kubeconfig-out", kubeconfig, "--history", "50000"])
        defer { server.terminate() }
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: kubeconfig) {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(200))
        let cc = try KubeConfigLoader.load(path: kubeconfig, context: nil, environment: [:])
        var quiet = Logger(label: "bench")
        quiet.logLevel = .error
        let client = try KubeClient(configuration: cc, logger: quiet)

        // Namespace and config: one /16 pool, enough for every Service.
        var nsReq = HTTPClientRequest(url: "\(cc.server.absoluteString)/api/v1/namespaces")
        nsReq.method = .POST
        nsReq.headers.add(name: "Content-Type", value: "application/json")
        nsReq.body = .bytes(ByteBuffer(string: #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ironlb-system"}}"#))
        _ = try await HTTPClient.shared.execute(nsReq, timeout: .seconds(5))
        _ = try await client.create(
            ConfigMap(
                metadata: ObjectMeta(name: "config", namespace: "ironlb-system"),
                data: ["config": "address-pools:\n- name: bench\n  protocol: layer2\n  addresses: [10.100.0.0/16]\n"]))

        // Watch status arrivals from the outside, as a user would see them.
        let watcher = Informer<ServiceArrival>(client: client, namespace: "default", watchTimeoutSeconds: 3600...3600, logger: quiet)
        let seen = SeenTimes()
        let watchTask = Task {
            await withTaskGroup(of: Void.self) { g in
                g.addTask { await watcher.run() }
                g.addTask {
                    for await e in await watcher.events() {
                        if let s = e.object, s.hasIngress { await seen.mark(s.metadata.name) }
                    }
                }
            }
        }
        try await watcher.waitForSync()

        let metricsPort = freePort()
        func startController() throws -> Process {
            try start(
                "\(controllerDir)/lb-controller",
                ["--kubeconfig", kubeconfig, "--metrics-address", "127.0.0.1:\(metricsPort)", "--log-level", "warning",
                 "--lease-duration", "3s", "--renew-deadline", "2s", "--retry-period", "500ms"])
        }
        var controller = try startController()
        defer { if controller.isRunning { controller.terminate() } }
        for _ in 0..<400 {
            if await metric(metricsPort, "ironlb_controller_caught_up_bool") == 1 { break }
            try await Task.sleep(for: .milliseconds(25))
        }

        func svc(_ name: String) -> Service {
            var spec = ServiceSpec(type: .loadBalancer, ports: [ServicePort(port: 80)], selector: ["app": name])
            // The NodePort range (30000-32767) holds 2,768 ports: at this scale a real cluster,
            // like the test server, can only create LoadBalancer Services without node ports.
            spec.allocateLoadBalancerNodePorts = false
            return Service(metadata: ObjectMeta(name: name, namespace: "default"), spec: spec)
        }

        // 1. Full speed.
        log("creating \(fullSpeedCount) Services at full speed...")
        let clock = ContinuousClock()
        let serverCPU0 = cpuSeconds(server.processIdentifier) ?? 0
        let controllerCPU0 = cpuSeconds(controller.processIdentifier) ?? 0
        let benchCPU0 = cpuSeconds(getpid()) ?? 0
        let t0 = clock.now
        try await withThrowingTaskGroup(of: Void.self) { g in
            let workers = 32
            for w in 0..<workers {
                g.addTask {
                    var i = w
                    while i < fullSpeedCount {
                        _ = try await client.createReturningMetadata(svc("full-\(i)"))
                        i += workers
                    }
                }
            }
            try await g.waitForAll()
        }
        let createdAll = clock.now - t0
        while await seen.count(prefix: "full-") < fullSpeedCount {
            if clock.now - t0 > .seconds(300) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let allStatus = clock.now - t0
        let fullDone = await seen.count(prefix: "full-")
        let serverCPU = (cpuSeconds(server.processIdentifier) ?? 0) - serverCPU0
        let controllerCPU = (cpuSeconds(controller.processIdentifier) ?? 0) - controllerCPU0
        let benchCPU = (cpuSeconds(getpid()) ?? 0) - benchCPU0

        let rssAfterLoad = peakRSSMiB(controller.processIdentifier)

        // 2. Restart with everything in place: ready and caught up, and nothing written.
        let total = fullSpeedCount
        let before = try await client.listAll(Service.self, namespace: "default").items
        let versions = Dictionary(uniqueKeysWithValues: before.map { ($0.metadata.name, $0.metadata.resourceVersion ?? "") })
        controller.terminate()
        controller.waitUntilExit()
        let r0 = clock.now
        controller = try startController()
        var readyAt: Duration?
        var caughtUpAt: Duration?
        while clock.now - r0 < .seconds(120) {
            if readyAt == nil, let r = try? await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(metricsPort)/readyz"), timeout: .seconds(1)), r.status == .ok {
                readyAt = clock.now - r0
            }
            if await metric(metricsPort, "ironlb_controller_caught_up_bool") == 1 {
                caughtUpAt = clock.now - r0
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let after = try await client.listAll(Service.self, namespace: "default").items
        let changed = after.filter { versions[$0.metadata.name] != $0.metadata.resourceVersion }.count
        let rssRestart = peakRSSMiB(controller.processIdentifier)

        // 3. Make room: delete the full-speed Services, so the controller never holds more than
        //    the issue's 10,000 at once, then create 10,000 more at 100/s.
        log("deleting the full-speed Services...")
        try await withThrowingTaskGroup(of: Void.self) { g in
            let workers = 32
            for w in 0..<workers {
                g.addTask {
                    var i = w
                    while i < fullSpeedCount {
                        try await client.delete(Service.self, namespace: "default", name: "full-\(i)")
                        i += workers
                    }
                }
            }
            try await g.waitForAll()
        }
        // 4. Paced at 100/s.
        log("creating \(pacedCount) Services at \(Int(pacedRate))/s...")
        var created: [String: ContinuousClock.Instant] = [:]
        let p0 = clock.now
        for i in 0..<pacedCount {
            let due = p0 + .milliseconds(Int64(Double(i) * 1000 / pacedRate))
            if clock.now < due { try await Task.sleep(until: due, clock: clock) }
            let name = "paced-\(i)"
            created[name] = clock.now
            _ = try await client.createReturningMetadata(svc(name))
        }
        while await seen.count(prefix: "paced-") < pacedCount {
            if clock.now - p0 > .seconds(600) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        var latencies: [Double] = []
        for (name, t) in created {
            if let s = await seen.time(name) { latencies.append(ms(s - t)) }
        }

        let rssAfterPaced = peakRSSMiB(controller.processIdentifier)
        controller.terminate()
        controller.waitUntilExit()
        watchTask.cancel()

        let p50 = percentile(latencies, 0.5), p99 = percentile(latencies, 0.99)
        let peak = max(rssAfterLoad ?? 0, rssRestart ?? 0, rssAfterPaced ?? 0)
        print("IronLB controller benchmark (kube-test-server and lb-controller as separate release processes)")
        print("")
        print("measure                                   result            target")
        print("all \(fullSpeedCount) assigned (full speed)        \(fmt(ms(allStatus) / 1000, 2)) s (\(fullDone) done; creates took \(fmt(ms(createdAll) / 1000, 2)) s)   ≤ 10 s")
        print("  CPU used meanwhile: server \(fmt(serverCPU)) s, controller \(fmt(controllerCPU)) s, benchmark client \(fmt(benchCPU)) s (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
        print("creation→status at \(Int(pacedRate))/s, p50 / p99     \(fmt(p50)) / \(fmt(p99)) ms (\(latencies.count) samples)   p99 < 100 ms")
        print("restart with \(total) Services: ready      \(readyAt.map { fmt(ms($0) / 1000, 2) + " s" } ?? "not ready")")
        print("restart with \(total) Services: caught up  \(caughtUpAt.map { fmt(ms($0) / 1000, 2) + " s" } ?? "not caught up")   ≤ 3 s")
        print("Services changed by the restart            \(changed) of \(after.count)   0")
        print("controller peak RSS (VmHWM)                \(fmt(peak)) MiB = \(fmt(peak * 1.048576)) MB (full speed \(fmt(rssAfterLoad ?? 0)), restart \(fmt(rssRestart ?? 0)), paced \(fmt(rssAfterPaced ?? 0)) MiB)   < 60 MB")
        try? await client.shutdown()
    }
}

/// What the benchmark's own watcher decodes of a Service: its name and whether it has an ingress.
/// Decoding the whole Service here would take CPU from the server and controller being measured
/// (this machine has two cores).
struct ServiceArrival: KubeObject {
    static let apiVersion = "v1"
    static let kind = "Service"
    static let plural = "services"
    static let isNamespaced = true
    struct Status: Codable {
        struct LoadBalancer: Codable {
            struct Ingress: Codable { var ip: String? }
            var ingress: [Ingress]?
        }
        var loadBalancer: LoadBalancer?
    }
    var metadata: ObjectMeta
    var status: Status?
    var hasIngress: Bool { !(status?.loadBalancer?.ingress ?? []).isEmpty }
}

/// CPU seconds (user + system) a process has used so far, from /proc/PID/stat.
func cpuSeconds(_ pid: Int32) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = text.lastIndex(of: ")")
    else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // After the command name: state is field 3, utime 14 and stime 15 (1-based over the whole line).
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

actor SeenTimes {
    private var times: [String: ContinuousClock.Instant] = [:]
    private var counts: [Substring: Int] = [:]
    func mark(_ name: String) {
        guard times[name] == nil else { return }
        times[name] = .now
        counts[name.split(separator: "-").first ?? "", default: 0] += 1
    }
    func time(_ name: String) -> ContinuousClock.Instant? { times[name] }
    /// `prefix` like "full-": Services named PREFIX-N that have been seen with status.
    func count(prefix: String) -> Int { counts[prefix.split(separator: "-").first ?? "", default: 0] }
}
