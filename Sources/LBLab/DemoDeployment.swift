import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// IronLB deployed in a lab of network namespaces, as the demo (`lab-demo`) shows it:
///
///     P-sw  switch: bridge, kube-test-server, lb-controller
///     P-r   router: bird2 (172.30.0.2, AS 64512), one passive BGP session per node
///     P-n1..P-n3  nodes: lb-speaker (AS 64513 toward bird), a dummy `kube-ipvs0` holding the
///                 Service IP and an HTTP backend on it, as kube-proxy's IPVS mode does
///     P-c   client: curl, arping
///
/// The router is a namespace of its own plugged into the lab's bridge like a top-of-rack router
/// would be, rather than bird in the switch namespace: the sessions then cross the bridge exactly
/// as node-to-router sessions do.
///
/// Each bring-up step is a method so the demo can print what it does between them. Every wait is
/// bounded (`settle`) and names what it waited for. `teardown()` removes everything, idempotently;
/// `Lab.removeLeftovers(prefix: "P-")` removes a crashed run's remains.
public final class DemoDeployment {
    public struct Settings: Sendable {
        /// Namespace and interface prefix (1...8 lower-case letters/digits).
        public var prefix: String
        /// Lab files (logs, kubeconfig, bird config and socket); nil: a fresh temporary directory.
        public var workDirectory: String?
        /// Keep `workDirectory` after teardown.
        public var keepWorkDirectory = false
        /// Number of nodes (each runs a speaker and a backend).
        public var nodes = 3
        /// The speakers' membership key (IRONLB_MEMBER_KEY, at least 16 bytes).
        public var memberKey = "ironlb-lab-demo-membership-key-0123"
        /// Bound for every wait.
        public var settle: Double = 45
        /// bird2 only listens (`passive on`): the speakers open the sessions.
        public var birdPassive = true

        public init(prefix: String) { self.prefix = prefix }
    }

    public static let memberPort = 7946
    public static let speakerMetricsPort = 7472
    public static let controllerMetricsPort = 7473
    /// kube-proxy's IPVS-mode dummy interface name.
    public static let serviceInterface = "kube-ipvs0"

    public let settings: Settings
    public let binaries: DemoBinaries
    public let lab: Lab
    /// The bird2 router's namespace and its one interface on the lab network.
    public let router: LabHost
    public let manifests: DemoManifests
    public private(set) var api: KubeAPIInLab?
    public private(set) var controller: LabProcess?
    /// Node name to its speaker.
    public private(set) var speakers: [String: LabProcess] = [:]
    public internal(set) var bird: LabProcess?
    public internal(set) var birdConfig: BirdConfig?
    /// Node name to its HTTP backend.
    public private(set) var backends: [String: LabProcess] = [:]
    /// Node name to the device holding the Service IP: `kube-ipvs0`, or `lo` on a kernel
    /// without the dummy driver.
    public private(set) var serviceIPDevices: [String: String] = [:]
    private var fileCounter = 0

    public var birdConfigPath: String { "\(lab.workDirectory)/bird.conf" }
    public var birdSocket: String { "\(lab.workDirectory)/bird.ctl" }
    public var nodeNames: [String] { lab.nodes.map(\.name) }

    /// Makes the lab (switch, nodes, client) and the router namespace plugged into its bridge.
    /// On failure everything made so far is removed before the error is thrown.
    public static func create(settings: Settings, binaries: DemoBinaries) throws -> DemoDeployment {
        var options = Lab.Options()
        options.workDirectory = settings.workDirectory
        options.keepWorkDirectory = settings.keepWorkDirectory
        let lab = try Lab.create(prefix: settings.prefix, nodes: settings.nodes, options: options)
        let network = lab.networks[0]
        let router = LabHost(name: "router", namespace: "\(settings.prefix)-r", interfaces: [
            LabInterface(network: 0, name: "\(settings.prefix)re0", switchPort: "\(settings.prefix)sre0",
                         mac: LabPlan.mac(network: 0, role: 3, index: 0), ipv4: network.ipv4(host: 2),
                         ipv6: network.ipv6(host: 2)),
        ])
        let deployment = DemoDeployment(settings: settings, binaries: binaries, lab: lab, router: router)
        do {
            try deployment.addRouterNamespace()
        } catch {
            deployment.teardown()
            throw error
        }
        return deployment
    }

