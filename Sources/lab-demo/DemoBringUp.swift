import Foundation
import LBCore
import LBLab

#if canImport(Glibc)
import Glibc
#endif

/// The steps `run` and `up` share: check the machine, build the lab, configure IronLB and bird2,
/// start IronLB, create the layer-2 Service with its backends. Each prints what it does and
/// returns a note for the summary.
final class DemoBringUp {
    /// Tools the lab runs (iproute2, bird2, arping, curl, tcpdump, python3) with the Debian
    /// package providing each, for the error message.
    static let tools: [(tool: String, package: String)] = [
        ("ip", "iproute2"), ("bird", "bird2"), ("birdc", "bird2"), ("arping", "arping"), ("curl", "curl"),
        ("tcpdump", "tcpdump"), ("python3", "python3"), ("bash", "bash"), ("timeout", "coreutils"),
    ]
    static let layer2Service = "web"
    static let bgpService = "web-bgp"

    var settings: DemoDeployment.Settings
    private(set) var binaries: DemoBinaries?
    private(set) var deployment: DemoDeployment?
    private(set) var layer2IP: String?
    private(set) var layer2Owner: LabHost?

    init(settings: DemoDeployment.Settings) { self.settings = settings }

    func requireDeployment() throws -> DemoDeployment {
        guard let deployment else { throw DemoFailure("the lab is not up") }
        return deployment
    }

