import Foundation
import LBCore
import LBLab

#if canImport(Glibc)
import Glibc
#endif

/// A whole IronLB layer-2 deployment in a lab of network namespaces: `kube-test-server` and one
/// `lb-controller` in the switch namespace, one `lb-speaker` in each of the nodes n1...n3 (metrics
/// on the node's own lab address), the namespace `ironlb-system` with a layer2 pool of lab
/// addresses, and a Node object per lab node whose InternalIPs are its lab IPv4 and IPv6 addresses.
///
/// `start` returns once every speaker's Lease shows all three speakers live; on any failure the
/// lab (namespaces, processes, veths) is destroyed before the error is thrown. Tests call
/// `destroy()` in a `defer` (it is idempotent, and `Lab` destroys itself in `deinit` as well).
///
/// Every wait is bounded by generous limits (tens of seconds: the two shared cores may be busy
/// building) and names what it waited for and what it last saw; nothing here measures time.
final class SpeakerLabFixture {
    static let namespace = "ironlb-system"
    /// The first addresses of the pool; tests use .200-.220 / ::200-::220.
    static let poolIPv4 = "172.30.0.200-172.30.0.220"
    static let poolIPv6 = "fd00:1b::200-fd00:1b::220"
    /// The membership key every speaker gets through `IRONLB_MEMBER_KEY` (>= 16 bytes).
    static let memberKey = "speaker-lab-membership-key-0123456789"
    static let memberPort = 7946
    static let metricsPort = 7472
    /// Bound for convergence waits: speakers must agree well within this.
    static let settle: Double = 45

    struct Options {
        /// Add the lab's second network (a second interface per node and on the client).
        var secondNetwork = false
        /// The pool's `interfaces` list, from the lab's interface names (nil: none, the speaker
        /// picks interfaces by subnet).
        var poolInterfaces: ((Lab) -> [String])? = nil
        /// Nodes whose `NetworkUnavailable` condition is True from the start.
        var networkUnavailable: Set<String> = []
        /// Labels per node name ("n1"...), set when the Node is created.
        var nodeLabels: [String: [String: String]] = [:]
        /// Overrides the located binaries (the cleanup test passes a missing speaker).
        var binaries: SpeakerLabBinaries? = nil
        /// Keep logs and captures after `destroy()`; also set by IRONLB_KEEP_LAB_LOGS=1.
        var keepWorkDirectory = ProcessInfo.processInfo.environment["IRONLB_KEEP_LAB_LOGS"] == "1"
        /// Top-level `peers:` entries for the config (YAML list items, unindented), from the lab.
        var peersYAML: ((Lab) -> String)? = nil
        /// More `address-pools:` entries (YAML list items, unindented), e.g. a bgp pool.
        var extraPoolsYAML: String? = nil
        /// Called after the lab exists, before anything runs in it (tests of the cleanup path).
        var onLabCreated: ((Lab) -> Void)? = nil
    }

    let lab: Lab
    let binaries: SpeakerLabBinaries
    let kubectlPath: String
    private(set) var api: KubeAPIInLab!
    private(set) var controller: LabProcess!
    /// Node name ("n1"...) to its speaker.
    private(set) var speakers: [String: LabProcess] = [:]
    private var fileCounter = 0

    var nodeNames: [String] { lab.nodes.map(\.name) }

    /// Builds the lab and starts everything; see the type's comment.
    static func start(_ options: Options = Options()) throws -> SpeakerLabFixture {
        try SpeakerLabPrerequisites.check()
        let binaries = try options.binaries ?? SpeakerLabBinaries.locate()
        guard let kubectl = SpeakerLabPrerequisites.kubectl else { throw SpeakerLabError.missingPrerequisite("kubectl") }
        var labOptions = Lab.Options()
        labOptions.keepWorkDirectory = options.keepWorkDirectory
        let lab = try Lab.create(prefix: Lab.uniquePrefix(family: "islb"), nodes: 3, secondNetwork: options.secondNetwork,
                                 options: labOptions)
        options.onLabCreated?(lab)
        let fixture = SpeakerLabFixture(lab: lab, binaries: binaries, kubectl: kubectl)
        do {
            try fixture.bringUp(options)
        } catch {
            let logs = fixture.logTails()
            lab.destroy()
            throw SpeakerLabError.unexpected("starting the speaker lab failed: \(error)\n\(logs)")
        }
        return fixture
    }

