import BenchSupport
import Foundation
import LBCore
import LBLab

#if canImport(Glibc)
import Glibc
#endif

/// IronLB: kube-test-server and lb-controller in the switch namespace, one LoadBalancer Service
/// per route (each with its own `loadBalancerIP` from a `bgp` pool of exactly the set), the
/// announcer's Node, and a ConfigMap with bird as the one peer. Each trial starts a fresh
/// lb-speaker and waits until its published plan holds every IP before bird is enabled (the
/// speaker then connects on its next retry). Withdrawn by labelling the Node
/// `node.kubernetes.io/exclude-from-external-load-balancers` (the speaker then withdraws every
/// route at once).
final class SpeakerAnnouncer: Announcer {
    let name = "IronLB"
    let method = "IronLB: lb-speaker started fresh per trial, bird enabled once the speaker's Lease shows every IP in its plan; withdrawn by a merge patch labelling the Node node.kubernetes.io/exclude-from-external-load-balancers"
    let lab: Lab
    let session: Session
    let routes: RouteSet
    let binDirectory: String
    let nodeName: String
    let key = "bgp-bench-membership-key-0123456789"
    private var api: KubeAPIInLab!
    private var controller: LabProcess?
    private var speaker: LabProcess?
    /// Seconds from `kubectl create` of the Services until every one had its IP.
    private(set) var allocationSeconds: Double?
    /// Seconds from the speaker's start until its Lease showed the whole plan, per trial.
    private(set) var planSeconds: [Double] = []
    /// The speaker's VmHWM (kB) once its plan was whole, before any BGP session: the Kubernetes
    /// side's share of the peak.
    private(set) var hwmBeforeSessionKB: [Int] = []
    /// VmHWM (kB) of a speaker started before any Service exists (the config and the Node only).
    private(set) var baselineHWMKB: Int?
    /// VmRSS and its anonymous (heap) part, kB, at the end of each trial.
    private(set) var endRSSKB: [Int] = []
    private(set) var anonymousKB: [Int] = []
    /// Per trial: when the first segment from the API server reached the speaker after the
    /// withdrawal's trigger (a capture on the announcer's interface): the Node watch event.
    private(set) var nodeEventTimes: [Double?] = []
    private var apiCapture: PacketCapture?

    init(lab: Lab, session: Session, routes: RouteSet, binDirectory: String) {
        self.lab = lab
        self.session = session
        self.routes = routes
        self.binDirectory = binDirectory
        nodeName = lab.nodes[0].name
    }

    func binary(_ name: String) throws -> String { try benchBinary(name, in: binDirectory) }

    @discardableResult
    private func kubectl(_ arguments: [String], timeout: Double = 120) throws -> CommandResult {
        try lab.run(in: lab.switchNamespace, "kubectl", ["--kubeconfig", api.kubeconfigPath] + arguments, timeout: timeout).check()
    }

    private func create(_ yaml: String, name: String) throws {
        let path = "\(lab.workDirectory)/\(name).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        try kubectl(["create", "--validate=false", "-f", path], timeout: 600)
    }

    func setUp() throws {
        // Checked first: a missing binary should not cost the Service creation.
        _ = try binary("lb-speaker")
        api = try KubeAPIInLab.start(in: lab, binary: try binary("kube-test-server"))
        let objects = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: ironlb-system}
            ---
            apiVersion: v1
            kind: Node
            metadata:
              name: \(nodeName)
              labels: {kubernetes.io/hostname: \(nodeName)}
            status:
              addresses: [{type: InternalIP, address: \(session.announcerAddress)}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: config, namespace: ironlb-system}
            data:
              config: |
                peers:
                - peer-address: \(session.routerAddress)
                  peer-asn: \(session.routerASN)
                  my-asn: \(session.announcerASN)
                  hold-time: 240s
                address-pools:
                - name: bench
                  protocol: bgp
                  addresses: [\(routes.cidrs.joined(separator: ", "))]

