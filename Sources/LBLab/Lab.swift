import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A throw-away lab of Linux network namespaces for integration tests, benchmarks and the demo:
///
///     switch namespace  P-sw : bridge Pbr0 (172.30.0.1/24, fd00:1b::1/64) [+ Pbr1 on 172.31.0.0/24, fd00:1c::/64]
///     node namespaces   P-n1 ... P-nN : veth Pn1e0 (172.30.0.11, fd00:1b::b), ... plugged into the bridge
///     client namespace  P-c  : veth Pce0 (172.30.0.100, fd00:1b::64)
///
/// Every object lives inside the lab's own namespaces: the veth pairs are created with one end in
/// the switch namespace and the other directly in the host's, so nothing but the namespace names
/// ever appears in the root namespace and no frame leaves the lab.
///
/// `destroy()` is idempotent, runs from `deinit` as a safety net, and removes everything a
/// (possibly partial) `create` could have made, including processes still running in the
/// namespaces. Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and iproute2.
public final class Lab: Sendable {
    /// Knobs for `create`; the defaults suit tests.
    public struct Options: Sendable {
        /// Where logs, captures and the kubeconfig go; nil means a fresh directory under the
        /// temporary directory, named after the prefix.
        public var workDirectory: String?
        /// Keep `workDirectory` after `destroy()` (for inspecting logs of a failed run). Default
        /// false: a passing test leaves nothing behind.
        public var keepWorkDirectory = false
        /// Deadline for each setup command; a wedged `ip` fails the create instead of hanging it.
        public var commandTimeout: Double = 30
        /// Called before each setup command with its 0-based number and arguments; throwing aborts
        /// the create, which then cleans up. Lets tests inject a failure halfway.
        public var beforeStep: (@Sendable (_ step: Int, _ command: [String]) throws -> Void)?

        public init() {}
    }

    /// The unique prefix every namespace and interface name starts with.
    public let prefix: String
    /// Holds the bridges; `KubeAPIInLab` runs here.
    public let switchNamespace: String
    public let networks: [LabNetwork]
    /// n1 ... nN, in order.
    public let nodes: [LabHost]
    public let client: LabHost
    /// Logs, captures and kubeconfigs of this lab.
    public let workDirectory: String

    let plan: LabPlan
    let options: Options
    private struct State {
        var processes: [LabProcess] = []
        var destroyed = false
        var logCounter = 0
    }
    private let state = Mutex(State())

    /// A fresh prefix "ilab" + 4 random hex digits not used by any existing namespace; labs made
    /// with it are all found by `removeLeftovers(prefix: "ilab")`.
    public static func uniquePrefix(family: String = "ilab") -> String {
        let existing = (try? LabCleanup.listNamespaces()) ?? []
        while true {
            let candidate = family + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
            if !existing.contains(where: { $0.hasPrefix(candidate + "-") }) { return candidate }
        }
    }

    /// Builds the lab. On any failure everything made so far is removed before the error (naming
    /// the failing command and its stderr) is thrown.
    /// - Parameters:
    ///   - prefix: 1...8 lower-case letters/digits, unique among labs running at the same time.
    ///   - nodes: number of node namespaces (1...50).
    ///   - secondNetwork: add a second bridge and a second interface per node and client
    ///     (172.31.0.0/24, fd00:1c::/64), for tests of announcing on chosen interfaces.
    public static func create(
        prefix: String = Lab.uniquePrefix(), nodes: Int = 3, secondNetwork: Bool = false, options: Options = Options()
    ) throws -> Lab {
        let plan = try LabPlan(prefix: prefix, nodeCount: nodes, secondNetwork: secondNetwork)
        let existing = try LabCleanup.listNamespaces().filter { plan.namespaces.contains($0) }
        guard existing.isEmpty else {
            throw LabError.invalidArgument(
                "namespaces \(existing.joined(separator: ", ")) already exist: another lab uses prefix '\(prefix)' (or a crashed one left them; Lab.removeLeftovers(prefix:))")
        }
        let lab = try Lab(plan: plan, options: options)
        do {
            try lab.build()
        } catch {
            lab.destroy()
            throw error
        }
        return lab
    }