    private init(lab: Lab, binaries: SpeakerLabBinaries, kubectl: String) {
        self.lab = lab
        self.binaries = binaries
        self.kubectlPath = kubectl
    }

    /// Stops everything and removes the lab. Idempotent.
    func destroy() { lab.destroy() }

    // MARK: Bringing up

    private func bringUp(_ options: Options) throws {
        api = try KubeAPIInLab.start(in: lab, binary: binaries.kubeTestServer)
        try apply(
            Self.namespaceYAML + "---\n"
                + configMapYAML(
                    poolInterfaces: options.poolInterfaces?(lab), peers: options.peersYAML?(lab),
                    extraPools: options.extraPoolsYAML))
        for node in lab.nodes {
            try apply(Self.nodeYAML(name: node.name, labels: options.nodeLabels[node.name] ?? [:]))
            try setNodeStatus(node.name, networkUnavailable: options.networkUnavailable.contains(node.name) ? true : nil)
        }
        controller = try lab.spawn(
            in: lab.switchNamespace, executable: binaries.controller,
            arguments: ["--kubeconfig", api.kubeconfigPath, "--namespace", Self.namespace,
                        "--metrics-address", "\(lab.networks[0].switchIPv4):7473"])
        for node in lab.nodes { try startSpeaker(node.name) }
        try waitForMembers(nodeNames, on: nodeNames)
    }

    /// Starts (or restarts) the speaker of node `name`.
    @discardableResult
    func startSpeaker(_ name: String) throws -> LabProcess {
        let node = try host(name)
        let process = try lab.spawn(
            in: node.namespace, executable: binaries.speaker,
            arguments: ["--kubeconfig", api.kubeconfigPath, "--node-name", name, "--namespace", Self.namespace,
                        "--metrics-address", "\(node.primary.ipv4):\(Self.metricsPort)",
                        "--member-port", "\(Self.memberPort)"],
            environment: ["IRONLB_MEMBER_KEY": Self.memberKey])
        speakers[name] = process
        return process
    }

    func host(_ name: String) throws -> LabHost {
        guard let node = lab.nodes.first(where: { $0.name == name }) else {
            throw SpeakerLabError.unexpected("no lab node \(name)")
        }
        return node
    }

    /// The node's MAC on `network`.
    func mac(of name: String, network: Int = 0) throws -> String { try host(name).interface(network).mac }

    /// Node name for a MAC seen on the wire (nil for a MAC of no node).
    func node(withMAC mac: String) -> String? {
        lab.nodes.first { node in node.interfaces.contains { $0.mac == mac.lowercased() } }?.name
    }

    // MARK: Kubernetes objects

    /// Runs kubectl (in the switch namespace, where the API server listens) against the lab's API.
    @discardableResult
    func kubectl(_ arguments: [String], check: Bool = true) throws -> CommandResult {
        let result = try lab.run(in: lab.switchNamespace, kubectlPath,
                                 ["--kubeconfig", api.kubeconfigPath, "--request-timeout=20s"] + arguments, timeout: 60)
        if check { try result.check() }
        return result
    }

    /// `kubectl apply -f` of `yaml` (written to a file in the lab's work directory).
    func apply(_ yaml: String) throws {
        fileCounter += 1
        let path = "\(lab.workDirectory)/apply-\(fileCounter).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        try kubectl(["apply", "-f", path])
    }

    static let namespaceYAML = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: \(namespace)

