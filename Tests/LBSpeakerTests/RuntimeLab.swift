import Foundation
import KubeAPI
import KubeTestServer
import LBCore
import LBNet
import LBProtocols
import LBWire
import Logging
import ServiceLifecycle
import Synchronization

@testable import LBSpeaker

/// A recording `AnnouncementSink`: what the speaker asked to announce, per interface, and
/// activity a test injects (counters, foreign claims) for `drainActivity`.
final class RecordingSink: AnnouncementSink {
    private struct State {
        var current: [String: Set<IPAddress>] = [:]
        var calls = 0
        var stopped = false
        var pending = Layer2Activity()
    }

    private let state = Mutex(State())

    func announce(_ owned: [String: Set<IPAddress>]) {
        state.withLock { s in
            guard !s.stopped else { return }
            s.current = owned.filter { !$0.value.isEmpty }
            s.calls += 1
        }
    }

    func drainActivity() -> Layer2Activity {
        state.withLock { s in
            defer { s.pending = Layer2Activity() }
            return s.pending
        }
    }

    func stop() async {
        state.withLock { s in
            s.stopped = true
            s.current = [:]
        }
    }

    func inject(_ activity: Layer2Activity) { state.withLock { $0.pending.merge(activity) } }

    var current: [String: Set<IPAddress>] { state.withLock { $0.current } }
    /// Every IP announced on any interface.
    var announced: Set<IPAddress> { state.withLock { $0.current.values.reduce(into: Set()) { $0.formUnion($1) } } }
    var stopped: Bool { state.withLock { $0.stopped } }
}

/// A recording `BGPAdvertiser`: the sessions and routes the speaker asked for, and session
/// states a test sets (as a router coming up or going away would).
final class RecordingBGP: BGPAdvertiser {
    private struct State {
        var sessions: [BGPSessionSpec] = []
        var routes: [IPPrefix: BGPPlan.RouteAttributes] = [:]
        var applyCalls = 0
        var states: [String: String] = [:]
        var stopped = false
        var continuation: AsyncStream<Void>.Continuation?
        var stream: AsyncStream<Void>?
    }

    private let state: Mutex<State>

    init() {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        state = Mutex(State(continuation: continuation, stream: stream))
    }

    func apply(sessions: [BGPSessionSpec], routes: [IPPrefix: BGPPlan.RouteAttributes]) {
        state.withLock { s in
            guard !s.stopped else { return }
            s.sessions = sessions
            s.routes = routes
            s.applyCalls += 1
        }
    }

    func reports() -> [BGPSessionReport] {
        state.withLock { s in
            s.sessions.map { spec in
                let up = s.states[spec.peer.name] == "Established"
                return BGPSessionReport(
                    name: spec.peer.name, label: BGPSessionReport.label(for: spec.peer), address: spec.peer.peerAddress,
                    asn: spec.peer.peerASN, state: s.states[spec.peer.name] ?? "Connect",
                    establishedSince: up ? 1_700_000_000 : nil, prefixesAdvertised: up ? s.routes.count : 0,
                    pendingPrefixes: up ? 0 : s.routes.count, updatesSent: up ? 1 : 0, lastError: up ? nil : "connection refused")
            }.sorted { $0.name < $1.name }
        }
    }

    func changes() -> AsyncStream<Void> {
        state.withLock { s in
            defer { s.stream = nil }
            return s.stream ?? AsyncStream { $0.finish() }
        }
    }

    func stop() async {
        state.withLock { s in
            s.stopped = true
            s.sessions = []
            s.routes = [:]
            s.continuation?.finish()
        }
    }

    /// Sets a session's state (e.g. "Established") and tells the speaker.
    func setState(_ peer: String, _ value: String) {
        state.withLock { s in
            s.states[peer] = value
            s.continuation?.yield()
        }
    }

    var sessions: [BGPSessionSpec] { state.withLock { $0.sessions } }
    var routes: [IPPrefix: BGPPlan.RouteAttributes] { state.withLock { $0.routes } }
    var applyCalls: Int { state.withLock { $0.applyCalls } }
    var stopped: Bool { state.withLock { $0.stopped } }
}

/// An interface list a test can change while the speaker runs (links going down, coming up).
final class FakeInterfaces: Sendable {
    private let list: Mutex<[InterfaceInfo]>

    init(_ list: [InterfaceInfo] = SpeakerLab.interfaces) { self.list = Mutex(list) }

