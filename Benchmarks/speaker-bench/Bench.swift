import BenchSupport
import Foundation
import LBCore
import LBLab

#if canImport(Glibc)
import Glibc
#endif

/// Settings from the command line.
struct BenchOptions {
    var binDirectory: String
    var arpCount = 500
    var trials = 10
    var vrrp2Trials = 5
    var services = 1000
    /// Passed to every lb-speaker when set; otherwise the speaker's own defaults apply.
    var memberInterval: String?
    var memberDeadAfter: String?
    var phases: Set<String> = ["arp", "kill", "term", "rss", "vrrp3", "vrrp2"]
    /// Seconds the speakers idle at the end (membership false-death check), from --soak.
    var soakSeconds = 0
    var keepWorkDirectory = false
    /// Extra environment for every lb-speaker (e.g. MALLOC_ARENA_MAX=2), from --speaker-env K=V.
    var speakerEnvironment: [String: String] = [:]

    static let usage = """
        usage: speaker-bench [BIN_DIR] [--arp-count N] [--trials N] [--vrrp2-trials N] [--services N] [--soak SECONDS]
                             [--member-interval D --member-dead-after D] [--phases arp,kill,term,rss,vrrp3,vrrp2]
                             [--speaker-env KEY=VALUE] [--keep-work-directory]
        BIN_DIR holds lb-speaker, lb-controller and kube-test-server (default: this executable's directory).
        Needs root, iproute2, arping (Habets), tcpdump, kubectl and keepalived.
        """

    static func parse(_ arguments: [String]) throws -> BenchOptions {
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        var options = BenchOptions(binDirectory: own)
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let v = rest.popFirst() else { throw BenchError("\(flag) needs a value\n\(usage)") }
            return v
        }
        func number(_ flag: String, min: Int) throws -> Int {
            let text = try value(flag)
            guard let n = Int(text), n >= min else { throw BenchError("\(flag) \(text): expected an integer >= \(min)") }
            return n
        }
        while let arg = rest.popFirst() {
            switch arg {
            case "--arp-count": options.arpCount = try number(arg, min: 10)
            case "--trials": options.trials = try number(arg, min: 1)
            case "--vrrp2-trials": options.vrrp2Trials = try number(arg, min: 0)
            case "--services": options.services = try number(arg, min: 1)
            case "--soak": options.soakSeconds = try number(arg, min: 0)
            case "--member-interval": options.memberInterval = try value(arg)
            case "--member-dead-after": options.memberDeadAfter = try value(arg)
            case "--phases":
                let list = Set(try value(arg).split(separator: ",").map(String.init))
                let known: Set<String> = ["arp", "kill", "term", "rss", "vrrp3", "vrrp2"]
                guard list.isSubset(of: known) else { throw BenchError("--phases: unknown \(list.subtracting(known).sorted())") }
                options.phases = list
            case "--keep-work-directory": options.keepWorkDirectory = true
            case "--speaker-env":
                let pair = try value(arg).split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { throw BenchError("--speaker-env expects KEY=VALUE") }
                options.speakerEnvironment[pair[0]] = pair[1]
            case "-h", "--help": print(usage); exit(0)
            default:
                if arg.hasPrefix("-") { throw BenchError("unknown flag \(arg)\n\(usage)") }
                options.binDirectory = arg
            }
        }
        return options
    }
}

/// The bench: one lab, the speakers in it, then keepalived in the same lab.
final class SpeakerBench {
    let options: BenchOptions
    let lab: Lab
    var api: KubeAPIInLab!
    var controller: LabProcess?
    /// The running speaker of each node (index = node index).
    var speakers: [LabProcess?]
    let key = "speaker-bench-membership-key-0123456789"

    /// The Service IP of the failover and latency measurements (pool "bench").
    let vip = "172.30.0.200"
    /// keepalived's VIP.
    let vrrpVIP = "172.30.0.210"
    /// A second subnet on every node's interface for the 1,000-IP pool: the lab's /24 is too small.
    let bulkSubnetBase = "172.30.8"
    let bulkPool = "172.30.12.0/22"

    var figures: [String: String] = [:]
    var notes: [String] = []
    var failures: [String] = []
    /// Peers declared dead that no kill explains (a flapping membership).
    var unexplainedDeaths = 0
    var explainedDeaths = 0

    var clientMAC: String { lab.client.primary.mac }
    var clientInterface: String { lab.client.primary.name }

    init(options: BenchOptions, lab: Lab) {
        self.options = options
        self.lab = lab
        speakers = Array(repeating: nil, count: lab.nodes.count)
    }

    func binary(_ name: String) throws -> String { try benchBinary(name, in: options.binDirectory) }

    // MARK: - Kubernetes side