            """
        try create(objects, name: "objects")
        controller = try lab.spawn(
            in: lab.switchNamespace, executable: try binary("lb-controller"),
            arguments: ["--kubeconfig", api.kubeconfigPath, "--metrics-address", "\(lab.networks[0].switchIPv4):7473",
                        "--identity", "bench-controller", "--log-level", "warning"])
        // The baseline: a speaker with the config and its Node but no Service.
        let baseline = try startSpeaker()
        try baseline.waitForLog(containing: "caches synced", timeout: 120)
        sleepSeconds(2)
        baselineHWMKB = memory(of: baseline.pid)?.hwm
        baseline.stop(grace: 5)
        speaker = nil
        // Four kubectl processes side by side, a quarter of the Services each.
        say("IronLB: creating \(routes.count) LoadBalancer Services")
        let start = now()
        let parts = 4
        var creators: [LabProcess] = []
        for part in 0..<parts {
            var list = "apiVersion: v1\nkind: List\nitems:\n"
            for i in stride(from: part, to: routes.count, by: parts) {
                list += """
                    - apiVersion: v1
                      kind: Service
                      metadata: {name: bgp-\(i), namespace: default}
                      spec:
                        type: LoadBalancer
                        loadBalancerIP: \(routes.address(i))
                        allocateLoadBalancerNodePorts: false
                        selector: {app: bgp-\(i)}
                        ports: [{port: 80, protocol: TCP}]