    var current: [InterfaceInfo] { list.withLock { $0 } }

    func set(_ new: [InterfaceInfo]) { list.withLock { $0 = new } }
}

/// A KubeTestServer with Nodes, the IronLB ConfigMap and helpers to run real `Speaker`s (with a
/// recording sink and a fixed interface list) on 127.0.0.1, each on its own membership port.
final class SpeakerLab: Sendable {
    let server: KubeTestServer
    let client: KubeClient
    /// Each speaker gets its own client, as each speaker process has: its five watches hold
    /// five of the client's connections (AsyncHTTPClient allows eight per host by default).
    let clientConfiguration: ClientConfiguration
    let namespace = "ironlb-system"
    static let key = Array("lab-membership-key-0123456789".utf8)

    static let layer2Config = """
        address-pools:
        - name: default
          protocol: layer2
          addresses: [192.0.2.0/24]
        """

    /// One Ethernet interface with an address in the pool's subnet, and loopback.
    static let interfaces = [
        InterfaceInfo(
            name: "lo", index: 1, mac: nil, flags: [.up, .running, .loopback],
            addresses: [.init(address: ip("127.0.0.1"), prefixLength: 8)]),
        InterfaceInfo(
            name: "eth0", index: 2, mac: MACAddress(0x02, 0, 0, 0, 0, 0x01), flags: [.up, .running],
            addresses: [.init(address: ip("192.0.2.1"), prefixLength: 24)]),
    ]

    /// Test timers: heartbeats as in production, but a peer is dead only after 2 s of silence so
    /// a loaded test machine (tests run in parallel on 2 cores) does not see false deaths.
    static let membershipConfig = MembershipConfig(
        interval: .milliseconds(100), suspectAfter: .milliseconds(1500), deadAfter: .seconds(2))

    static func ip(_ text: String) -> IPAddress {
        guard let ip = IPAddress(text) else { fatalError("bad IP literal in a test: \(text)") }
        return ip
    }

    private init(server: KubeTestServer, client: KubeClient, clientConfiguration: ClientConfiguration) {
        self.server = server
        self.client = client
        self.clientConfiguration = clientConfiguration
    }

    static func start(nodes: [String], config: String? = layer2Config) async throws -> SpeakerLab {
        var conf = KubeTestServer.Configuration()
        conf.bookmarkInterval = .milliseconds(200)
        let server = try await KubeTestServer.start(conf)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ironlb-speaker-lab-\(UUID().uuidString)")
            .path
        try server.writeKubeconfig(to: path)
        let cc = try KubeConfigLoader.load(path: path, context: nil, environment: [:])
        let client = try KubeClient(configuration: cc, logger: Logger(label: "test.client"))
        let lab = SpeakerLab(server: server, client: client, clientConfiguration: cc)
        try lab.createNamespace("ironlb-system")
        for node in nodes {
            _ = try await client.create(Node(metadata: ObjectMeta(name: node, labels: ["kubernetes.io/hostname": node])))
        }
        if let config { try await lab.setConfig(config) }
        return lab
    }

    func createNamespace(_ name: String) throws {
        try server.createNamespace(name)
    }

    func setConfig(_ text: String) async throws {
        if var cm = try? await client.get(ConfigMap.self, namespace: namespace, name: "config") {
            cm.data["config"] = text
            _ = try await client.update(cm)
        } else {
            _ = try await client.create(
                ConfigMap(metadata: ObjectMeta(name: "config", namespace: namespace), data: ["config": text]))
        }
    }

    /// A LoadBalancer Service whose status holds `ips`, as the controller would have written it.
    @discardableResult
    func createService(_ name: String, ips: [String], local: Bool = false) async throws -> KubeAPI.Service {
        let svc = KubeAPI.Service(
            metadata: ObjectMeta(name: name, namespace: "default"),
            spec: ServiceSpec(
                type: .loadBalancer, ports: [ServicePort(port: 80)], selector: ["app": name],
                externalTrafficPolicy: local ? .local : .cluster))
        _ = try await client.create(svc)
        let ingress: [KubeAPI.JSONValue] = ips.map { .object(["ip": .string($0)]) }
        return try await client.patchStatus(
            KubeAPI.Service.self, namespace: "default", name: name,
            patch: .object(["status": .object(["loadBalancer": .object(["ingress": .array(ingress)])])]), type: .merge)
    }