    private init(settings: Settings, binaries: DemoBinaries, lab: Lab, router: LabHost) {
        self.settings = settings
        self.binaries = binaries
        self.lab = lab
        self.router = router
        manifests = DemoManifests(routerAddress: router.primary.ipv4)
    }

    /// Kills every process, removes every namespace with the prefix (the router's too) and the
    /// work directory (unless kept). Idempotent; problems go to stderr.
    public func teardown() {
        Self.teardown(lab: lab)
    }

    /// `teardown()` for a signal handler, which holds only the (Sendable) lab.
    public static func teardown(lab: Lab) {
        lab.destroy()
        do {
            try Lab.removeLeftovers(prefix: "\(lab.prefix)-")
        } catch {
            FileHandle.standardError.write(Data("lab-demo: removing namespaces \(lab.prefix)-*: \(error)\n".utf8))
        }
    }

    // MARK: Kubernetes

    /// Starts kube-test-server in the switch namespace.
    public func startAPI() throws {
        api = try KubeAPIInLab.start(in: lab, binary: binaries.kubeTestServer)
    }

    public func requireAPI() throws -> KubeAPIInLab {
        guard let api else { throw LabError.invalidArgument("kube-test-server is not started (startAPI)") }
        return api
    }

    /// Runs kubectl against the lab's API (from the switch namespace, where it listens).
    @discardableResult
    public func kubectl(_ arguments: [String], check: Bool = true) throws -> CommandResult {
        let api = try requireAPI()
        let result = try lab.run(in: lab.switchNamespace, binaries.kubectl,
                                 ["--kubeconfig", api.kubeconfigPath, "--cache-dir", "\(lab.workDirectory)/kube-cache",
                                  "--request-timeout=20s"] + arguments, timeout: 60)
        if check { try result.check() }
        return result
    }

    /// Runs lbctl against the lab's API.
    @discardableResult
    public func lbctl(_ arguments: [String]) throws -> CommandResult {
        let api = try requireAPI()
        var arguments = arguments
        // Subcommands that talk to the API take --kubeconfig; `config validate` does not.
        if arguments.first == "status" { arguments += ["--kubeconfig", api.kubeconfigPath] }
        return try lab.run(in: lab.switchNamespace, binaries.lbctl, arguments, timeout: 60)
    }

