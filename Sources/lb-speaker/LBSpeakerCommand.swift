import ArgumentParser
import Foundation
import KubeAPI
import LBCore
import LBObservability
import LBSpeaker
import Logging
import ServiceLifecycle

/// `lb-speaker`: argument parsing and wiring only; the logic is in LBSpeaker.
@main
struct LBSpeakerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lb-speaker",
        abstract: "IronLB speaker: makes LoadBalancer IPs reachable from this node (ARP/NDP in layer 2 mode, BGP routes in bgp mode).",
        version: IronLBVersion.current)

    /// The environment variable holding the membership key when `--member-key-file` is not given.
    static let keyEnvironmentVariable = "IRONLB_MEMBER_KEY"

    @Option(help: "Path to a kubeconfig (default: in-cluster, else KUBECONFIG, else ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "kubeconfig context to use (default: the current context).")
    var context: String?

    @Option(name: .customLong("node-name"), help: "This node's name, as in its Node object (default: $NODE_NAME).")
    var nodeName: String?

    @Option(help: "IronLB's namespace: where the ConfigMap and the speaker Leases live.")
    var namespace = "ironlb-system"

    @Option(name: .customLong("config-map"), help: "Name of the ConfigMap holding the `config` key.")
    var configMap = "config"

    @Option(
        name: .customLong("lb-class"),
        help: "Serve only Services with this spec.loadBalancerClass (default: Services without a class).")
    var lbClass: String?

    @Option(name: .customLong("metrics-address"), help: "HOST:PORT for /metrics, /healthz and /readyz.")
    var metricsAddress = "0.0.0.0:7472"

    @Option(name: .customLong("member-port"), help: "UDP port of the membership protocol, the same on every node.")
    var memberPort = 7946

    @Option(
        name: .customLong("member-bind"),
        help: "Numeric address the membership socket binds (0.0.0.0, :: for dual-stack, or a node address).")
    var memberBind = "0.0.0.0"

    @Option(
        name: .customLong("member-address"),
        help: "Address peers reach this speaker at (default: the bind address if specific, else the Node's InternalIP).")
    var memberAddress: String?

    @Option(
        name: .customLong("member-key-file"),
        help: "File holding the membership shared secret, at least 16 bytes (default: $IRONLB_MEMBER_KEY).")
    var memberKeyFile: String?

    @Option(
        name: .customLong("member-accept-key-file"),
        help: ArgumentHelp(
            "A file holding another membership key whose messages are accepted but never sent with (repeatable).",
            discussion: "For rotating the key without splitting the speakers: first add the new key here on every "
                + "node, then make it the --member-key-file with the old one here, then drop the old one."))
    var memberAcceptKeyFiles: [String] = []

    @Option(
        name: .customLong("member-interval"),
        help: "How often a heartbeat goes to each peer, as a Go duration (e.g. 50ms).")
    var memberInterval = SpeakerConfiguration.defaultMemberInterval

    @Option(
        name: .customLong("member-dead-after"),
        help: "Silence after which a peer is dead and its IPs move (e.g. 200ms); more than twice --member-interval.")
    var memberDeadAfter = SpeakerConfiguration.defaultMemberDeadAfter

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        do {
            try ObservabilityServer.validate(address: metricsAddress)
        } catch {
            throw ValidationError("--metrics-address: \(error)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \"\(logLevel)\": expected trace, debug, info, notice, warning, error or critical")
        }
        guard (0...65535).contains(memberPort) else {
            throw ValidationError("--member-port \(memberPort): expected a UDP port from 0 to 65535")
        }
        guard IPAddress(memberBind) != nil else {
            throw ValidationError("--member-bind \"\(memberBind)\": expected a numeric IPv4 or IPv6 address such as 0.0.0.0 or ::")
        }
        if let memberAddress, IPAddress(memberAddress) == nil {
            throw ValidationError("--member-address \"\(memberAddress)\": expected a numeric IPv4 or IPv6 address")
        }
        do {
            var probe = SpeakerConfiguration(nodeName: "validate", memberKey: [])
            try probe.setMemberTimers(interval: memberInterval, deadAfter: memberDeadAfter)
        } catch {
            throw ValidationError("\(error)")
        }
        // Refuse a missing node name or key before anything starts.
        let env = ProcessInfo.processInfo.environment
        _ = try resolvedNodeName(env)
        _ = try resolvedKey(env)
        _ = try resolvedAcceptedKeys()
    }

    /// The `--member-accept-key-file` keys, each read like the main key file.
    func resolvedAcceptedKeys() throws -> [[UInt8]] {
        try memberAcceptKeyFiles.map { path in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("--member-accept-key-file \"\(path)\": cannot read the file")
            }
            var key = Array(data)
            if key.last == UInt8(ascii: "\n") { key.removeLast() }
            if key.last == UInt8(ascii: "\r") { key.removeLast() }
            guard key.count >= SpeakerConfiguration.minimumKeyBytes else {
                throw ValidationError(
                    "--member-accept-key-file \"\(path)\": the key is \(key.count) bytes; it must be at least "
                        + "\(SpeakerConfiguration.minimumKeyBytes)")
            }
            return key
        }
    }

    /// The node name from the flag, else `NODE_NAME`.
    func resolvedNodeName(_ env: [String: String]) throws -> String {
        guard let name = nodeName ?? env["NODE_NAME"], !name.isEmpty else {
            throw ValidationError(
                "no node name: pass --node-name or set NODE_NAME (in the DaemonSet, from the downward API "
                    + "field spec.nodeName)")
        }
        return name
    }

    /// The membership key: the file's bytes (one trailing newline dropped, as editors and
    /// `echo` add one), else the UTF-8 bytes of `IRONLB_MEMBER_KEY`.
    func resolvedKey(_ env: [String: String]) throws -> [UInt8] {
        var key: [UInt8]
        let source: String
        if let memberKeyFile {
            guard let data = FileManager.default.contents(atPath: memberKeyFile) else {
                throw ValidationError("--member-key-file \"\(memberKeyFile)\": cannot read the file")
            }
            key = Array(data)
            source = "--member-key-file \"\(memberKeyFile)\""
        } else if let text = env[Self.keyEnvironmentVariable] {
            key = Array(text.utf8)
            source = Self.keyEnvironmentVariable
        } else {
            throw ValidationError(
                "no membership key: pass --member-key-file or set \(Self.keyEnvironmentVariable) (at least "
                    + "\(SpeakerConfiguration.minimumKeyBytes) bytes, the same on every node)")
        }
        if key.last == UInt8(ascii: "\n") { key.removeLast() }
        if key.last == UInt8(ascii: "\r") { key.removeLast() }
        guard key.count >= SpeakerConfiguration.minimumKeyBytes else {
            throw ValidationError(
                "\(source): the membership key is \(key.count) bytes; it must be at least "
                    + "\(SpeakerConfiguration.minimumKeyBytes) (e.g. the output of `openssl rand -base64 32`)")
        }
        return key
    }

    /// The entry point: the malloc arena limit is set here, on the main thread before any other
    /// thread exists. (In `run()` it came too late: `run()` runs on a pool thread, which had
    /// already made an arena of its own at its first allocation.)
    static func main() async {
        // One arena: with 10,000 Services a second one held about 3 MB of the speaker's peak
        // (bench-bgp: 36-37 MB with two, 33.6 MB with one). Small allocations come from each
        // thread's tcache without the arena lock, and the hot paths (ARP replies, UPDATE
        // batches) allocate little, so one lock costs nothing measurable (bench-speaker).
        ProcessMemory.limitMallocArenas(to: 1, environment: ProcessInfo.processInfo.environment)
        await main(nil)
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let node = try resolvedNodeName(env)
        let key = try resolvedKey(env)
        var settings = SpeakerConfiguration(
            nodeName: node, namespace: namespace, configMapName: configMap, loadBalancerClass: lbClass,
            memberBindHost: memberBind, memberPort: memberPort, memberAdvertiseAddress: memberAddress.flatMap(IPAddress.init),
            memberKey: key)
        settings.memberAcceptedKeys = try resolvedAcceptedKeys()
        do {
            try settings.setMemberTimers(interval: memberInterval, deadAfter: memberDeadAfter)
            try settings.validate()
        } catch {
            throw ValidationError("\(error)")
        }

        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "ironlb.speaker")
        let clientConfig: ClientConfiguration
        do {
            clientConfig = try KubeConfigLoader.automatic(path: kubeconfig, context: context, environment: env)
        } catch {
            throw ValidationError("cannot configure the Kubernetes client: \(error)")
        }
        let client = try KubeClient(configuration: clientConfig, fieldManager: "ironlb-speaker", logger: logger)
        let metrics = SpeakerMetrics()
        let speaker = Speaker(client: client, configuration: settings, metrics: metrics, logger: logger)
        let observability = try ObservabilityServer(
            address: metricsAddress, registry: metrics.registry, logger: logger,
            readiness: {
                switch await speaker.isReady() {
                case .ready: return .healthy
                case .notReady(let why): return .unhealthy(why)
                }
            },
            extraMetrics: { metrics.extraExposition() })
        logger.info(
            "lb-speaker starting",
            metadata: [
                "node": "\(node)", "namespace": "\(namespace)", "config-map": "\(configMap)",
                "lb-class": "\(lbClass ?? "<none>")", "member-bind": "\(memberBind):\(memberPort)",
                "member-interval": "\(memberInterval)", "member-dead-after": "\(memberDeadAfter)",
                "server": "\(clientConfig.server)",
            ])
        // The speaker is last so it shuts down first (a ServiceGroup stops in reverse order):
        // /metrics and /readyz keep answering while it hands its IPs over.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: observability),
                    .init(service: speaker, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        let trimming = Task { await ProcessMemory.releaseFreeMemoryPeriodically() }
        defer { trimming.cancel() }
        do {
            try await group.run()
        } catch {
            logger.error("lb-speaker failed", metadata: ["error": "\(error)"])
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        logger.info("lb-speaker stopped")
    }
}