    /// Creates or replaces the EndpointSlice of `service` with one endpoint per (node, ready).
    func setEndpoints(of service: String, _ endpoints: [(node: String, ready: Bool)]) async throws {
        let name = "\(service)-slice"
        let slice = EndpointSlice(
            metadata: ObjectMeta(
                name: name, namespace: "default", labels: [EndpointSlice.serviceNameLabel: service]),
            endpoints: endpoints.enumerated().map { i, e in
                Endpoint(addresses: ["10.0.0.\(i + 1)"], conditions: EndpointConditions(ready: e.ready), nodeName: e.node)
            })
        if var existing = try? await client.get(EndpointSlice.self, namespace: "default", name: name) {
            existing.endpoints = slice.endpoints
            _ = try await client.update(existing)
        } else {
            _ = try await client.create(slice)
        }
    }

    func lease(of node: String) async throws -> Lease {
        try await client.get(Lease.self, namespace: namespace, name: SpeakerLease.name(for: node))
    }

    /// The SpeakerState published on `node`'s Lease.
    func publishedState(of node: String) async throws -> SpeakerState {
        let lease = try await lease(of: node)
        guard let text = lease.metadata.annotations[SpeakerState.annotationKey] else {
            throw SpeakerLabError("the Lease of \(node) has no \(SpeakerState.annotationKey) annotation")
        }
        return try SpeakerState.decode(text)
    }

    func events(for name: String) async throws -> [KubeAPI.Event] {
        try await client.list(
            KubeAPI.Event.self, namespace: "default", fieldSelector: "involvedObject.name=\(name),involvedObject.kind=Service"
        ).items
    }

    /// Starts a speaker in a ServiceGroup (graceful shutdown through `stop()`, abrupt through `kill()`).
    func startSpeaker(
        _ node: String, interfaces: FakeInterfaces = FakeInterfaces(), key: [UInt8] = SpeakerLab.key,
        acceptedKeys: [[UInt8]] = []
    ) -> RunningSpeaker {
        var configuration = SpeakerConfiguration(
            nodeName: node, namespace: namespace, memberBindHost: "127.0.0.1", memberPort: 0, memberKey: key,
            membership: Self.membershipConfig, leaseDuration: .seconds(10), leaseRenewInterval: .seconds(2),
            minimumStateWriteInterval: .milliseconds(100), housekeepingInterval: .milliseconds(200),
            shutdownStepTimeout: .seconds(3))
        configuration.memberAcceptedKeys = acceptedKeys
        var logger = Logger(label: "test.speaker.\(node)")
        // IRONLB_TEST_LOG=debug shows the speakers' logs when a test needs explaining.
        logger.logLevel = ProcessInfo.processInfo.environment["IRONLB_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        let sink = RecordingSink()
        let bgp = RecordingBGP()
        let metrics = SpeakerMetrics()
        // Only fails on a malformed PEM, which the lab's kubeconfig does not have.
        let client = try! KubeClient(configuration: clientConfiguration, logger: logger)
        let speaker = Speaker(
            client: client, configuration: configuration, metrics: metrics, logger: logger, sink: sink, bgp: bgp,
            interfaces: { interfaces.current })
        let group = ServiceGroup(services: [speaker], logger: logger)
        let task = Task {
            let outcome: Result<Void, any Error>
            do {
                try await group.run()
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            try? await client.shutdown()
            try outcome.get()
        }
        return RunningSpeaker(
            node: node, speaker: speaker, sink: sink, bgp: bgp, metrics: metrics, group: group, task: task)
    }

    /// Polls until `predicate` holds (a bound on waiting, not a timing assertion).
    func waitFor(
        _ what: String, timeout: Duration = .seconds(30), _ predicate: @Sendable () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await predicate()) == true { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw SpeakerLabError("timed out waiting for \(what)")
    }

    func shutdown() async {
        try? await client.shutdown()
        try? await server.shutdown()
    }
}

struct RunningSpeaker: Sendable {
    let node: String
    let speaker: Speaker
    let sink: RecordingSink
    let bgp: RecordingBGP
    let metrics: SpeakerMetrics
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// Graceful shutdown, as SIGTERM.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Cancellation: the speaker closes its socket without leaving, as a crashed process would
    /// look to its peers.
    func kill() async {
        task.cancel()
        _ = try? await task.value
    }

    /// The value of one Prometheus series (`name{labels}`), or nil when it is not exported.
    func metric(_ series: String) -> Double? {
        for line in metrics.emitToString().split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}

struct SpeakerLabError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