    /// Writes `yaml` into the work directory and returns the path.
    public func writeFile(_ name: String, _ text: String) throws -> String {
        fileCounter += 1
        let path = "\(lab.workDirectory)/\(fileCounter)-\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `kubectl apply -f` of `yaml`.
    @discardableResult
    public func apply(_ yaml: String, name: String = "apply.yaml") throws -> CommandResult {
        try kubectl(["apply", "-f", try writeFile(name, yaml)])
    }

    /// The namespace `ironlb-system` and a Node per lab node with InternalIP = its lab address.
    public func registerNodes() throws {
        try apply(manifests.namespaceYAML, name: "namespace.yaml")
        for node in lab.nodes {
            try apply(DemoManifests.nodeYAML(name: node.name), name: "node-\(node.name).yaml")
            try kubectl(["patch", "node", node.name, "--subresource=status", "--type=merge", "-p",
                         DemoManifests.nodeStatusPatch(name: node.name, internalIP: node.primary.ipv4)])
        }
    }

    /// Applies the sample ConfigMap; returns the file applied (for `lbctl config validate`).
    @discardableResult
    public func applyConfig() throws -> String {
        let path = try writeFile("ironlb-config.yaml", manifests.configMapYAML)
        try kubectl(["apply", "-f", path])
        return path
    }

    // MARK: IronLB

    /// Starts lb-controller in the switch namespace.
    public func startController() throws {
        let api = try requireAPI()
        controller = try lab.spawn(
            in: lab.switchNamespace, executable: binaries.controller,
            arguments: ["--kubeconfig", api.kubeconfigPath, "--namespace", manifests.namespace,
                        "--identity", "lb-controller-demo",
                        "--metrics-address", "\(lab.networks[0].switchIPv4):\(Self.controllerMetricsPort)"],
            logFile: "\(lab.workDirectory)/lb-controller.log")
    }

    /// Starts (or restarts) the speaker of node `name`, with its metrics on the node's lab address.
    @discardableResult
    public func startSpeaker(_ name: String) throws -> LabProcess {
        let api = try requireAPI()
        let node = try host(name)
        let process = try lab.spawn(
            in: node.namespace, executable: binaries.speaker,
            arguments: ["--kubeconfig", api.kubeconfigPath, "--node-name", name, "--namespace", manifests.namespace,
                        "--metrics-address", "\(node.primary.ipv4):\(Self.speakerMetricsPort)",
                        "--member-port", "\(Self.memberPort)"],
            environment: ["IRONLB_MEMBER_KEY": settings.memberKey],
            logFile: "\(lab.workDirectory)/lb-speaker-\(name).log")
        speakers[name] = process
        return process
    }

    public func host(_ name: String) throws -> LabHost {
        guard let node = lab.nodes.first(where: { $0.name == name }) else {
            throw LabError.invalidArgument("no lab node \(name) (nodes: \(nodeNames.joined(separator: ", ")))")
        }
        return node
    }

    /// The node whose interface has `mac`, or nil.
    public func node(withMAC mac: String) -> LabHost? {
        lab.nodes.first { node in node.interfaces.contains { $0.mac == mac.lowercased() } }
    }

    /// Throws (with its log) if a process that must run has exited.
    public func checkRunning() throws {
        var processes: [(String, LabProcess)] = speakers.sorted { $0.key < $1.key }.map { ("lb-speaker \($0.key)", $0.value) }
        if let controller { processes.append(("lb-controller", controller)) }
        if let api { processes.append(("kube-test-server", api.process)) }
        for (role, process) in processes where !process.isRunning {
            throw LabError.notReady(what: "\(role)", seconds: 0,
                                    detail: "\(process.exitStatus.map { "\($0)" } ?? "exited"): \(process.log.suffix(2000))")
        }
    }

    /// The speakers' Lease annotation `key` (their published state), one string per Lease.
    public func speakerLeaseAnnotations(key: String) throws -> [String] {
        let result = try kubectl(["get", "leases", "-n", manifests.namespace, "-l", "app.kubernetes.io/component=speaker",
                                  "-o", "json"])
        guard let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw LabError.unparsableOutput(tool: result.command, output: result.stdout)
        }
        return (list["items"] as? [[String: Any]] ?? []).compactMap { item in
            ((item["metadata"] as? [String: Any])?["annotations"] as? [String: String])?[key]
        }
    }

    // MARK: Services

    /// Applies a LoadBalancer Service from `pool` with an endpoint on every node and waits until
    /// the controller has written its IP into the status; returns it.
    public func createService(_ name: String, pool: String) throws -> String {
        try apply(DemoManifests.serviceYAML(name: name, pool: pool, nodes: nodeNames), name: "service-\(name).yaml")
        var ip: String?
        let assigned = try labPoll(timeout: settings.settle) {
            ip = try ingressIPs(of: name).first
            return ip != nil
        }
        guard assigned, let ip else {
            throw LabError.notReady(what: "an EXTERNAL-IP for Service default/\(name)", seconds: settings.settle,
                                    detail: "controller log: \(controller?.log.suffix(1500) ?? "(no controller)")")
        }
        return ip
    }