                    """
            }
            let path = "\(lab.workDirectory)/services-\(part).yaml"
            try list.write(toFile: path, atomically: true, encoding: .utf8)
            creators.append(try lab.spawn(in: lab.switchNamespace, executable: "kubectl",
                                          arguments: ["--kubeconfig", api.kubeconfigPath, "create", "--validate=false", "-f", path]))
        }
        for creator in creators {
            guard let exit = creator.waitForExit(timeout: 600), exit == .exited(0) else {
                throw BenchError("kubectl create of the Services failed: \(creator.log.suffix(1000))")
            }
        }
        var withIP = 0
        let allocated = try labPoll(timeout: 300) {
            // One page (--chunk-size=0): a continue token expires while the controller writes statuses.
            let result = try lab.run(in: lab.switchNamespace, "kubectl", [
                "--kubeconfig", api.kubeconfigPath, "get", "services", "-n", "default", "--chunk-size=0", "-o",
                "jsonpath={range .items[*]}{.status.loadBalancer.ingress[0].ip}{\"\\n\"}{end}",
            ], timeout: 120)
            guard result.succeeded else { return false }
            let out = result.stdout
            withIP = out.split(separator: "\n").filter { !$0.isEmpty }.count
            return withIP == routes.count
        }
        guard allocated else { throw BenchError("only \(withIP) of \(routes.count) Services got an IP") }
        allocationSeconds = now() - start
        say("IronLB: \(routes.count) Services with IPs after \(String(format: "%.1f", allocationSeconds ?? 0)) s")
    }

    /// IPs in the speaker's plan, from its Lease (`announced` entries plus those the document
    /// had to omit for size).
    private func plannedIPs() throws -> Int {
        let result = try lab.run(in: lab.switchNamespace, "kubectl",
                                 ["--kubeconfig", api.kubeconfigPath, "get", "lease", "-n", "ironlb-system", "-o", "json"], timeout: 60)
        guard result.succeeded, let root = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let items = root["items"] as? [[String: Any]] else { return 0 }
        for item in items {
            guard let meta = item["metadata"] as? [String: Any], let annotations = meta["annotations"] as? [String: String],
                  let text = annotations[SpeakerState.annotationKey], let state = try? SpeakerState.decode(text),
                  state.node == nodeName else { continue }
            return state.ips.filter(\.announced).count + (state.omitted?.announced ?? 0)
        }
        return 0
    }

    private func setExcluded(_ excluded: Bool) throws {
        // A JSON merge patch straight to the API (curl starts in a few ms; kubectl in ~100).
        let label = LBCore.Election.excludeLabel
        let body = excluded ? "{\"metadata\":{\"labels\":{\"\(label)\":\"\"}}}" : "{\"metadata\":{\"labels\":{\"\(label)\":null}}}"
        try lab.run(in: lab.switchNamespace, "curl",
                    ["-sf", "-o", "/dev/null", "-X", "PATCH", "-H", "Content-Type: application/merge-patch+json", "--data", body,
                     "\(api.url)/api/v1/nodes/\(nodeName)"], timeout: 30).check()
    }

    func prepare(trial: Int) throws {
        try setExcluded(false)
        // The previous speaker's Lease would answer the readiness check below with its old plan.
        try kubectl(["delete", "leases", "--all", "-n", "ironlb-system"], timeout: 60)
        let start = now()
        let process = try startSpeaker()
        try process.waitForLog(containing: "caches synced", timeout: 120)
        var planned = 0
        let ready = try labPoll(timeout: 120) {
            guard process.isRunning else { return true }
            planned = try plannedIPs()
            return planned == routes.count
        }
        guard ready, process.isRunning else {
            throw BenchError("lb-speaker's plan holds \(planned) of \(routes.count) IPs (\(process.exitStatus.map { "\($0)" } ?? "running")): \(process.log.suffix(1500))")
        }
        planSeconds.append(now() - start)
        if let m = memory(of: process.pid) { hwmBeforeSessionKB.append(m.hwm) }
    }

    private func startSpeaker() throws -> LabProcess {
        let process = try lab.spawn(
            in: session.announcerNamespace, executable: try binary("lb-speaker"),
            arguments: ["--kubeconfig", api.kubeconfigPath, "--node-name", nodeName, "--namespace", "ironlb-system",
                        "--metrics-address", "\(session.announcerAddress):7472", "--member-bind", session.announcerAddress,
                        "--member-address", session.announcerAddress, "--member-port", "7946", "--log-level", "info"],
            environment: ["IRONLB_MEMBER_KEY": key])
        speaker = process
        return process
    }

    /// bird is enabled by the bench; the speaker connects on its next retry.
    func connect() throws {}

    func beforeWithdraw() throws {
        guard let port = URL(string: api.url)?.port else { return }
        apiCapture = try lab.startCapture(in: session.announcerNamespace, interface: lab.nodes[0].primary.name,
                                          filter: "tcp src port \(port)", name: "api-to-speaker")
    }

    func withdraw() throws { try setExcluded(true) }

    /// The first API-to-speaker segment with a payload at or after `triggered`.
    func afterWithdraw(triggered: Double) {
        guard let capture = apiCapture else { nodeEventTimes.append(nil); return }
        apiCapture = nil
        _ = try? capture.stop()
        let output = (try? LabCommand.run(["tcpdump", "-r", capture.path, "-n", "-tt"], timeout: 60).stdout) ?? ""
        nodeEventTimes.append(BGPCapture.segments(output).first { $0.time >= triggered && $0.length > 0 }?.time)
    }

    func peakRSSKB() -> Int? { speaker.flatMap { memory(of: $0.pid)?.hwm } }

    func finish() throws {
        if let speaker, let anonymous = anonymousRSS(of: speaker.pid), let m = memory(of: speaker.pid) {
            anonymousKB.append(anonymous)
            endRSSKB.append(m.rss)
        }
        if let speaker, speaker.isRunning == false {
            throw BenchError("lb-speaker \(speaker.exitStatus.map { "\($0)" } ?? "") during the trial: \(speaker.log.suffix(1500))")
        }
        speaker?.stop(grace: 5)
        speaker = nil
    }

    func tearDown() {
        _ = try? apiCapture?.stop()
        speaker?.stop(grace: 5)
        controller?.stop(grace: 5)
        _ = api?.stop()
    }
}