    @discardableResult
    func kubectl(_ arguments: [String], timeout: Double = 120) throws -> CommandResult {
        try lab.run(in: lab.switchNamespace, "kubectl", ["--kubeconfig", api.kubeconfigPath] + arguments, timeout: timeout).check()
    }

    func apply(_ yaml: String, name: String, verb: String = "create") throws {
        let path = "\(lab.workDirectory)/\(name).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        try kubectl([verb, "--validate=false", "-f", path], timeout: 300)
    }

    func nodeIP(_ i: Int) -> String { lab.nodes[i].primary.ipv4 }

    func setUp() throws {
        say("lab \(lab.prefix): starting kube-test-server, lb-controller and 3 lb-speakers")
        for (i, node) in lab.nodes.enumerated() {
            try LabCommand.must(["ip", "-n", node.namespace, "addr", "add", "\(bulkSubnetBase).\(11 + i)/21", "dev", node.primary.name])
        }
        api = try KubeAPIInLab.start(in: lab, binary: try binary("kube-test-server"))
        var objects = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: ironlb-system}

            """
        for (i, node) in lab.nodes.enumerated() {
            objects += """
                ---
                apiVersion: v1
                kind: Node
                metadata:
                  name: \(node.name)
                  labels: {kubernetes.io/hostname: \(node.name)}
                status:
                  addresses: [{type: InternalIP, address: \(nodeIP(i))}]