    public func ingressIPs(of service: String) throws -> [String] {
        let result = try kubectl(["get", "service", service, "-n", "default", "-o", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let status = object?["status"] as? [String: Any]
        let ingress = (status?["loadBalancer"] as? [String: Any])?["ingress"] as? [[String: Any]] ?? []
        return ingress.compactMap { $0["ip"] as? String }
    }

    /// What kube-proxy in IPVS mode does on every node, then the backend: the Service IP on a
    /// dummy interface (NOARP, so the speaker ignores it; `lo` where the kernel has no dummy driver) with `arp_ignore=1` (answer ARP only
    /// for addresses of the receiving interface) and `arp_announce=2` (never use the Service IP
    /// as an ARP sender address), so the node's kernel accepts traffic for the IP but never
    /// claims it: only the announcing speaker answers ARP. Then an HTTP server bound to IP:80.
    public func startBackends(serviceIP ip: String) throws {
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        for node in lab.nodes {
            let ns = node.namespace
            try LabCommand.must(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1",
                                 "net.ipv4.conf.all.arp_announce=2"])
            let device = try addServiceIP(ip, in: ns)
            serviceIPDevices[node.name] = device
            let process = try lab.spawn(in: ns, executable: python,
                                        arguments: ["-u", "-c", DemoManifests.httpBackendScript, node.name, ip],
                                        logFile: "\(lab.workDirectory)/http-\(node.name).log")
            backends[node.name] = process
            try process.waitForLog(containing: "listening on", timeout: settings.settle)
        }
    }

    /// Puts `ip`/32 on the dummy `kube-ipvs0` (created when missing) and returns the device used.
    /// A kernel without the dummy driver (`Unknown device type`, e.g. a minimal VM kernel) gets
    /// the address on `lo` instead, the classic LVS direct-routing real-server setup: equally
    /// NOARP for the speaker and equally silent with arp_ignore=1.
    private func addServiceIP(_ ip: String, in namespace: String) throws -> String {
        var device = Self.serviceInterface
        let exists = try LabCommand.run(["ip", "-n", namespace, "link", "show", device], timeout: 10).succeeded
        if !exists {
            let created = try LabCommand.run(["ip", "-n", namespace, "link", "add", device, "type", "dummy"], timeout: 10)
            if !created.succeeded {
                guard created.stderr.contains("Unknown device type") else { throw created.failure }
                device = "lo"
            }
        }
        try LabCommand.must(["ip", "-n", namespace, "addr", "replace", "\(ip)/32", "dev", device])
        try LabCommand.must(["ip", "-n", namespace, "link", "set", device, "up"])
        return device
    }

    // MARK: The client

    /// `curl http://IP/` from the client (at most `timeout` seconds).
    public func curl(_ ip: String, timeout: Double = 3) throws -> CommandResult {
        try lab.run(in: lab.client.namespace, "curl", ["-sS", "--max-time", "\(timeout)", "http://\(ip)/"],
                    timeout: timeout + 10)
    }

    /// The node whose MAC answers ARP for `ip` from the client, once a probe is answered by
    /// exactly one MAC and that MAC is a node's (bounded by `settle`). `excluding` skips nodes.
    public func waitForARPOwner(of ip: String, excluding: Set<String> = []) throws -> (node: LabHost, result: ARPingResult) {
        var last: ARPingResult?
        var owner: LabHost?
        let ok = try labPoll(timeout: settings.settle) {
            let result = try lab.arping(ip, count: 2, interval: 0.05)
            last = result
            guard result.received > 0, result.replyingMACs.count == 1,
                  let answering = node(withMAC: result.replyingMACs[0]), !excluding.contains(answering.name) else { return false }
            owner = answering
            return true
        }
        guard ok, let owner, let last else {
            throw LabError.notReady(what: "one node answering ARP for \(ip)", seconds: settings.settle,
                                    detail: last?.output ?? "no arping result")
        }
        return (owner, last)
    }

    // MARK: State

    /// Every process the deployment started, for the state file.
    public var processRecords: [DemoState.Process] {
        var records: [DemoState.Process] = []
        if let api { records.append(.init(role: "kube-test-server", pid: api.process.pid, namespace: lab.switchNamespace,
                                          log: api.process.logPath)) }
        if let controller { records.append(.init(role: "lb-controller", pid: controller.pid, namespace: lab.switchNamespace,
                                                 log: controller.logPath)) }
        for (name, speaker) in speakers.sorted(by: { $0.key < $1.key }) {
            records.append(.init(role: "lb-speaker \(name)", pid: speaker.pid, namespace: speaker.namespace, log: speaker.logPath))
        }
        if let bird { records.append(.init(role: "bird", pid: bird.pid, namespace: router.namespace, log: bird.logPath)) }
        for (name, backend) in backends.sorted(by: { $0.key < $1.key }) {
            records.append(.init(role: "http \(name)", pid: backend.pid, namespace: backend.namespace, log: backend.logPath))
        }
        return records
    }

    /// Every namespace by role: "switch", "router", "client", "n1", ...
    public var namespaceRoles: [String: String] {
        var roles = ["switch": lab.switchNamespace, "router": router.namespace, "client": lab.client.namespace]
        for node in lab.nodes { roles[node.name] = node.namespace }
        return roles
    }

    /// Every namespace (the lab's and the router's).
    public var namespaces: [String] { lab.namespaces + [router.namespace] }
}