    private init(plan: LabPlan, options: Options) throws {
        self.plan = plan
        self.options = options
        prefix = plan.prefix
        switchNamespace = plan.switchNamespace
        networks = plan.networks
        nodes = plan.nodes
        client = plan.client
        workDirectory = options.workDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("\(plan.prefix)-lab-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
    }

    deinit { destroy() }

    /// Every host: the nodes, then the client.
    public var hosts: [LabHost] { nodes + [client] }
    /// Every namespace of the lab: the switch's first.
    public var namespaces: [String] { plan.namespaces }

    // MARK: - Building

    private func build() throws {
        var step = 0
        func must(_ arguments: [String]) throws {
            if let hook = options.beforeStep { try hook(step, arguments) }
            step += 1
            try LabCommand.run(arguments, timeout: options.commandTimeout).check()
        }
        for namespace in plan.namespaces { try must(["ip", "netns", "add", namespace]) }
        for namespace in plan.namespaces {
            // Set before any interface exists so every new one inherits it: without it
            // `ip link set DEV down` silently deletes IPv6 global addresses.
            try must(["ip", "netns", "exec", namespace, "sysctl", "-qw",
                      "net.ipv6.conf.all.keep_addr_on_down=1", "net.ipv6.conf.default.keep_addr_on_down=1"])
            try must(["ip", "-n", namespace, "link", "set", "lo", "up"])
        }
        let sw = plan.switchNamespace
        for net in plan.networks {
            // STP off and no forward delay: ports forward as soon as they are up. Snooping off: the
            // bridge floods multicast, which NDP's solicited-node addresses need.
            try must(["ip", "-n", sw, "link", "add", net.bridge, "address", net.bridgeMAC, "type", "bridge",
                      "stp_state", "0", "forward_delay", "0", "mcast_snooping", "0"])
            try must(["ip", "-n", sw, "addr", "add", "\(net.switchIPv4)/24", "dev", net.bridge])
            try must(["ip", "-n", sw, "addr", "add", "\(net.switchIPv6)/64", "dev", net.bridge, "nodad"])
            try must(["ip", "-n", sw, "link", "set", net.bridge, "up"])
        }
        for host in plan.hosts {
            for interface in host.interfaces {
                // Created in the switch namespace with the peer placed straight into the host's:
                // neither end ever exists in the root namespace.
                try must(["ip", "-n", sw, "link", "add", interface.switchPort, "type", "veth", "peer", "name",
                          interface.name, "address", interface.mac, "netns", host.namespace])
                // The switch ports are plain layer-2 ports: no IPv6 link-local address, so no
                // router solicitations from them clutter captures.
                try must(["ip", "netns", "exec", sw, "sysctl", "-qw", "net.ipv6.conf.\(interface.switchPort).disable_ipv6=1"])
                try must(["ip", "-n", sw, "link", "set", interface.switchPort, "master",
                          plan.networks[interface.network].bridge, "up"])
                try must(["ip", "netns", "exec", host.namespace, "sysctl", "-qw",
                          "net.ipv6.conf.\(interface.name).keep_addr_on_down=1"])
                try must(["ip", "-n", host.namespace, "addr", "add", "\(interface.ipv4)/24", "dev", interface.name])
                try must(["ip", "-n", host.namespace, "addr", "add", "\(interface.ipv6)/64", "dev", interface.name, "nodad"])
                try must(["ip", "-n", host.namespace, "link", "set", interface.name, "up"])
            }
        }
        try waitForCarrier()
    }

    /// Waits (bounded) until every host interface reports operstate UP with the planned MAC, so the
    /// first probe of a test does not race the veth's carrier.
    private func waitForCarrier() throws {
        var lastProblem = ""
        let ready = try labPoll(timeout: 10) {
            for host in plan.hosts {
                for interface in host.interfaces {
                    let link = try LinkState.read(namespace: host.namespace, interface: interface.name)
                    guard link.mac == interface.mac else {
                        lastProblem = "\(host.namespace)/\(interface.name) has MAC \(link.mac), planned \(interface.mac)"
                        return false
                    }
                    guard link.operState == "UP" else {
                        lastProblem = "\(host.namespace)/\(interface.name) is \(link.operState)"
                        return false
                    }
                }
            }
            return true
        }
        if !ready { throw LabError.notReady(what: "lab interfaces", seconds: 10, detail: lastProblem) }
    }

    // MARK: - Tearing down

    /// Kills every process started through the lab and every other process still in its
    /// namespaces, deletes the veths and the namespaces, and removes the work directory (unless
    /// `keepWorkDirectory`). Idempotent and never throws; problems are written to stderr.
    public func destroy() {
        let processes: [LabProcess]? = state.withLock { state in
            if state.destroyed { return nil }
            state.destroyed = true
            return state.processes
        }
        guard let processes else { return }
        for process in processes {
            process.signalGroup(SIGKILL)
            process.signal(SIGKILL)
        }
        for process in processes { process.waitForExit(timeout: 5) }
        let problems = LabCleanup.remove(namespaces: plan.namespaces)
        if !problems.isEmpty {
            FileHandle.standardError.write(Data("LBLab: destroying lab \(prefix): \(problems.joined(separator: "; "))\n".utf8))
        }
        if !options.keepWorkDirectory { try? FileManager.default.removeItem(atPath: workDirectory) }
    }

    /// Finds namespaces whose name starts with `prefix` (e.g. "ilab" for every lab made with a
    /// generated prefix, or "ilab1a2b-" for one lab), kills the processes in them, deletes their
    /// interfaces and the namespaces. Returns the namespaces removed. For `make lab-down` and for
    /// recovering after a crashed test run.
    @discardableResult
    public static func removeLeftovers(prefix: String) throws -> [String] {
        guard !prefix.isEmpty else { throw LabError.invalidArgument("removeLeftovers needs a non-empty prefix") }
        let matching = try LabCleanup.listNamespaces().filter { $0.hasPrefix(prefix) }
        let problems = LabCleanup.remove(namespaces: matching)
        let remaining = try LabCleanup.listNamespaces().filter { $0.hasPrefix(prefix) }
        guard remaining.isEmpty else {
            throw LabError.commandFailed(command: "ip netns del \(remaining.joined(separator: " "))", status: 1,
                                         stderr: problems.joined(separator: "; "))
        }
        return matching
    }

    // MARK: - Processes and commands

    /// Starts `executable` (a path, or a name looked up on PATH) in `namespace` via
    /// `ip netns exec`; stdout and stderr go to `logFile` (default: a new file in `workDirectory`).
    /// The process is killed by `destroy()`. Spawning lb-speaker on node 1 is one line:
    /// `try lab.spawn(in: lab.nodes[0].namespace, executable: speaker, arguments: ["--kubeconfig", api.kubeconfigPath])`.
    public func spawn(
        in namespace: String, executable: String, arguments: [String] = [], environment: [String: String]? = nil,
        logFile: String? = nil
    ) throws -> LabProcess {
        let number = try state.withLock { state -> Int in
            if state.destroyed { throw LabError.invalidArgument("lab \(prefix) is destroyed") }
            state.logCounter += 1
            return state.logCounter
        }
        let base = URL(fileURLWithPath: executable).lastPathComponent
        let logPath = logFile ?? "\(workDirectory)/\(number)-\(namespace)-\(base).log"
        let process = try LabProcess(namespace: namespace, executable: executable, arguments: arguments,
                                     environment: environment, logPath: logPath)
        let lateDestroy = state.withLock { state in
            state.processes.append(process)
            return state.destroyed
        }
        if lateDestroy { process.signal(SIGKILL) }  // destroy() ran while it was starting
        return process
    }

    /// Runs a short command in `namespace` and returns its status and output; kills it and throws
    /// `LabError.timedOut` after `timeout` seconds. Call `.check()` on the result when it must succeed.
    public func run(
        in namespace: String, _ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
        timeout: Double = 30
    ) throws -> CommandResult {
        guard let resolved = LabCommand.which(executable) else {
            throw LabError.launchFailed(command: LabCommand.display([executable] + arguments), reason: "`\(executable)` not found")
        }
        return try LabCommand.run(["ip", "netns", "exec", namespace, resolved] + arguments, environment: environment,
                                  timeout: timeout)
    }

    // MARK: - Links

    /// Sets a host's interface on `network` (nil: all its interfaces) administratively up or down,
    /// from inside the host, as a node losing its link would. IPv6 addresses survive (keep_addr_on_down).
    public func setLink(node host: LabHost, up: Bool, network: Int? = nil) throws {
        for interface in host.interfaces where network == nil || interface.network == network {
            try LabCommand.must(["ip", "-n", host.namespace, "link", "set", interface.name, up ? "up" : "down"])
        }
    }
}