        """

    /// The ConfigMap: one layer2 pool `lab` with both families' lab addresses (so interface
    /// selection by subnet picks the lab interface), optionally limited to `poolInterfaces`.
    func configMapYAML(poolInterfaces: [String]?, peers: String? = nil, extraPools: String? = nil) -> String {
        func indented(_ text: String) -> [String] {
            text.split(separator: "\n", omittingEmptySubsequences: true).map { "    " + $0 }
        }
        var lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: config", "  namespace: \(Self.namespace)",
                     "data:", "  config: |"]
        if let peers { lines += ["    peers:"] + indented(peers) }
        lines += [
            "    address-pools:", "    - name: lab", "      protocol: layer2", "      addresses:",
            "      - \(Self.poolIPv4)", "      - \(Self.poolIPv6)",
        ]
        if let poolInterfaces {
            lines.append("      interfaces:")
            lines += poolInterfaces.map { "      - \($0)" }
        }
        if let extraPools { lines += indented(extraPools) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func nodeYAML(name: String, labels: [String: String]) -> String {
        let allLabels = labels.merging(["kubernetes.io/hostname": name]) { a, _ in a }
        let lines = ["apiVersion: v1", "kind: Node", "metadata:", "  name: \(name)", "  labels:"]
            + allLabels.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the Node's status: InternalIPs = its lab IPv4 and IPv6 addresses, Ready, and (when not nil) the
    /// `NetworkUnavailable` condition. A create drops the status (KUBE-API.md 4): patch /status.
    func setNodeStatus(_ name: String, networkUnavailable: Bool?) throws {
        let node = try host(name)
        var conditions = [#"{"type":"Ready","status":"True","reason":"KubeletReady"}"#]
        if let networkUnavailable {
            conditions.append(
                #"{"type":"NetworkUnavailable","status":"\#(networkUnavailable ? "True" : "False")","reason":"SpeakerLabTest"}"#)
        }
        let patch = #"{"status":{"addresses":[{"type":"InternalIP","address":"\#(node.primary.ipv4)"},{"type":"InternalIP","address":"\#(node.primary.ipv6)"},{"type":"Hostname","address":"\#(name)"}],"conditions":[\#(conditions.joined(separator: ","))]}}"#
        try kubectl(["patch", "node", name, "--subresource=status", "--type=merge", "-p", patch])
    }

    /// Creates a LoadBalancer Service asking for `ips` (MetalLB's loadBalancerIPs annotation) and
    /// waits until the controller has written them into its status.
    func createService(_ name: String, ips: [String], local: Bool = false) throws {
        try createServices([(name, ips)], local: local)
    }

    /// `createService` for several Services in one `kubectl apply`.
    func createServices(_ services: [(name: String, ips: [String])], local: Bool = false) throws {
        let documents = services.map { name, ips in
            let families = ips.map { $0.contains(":") ? "IPv6" : "IPv4" }
            let policy = families.count > 1 ? "RequireDualStack" : "SingleStack"
            return [
                "apiVersion: v1", "kind: Service", "metadata:", "  name: \(name)", "  namespace: default",
                "  annotations:", "    metallb.universe.tf/loadBalancerIPs: \"\(ips.joined(separator: ","))\"", "spec:",
                "  type: LoadBalancer", "  externalTrafficPolicy: \(local ? "Local" : "Cluster")",
                "  ipFamilyPolicy: \(policy)", "  ipFamilies: [\(families.joined(separator: ", "))]", "  selector:",
                "    app: \(name)", "  ports:", "  - port: 80",
            ].joined(separator: "\n") + "\n"
        }
        try apply(documents.joined(separator: "---\n"))
        for (name, ips) in services {
            var seen: [String] = []
            let assigned = try labPoll(timeout: Self.settle) {
                seen = try ingressIPs(of: name)
                return Set(seen.compactMap(IPAddress.init)) == Set(ips.compactMap(IPAddress.init))
            }
            if !assigned {
                throw SpeakerLabError.notReady(what: "Service default/\(name) ingress \(ips)", seconds: Self.settle,
                                               detail: "ingress \(seen); controller log: \(controller.log.suffix(1500))")
            }
        }
    }

    func ingressIPs(of service: String) throws -> [String] {
        let result = try kubectl(["get", "service", service, "-n", "default", "-o", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let status = object?["status"] as? [String: Any]
        let lb = status?["loadBalancer"] as? [String: Any]
        let ingress = lb?["ingress"] as? [[String: Any]] ?? []
        return ingress.compactMap { $0["ip"] as? String }
    }

    func deleteService(_ name: String) throws {
        try kubectl(["delete", "service", name, "-n", "default", "--wait=false"])
    }

    /// Creates or replaces the EndpointSlice of Service `service` with one endpoint on `node`.
    func setEndpoint(of service: String, on node: String, ready: Bool = true) throws {
        try apply("""
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: \(service)-lab
              namespace: default
              labels:
                kubernetes.io/service-name: \(service)
            addressType: IPv4
            ports:
            - port: 80
              protocol: TCP
            endpoints:
            - addresses: ["10.244.0.\(10 + (nodeNames.firstIndex(of: node) ?? 0))"]
              nodeName: \(node)
              conditions:
                ready: \(ready)

            """)
    }
}