                """
        }
        objects += """
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: config, namespace: ironlb-system}
            data:
              config: |
                address-pools:
                - name: bench
                  protocol: layer2
                  addresses: [172.30.0.200-172.30.0.209]
                  auto-assign: false
                - name: many
                  protocol: layer2
                  addresses: [\(bulkPool)]
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: vip
              namespace: default
              annotations: {metallb.universe.tf/address-pool: bench}
            spec:
              type: LoadBalancer
              loadBalancerIP: \(vip)
              allocateLoadBalancerNodePorts: false
              selector: {app: vip}
              ports: [{port: 80, protocol: TCP}]

            """
        try apply(objects, name: "objects")
        controller = try lab.spawn(
            in: lab.switchNamespace, executable: try binary("lb-controller"),
            arguments: ["--kubeconfig", api.kubeconfigPath, "--metrics-address", "\(lab.networks[0].switchIPv4):7473",
                        "--identity", "bench-controller", "--log-level", "warning"])
        for i in lab.nodes.indices { try startSpeaker(i) }
        try waitForStableOwner(what: "the first election")
    }

    func startSpeaker(_ i: Int) throws {
        var arguments = [
            "--kubeconfig", api.kubeconfigPath, "--node-name", lab.nodes[i].name,
            "--metrics-address", "\(nodeIP(i)):7472", "--member-bind", nodeIP(i), "--member-address", nodeIP(i),
            "--member-port", "7946", "--log-level", "info",
        ]
        if let interval = options.memberInterval { arguments += ["--member-interval", interval] }
        if let dead = options.memberDeadAfter { arguments += ["--member-dead-after", dead] }
        let process = try lab.spawn(in: lab.nodes[i].namespace, executable: try binary("lb-speaker"), arguments: arguments,
                                    environment: options.speakerEnvironment.merging(["IRONLB_MEMBER_KEY": key]) { _, new in new })
        speakers[i] = process
        try process.waitForLog(containing: "membership address", timeout: 30)
    }

    /// Every speaker's published state, by node name.
    func speakerStates() throws -> [String: SpeakerState] {
        let result = try kubectl(["get", "leases", "-n", "ironlb-system", "-o", "json"], timeout: 30)
        guard let root = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let items = root["items"] as? [[String: Any]] else { throw BenchError("unreadable lease list") }
        var states: [String: SpeakerState] = [:]
        for item in items {
            guard let meta = item["metadata"] as? [String: Any], let annotations = meta["annotations"] as? [String: String],
                  let text = annotations[SpeakerState.annotationKey], let state = try? SpeakerState.decode(text) else { continue }
            states[state.node] = state
        }
        return states
    }

    func nodeIndex(ofMAC mac: String) -> Int? { lab.nodes.firstIndex { $0.primary.mac == mac } }

    /// Who answers ARP for `ip` now (a short arping); every distinct MAC.
    func answeringMACs(_ ip: String) throws -> [String] {
        try lab.arping(ip, count: 4, interval: 0.05).replyingMACs
    }

    /// Waits until every speaker sees all three members, all agree on the VIP's owner, exactly
    /// that node's MAC answers ARP, and it stays so for a second. Returns the owner's index.
    @discardableResult
    func waitForStableOwner(what: String, timeout: Double = 60) throws -> Int {
        let names = Set(lab.nodes.map(\.name))
        var last = ""
        var owner: Int?
        let ok = try labPoll(timeout: timeout) {
            let states = try speakerStates()
            guard Set(states.keys) == names else { last = "leases of \(states.keys.sorted())"; return false }
            for state in states.values where Set(state.liveMembers) != names {
                last = "\(state.node) sees \(state.liveMembers)"
                return false
            }
            let owners = Set(states.values.compactMap { $0.ips.first { $0.ip.description == vip }?.owner })
            guard owners.count == 1, let name = owners.first, let index = lab.nodes.firstIndex(where: { $0.name == name }),
                  states.values.allSatisfy({ $0.ips.contains { $0.ip.description == vip } }) else {
                last = "owners \(owners.sorted())"
                return false
            }
            let macs = try answeringMACs(vip)
            guard macs == [lab.nodes[index].primary.mac] else { last = "answers from \(macs), owner \(name)"; return false }
            sleepSeconds(1)
            guard try answeringMACs(vip) == [lab.nodes[index].primary.mac] else { last = "answers moved"; return false }
            owner = index
            return true
        }
        guard ok, let owner else { throw BenchError("no stable owner of \(vip) after \(what) within \(timeout) s: \(last)") }
        return owner
    }

    /// `ironlb_speaker_failovers_total` of each running speaker (nil where none runs).
    func failoverCounters() -> [Int?] {
        lab.nodes.indices.map { i in
            guard let speaker = speakers[i], speaker.isRunning,
                  let result = try? lab.run(in: lab.nodes[i].namespace, "curl", ["-s", "--max-time", "3", "http://\(nodeIP(i)):7472/metrics"], timeout: 10),
                  result.succeeded else { return nil }
            for line in result.stdout.split(separator: "\n") where line.hasPrefix("ironlb_speaker_failovers") {
                if let n = Double(line.split(separator: " ").last ?? "") { return Int(n) }
            }
            return 0
        }
    }

    /// Runs `body` and adds any peer death the counters saw meanwhile as unexplained (no kill
    /// happens in it).
    func withoutKills<T>(_ body: () throws -> T) rethrows -> T {
        let before = failoverCounters()
        let value = try body()
        accountDeaths(before: before, after: failoverCounters(), expected: lab.nodes.map { _ in 0 }, restarted: nil)
        return value
    }

    /// Adds the deaths the counters saw between `before` and `after` beyond `expected` per node.
    func accountDeaths(before: [Int?], after: [Int?], expected: [Int], restarted: Int?) {
        for i in lab.nodes.indices {
            let seen: Int
            if i == restarted { seen = after[i] ?? 0 } else { seen = (after[i] ?? 0) - (before[i] ?? 0) }
            let extra = seen - expected[i]
            explainedDeaths += min(seen, expected[i])
            if extra > 0 {
                unexplainedDeaths += extra
                notes.append("membership: \(lab.nodes[i].name) declared \(extra) peer(s) dead that no kill explains")
            }
        }
    }

    // MARK: - Probing

    /// A capture of ARP on the client plus arping probing `ip` every 10 ms.
    final class Probe {
        let capture: PacketCapture
        let arping: LabProcess
        let started: Double

        init(bench: SpeakerBench, ip: String, name: String) throws {
            capture = try bench.lab.startCapture(filter: "arp", name: name)
            started = now()
            arping = try bench.lab.spawn(
                in: bench.lab.client.namespace, executable: "arping",
                arguments: ["-c", "100000", "-W", "0.01", "-i", bench.clientInterface, ip])
        }

        func stop() throws -> [CapturedFrame] {
            arping.signal(SIGINT)
            if arping.waitForExit(timeout: 5) == nil { arping.signal(SIGKILL); arping.waitForExit(timeout: 5) }
            return try capture.stop()
        }
    }

    /// Waits until the capture holds an answer for `ip` from a MAC other than `oldMAC`.
    func waitForNewOwner(_ probe: Probe, ip: String, oldMAC: String, timeout: Double) throws -> Bool {
        try labPoll(timeout: timeout) {
            Wire.answers(try probe.capture.frames(), ip: ip, clientMAC: clientMAC).contains { $0.claimedMAC != oldMAC }
        }
    }

    /// Waits until the capture shows answers from `mac` (the probe has settled).
    func waitForAnswers(_ probe: Probe, ip: String, mac: String, count: Int = 10) throws {
        let ok = try labPoll(timeout: 10) {
            Wire.answers(try probe.capture.frames(), ip: ip, clientMAC: clientMAC).filter { $0.claimedMAC == mac }.count >= count
        }
        if !ok { throw BenchError("no answers for \(ip) from \(mac) before the trial") }
    }
}