    /// Step 1: root, tools, the built binaries and their versions.
    func checkMachine() throws -> String? {
        guard getuid() == 0 else {
            throw DemoFailure("lab-demo needs root (it creates network namespaces): run it with sudo, or `make demo`")
        }
        let missing = Self.tools.filter { LabCommand.which($0.tool) == nil }
        guard missing.isEmpty else {
            let packages = Set(missing.map(\.package)).sorted().joined(separator: " ")
            throw DemoFailure("missing \(missing.map(\.tool).joined(separator: ", ")): apt-get install \(packages) (or `make deps`)")
        }
        let binaries = try DemoBinaries.locate()
        self.binaries = binaries
        for (name, path) in [("lb-speaker", binaries.speaker), ("lb-controller", binaries.controller),
                             ("kube-test-server", binaries.kubeTestServer), ("lbctl", binaries.lbctl),
                             ("kubectl", binaries.kubectl)] {
            Output.say("\(name.padding(toLength: 17, withPad: " ", startingAt: 0)) \(path)")
        }
        let version = try LabCommand.run([binaries.lbctl, "version"], timeout: 20)
        let bird = try LabCommand.run(["bird", "--version"], timeout: 10)
        Output.say("lbctl version: \(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
        Output.say("bird: \((bird.stdout + bird.stderr).trimmingCharacters(in: .whitespacesAndNewlines))")
        return URL(fileURLWithPath: binaries.speaker).deletingLastPathComponent().path
    }

    /// Step 2: the namespaces, kube-test-server, the Nodes.
    func createLab() throws -> String? {
        guard let binaries else { throw DemoFailure("no binaries") }
        let removed = try Lab.removeLeftovers(prefix: "\(settings.prefix)-")
        if !removed.isEmpty { Output.say("removed leftovers of an earlier run: \(removed.joined(separator: " "))") }
        let deployment = try DemoDeployment.create(settings: settings, binaries: binaries)
        self.deployment = deployment
        Interrupts.guardLab(deployment.lab)
        let network = deployment.lab.networks[0]
        Output.say("namespace        role                          address (\(network.ipv4Prefix))  MAC")
        func row(_ namespace: String, _ role: String, _ address: String, _ mac: String) {
            Output.say(namespace.padding(toLength: 16, withPad: " ", startingAt: 0) + " "
                + role.padding(toLength: 29, withPad: " ", startingAt: 0) + " "
                + address.padding(toLength: 19, withPad: " ", startingAt: 0) + " " + mac)
        }
        row(deployment.lab.switchNamespace, "switch: bridge, API, ctrl", network.switchIPv4, network.bridgeMAC)
        for node in deployment.lab.nodes { row(node.namespace, "node \(node.name): lb-speaker", node.primary.ipv4, node.primary.mac) }
        row(deployment.router.namespace, "router: bird2, AS \(deployment.manifests.routerASN)", deployment.router.primary.ipv4,
            deployment.router.primary.mac)
        row(deployment.lab.client.namespace, "client: curl, arping", deployment.lab.client.primary.ipv4,
            deployment.lab.client.primary.mac)
        try deployment.startAPI()
        let api = try deployment.requireAPI()
        Output.say("kube-test-server: \(api.url) (kubeconfig \(api.kubeconfigPath))")
        try deployment.registerNodes()
        Output.show("kubectl get nodes -o wide", try deployment.kubectl(["get", "nodes", "-o", "wide"]))
        return "\(deployment.namespaces.count) namespaces, prefix \(settings.prefix)"
    }

    /// Step 3: the ConfigMap (a layer2 pool and a bgp pool peering with bird2), checked with
    /// lbctl, and bird2 started with one session per node.
    func configure() throws -> String? {
        let deployment = try requireDeployment()
        let path = try deployment.applyConfig()
        Output.say("ConfigMap \(deployment.manifests.namespace)/config (\(path)):")
        Output.block(deployment.manifests.configMapYAML)
        Output.show("lbctl config validate \(URL(fileURLWithPath: path).lastPathComponent)",
                    try deployment.lbctl(["config", "validate", path]).check())
        let config = try deployment.startRouter()
        Output.say("bird2 in \(deployment.router.namespace) (\(deployment.birdConfigPath)):")
        Output.block(config.render())
        return "pools \(DemoManifests.layer2PoolName) (layer2), \(DemoManifests.bgpPoolName) (bgp); bird \(config.passive ? "passive" : "active")"
    }

    /// Step 4: lb-controller and one lb-speaker per node; waits for the speakers' membership.
    func startIronLB() throws -> String? {
        let deployment = try requireDeployment()
        try deployment.startController()
        Output.say("lb-controller in \(deployment.lab.switchNamespace) (pid \(deployment.controller?.pid ?? 0))")
        for name in deployment.nodeNames {
            let speaker = try deployment.startSpeaker(name)
            Output.say("lb-speaker \(name) in \(speaker.namespace) (pid \(speaker.pid))")
        }
        try deployment.waitForMembers()
        Output.say("every speaker sees \(deployment.nodeNames.joined(separator: ", ")) as live members")
        return "\(deployment.nodeNames.count) speakers live"
    }

    /// Step 5: the layer-2 Service, its node-local backends (kube-proxy IPVS style), and which
    /// node answers ARP for it.
    func createLayer2Service() throws -> String? {
        let deployment = try requireDeployment()
        let ip = try deployment.createService(Self.layer2Service, pool: DemoManifests.layer2PoolName)
        layer2IP = ip
        Output.say("Service default/\(Self.layer2Service) got \(ip) from pool \(DemoManifests.layer2PoolName)")
        try deployment.startBackends(serviceIP: ip)
        let node = deployment.lab.nodes[0]
        let device = deployment.serviceIPDevices[node.name] ?? DemoDeployment.serviceInterface
        if device != DemoDeployment.serviceInterface {
            Output.say("(this kernel has no dummy driver: the Service IP goes on \(device) instead of \(DemoDeployment.serviceInterface), as an LVS direct-routing real server does)")
        }
        Output.say("on every node, as kube-proxy's IPVS mode does: \(ip)/32 on \(device), arp_ignore=1, arp_announce=2; an HTTP server on \(ip):80")
        Output.show("ip -n \(node.namespace) -br addr show dev \(device)",
                    try LabCommand.run(["ip", "-n", node.namespace, "-br", "addr", "show", "dev", device]))
        Output.show("ip netns exec \(node.namespace) sysctl net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce",
                    try LabCommand.run(["ip", "netns", "exec", node.namespace, "sysctl", "net.ipv4.conf.all.arp_ignore",
                                        "net.ipv4.conf.all.arp_announce"]))
        let (owner, arping) = try deployment.waitForARPOwner(of: ip)
        layer2Owner = owner
        Output.say("ARP from the client: \(ip) is-at \(owner.primary.mac) = \(owner.name); \(arping.received)/\(arping.transmitted) probes answered, by that MAC only")
        return "\(ip) announced by \(owner.name)"
    }

    /// Steps 1–5, the same for `run` and `up`: the machine, the lab, the config, IronLB and the
    /// layer-2 Service. Returns whether IronLB started and whether the Service is up.
    func runBringUpSteps(_ steps: DemoSteps) -> (ironlb: Bool, service: Bool) {
        let machine = steps.run(1, "Binaries and tools") { try checkMachine() }
        let lab = steps.run(2, "Lab: namespaces, kube-test-server, Nodes", requires: machine) { try createLab() }
        let configured = steps.run(3, "Sample config: layer2 + bgp pools, bird2 peer", requires: lab) { try configure() }
        let ironlb = steps.run(4, "IronLB: lb-controller, lb-speaker per node", requires: configured) { try startIronLB() }
        let service = steps.run(5, "Layer-2 Service, HTTP backend on every node", requires: ironlb) {
            try createLayer2Service()
        }
        return (ironlb, service)
    }
}
