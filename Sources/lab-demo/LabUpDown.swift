import Foundation
import LBLab

#if canImport(Glibc)
import Glibc
#endif

/// `lab-demo up`: the demo's lab (steps 1-5 and the bgp Service) left running, with a state file
/// for `down` and the commands to explore it.
struct LabUp {
    static let prefix = "irlab"
    static let defaultDirectory = "/tmp/ironlb-lab"

    var directory: String

    static func statePath(_ directory: String) -> String { "\(directory)/state.json" }

    /// Exits the process itself on success (see the end); returns the status on failure.
    func run() -> Int32 {
        let statePath = Self.statePath(directory)
        if FileManager.default.fileExists(atPath: statePath) {
            Output.warn("lab-demo: a lab is already up (\(statePath)); `lab-demo down` (make lab-down) removes it")
            return 1
        }
        Interrupts.install()
        var settings = DemoDeployment.Settings(prefix: Self.prefix)
        settings.workDirectory = directory
        settings.keepWorkDirectory = true
        let bringUp = DemoBringUp(settings: settings)
        let steps = DemoSteps(total: 6)
        let (_, service) = bringUp.runBringUpSteps(steps)
        var bgpIP: String?
        steps.run(6, "BGP Service", requires: service) {
            let deployment = try bringUp.requireDeployment()
            let ip = try deployment.createService(DemoBringUp.bgpService, pool: DemoManifests.bgpPoolName)
            bgpIP = ip
            return "default/\(DemoBringUp.bgpService) got \(ip)"
        }
        guard steps.allSucceeded, let deployment = bringUp.deployment, let api = deployment.api else {
            steps.printSummary()
            Output.say("removing the partial lab; its logs stay in \(directory)")
            bringUp.deployment?.teardown()
            _ = try? Lab.removeLeftovers(prefix: "\(Self.prefix)-")
            return 1
        }
        do {
            let kubeconfig = "\(directory)/kubeconfig"
            try? FileManager.default.removeItem(atPath: kubeconfig)
            try FileManager.default.copyItem(atPath: api.kubeconfigPath, toPath: kubeconfig)
            var ips = ["default/\(DemoBringUp.layer2Service)": bringUp.layer2IP ?? ""]
            if let bgpIP { ips["default/\(DemoBringUp.bgpService)"] = bgpIP }
            let state = DemoState(
                prefix: Self.prefix, namespaces: deployment.namespaces, roles: deployment.namespaceRoles,
                kubeconfig: kubeconfig, apiURL: api.url, workDirectory: directory, birdSocket: deployment.birdSocket,
                processes: deployment.processRecords, serviceIPs: ips,
                createdAt: ISO8601DateFormatter().string(from: Date()))
            try state.write(to: Self.statePath(directory))
            printUsage(deployment, state: state)
        } catch {
            Output.warn("lab-demo: writing \(Self.statePath(directory)) failed: \(error); removing the lab")
            deployment.teardown()
            return 1
        }
        // The lab outlives this process: no signal handler may remove it any more, and the
        // process ends here, with `bringUp` still holding the lab: returning would release it,
        // and Lab's deinit destroys the lab. exit() runs no deinitializer.
        Interrupts.guardLab(nil)
        withExtendedLifetime(bringUp) { exit(0) }
    }

    private func printUsage(_ deployment: DemoDeployment, state: DemoState) {
        let sw = deployment.lab.switchNamespace
        let client = deployment.lab.client
        let l2 = bringUpIP(state, DemoBringUp.layer2Service)
        let bgp = bringUpIP(state, DemoBringUp.bgpService)
        Output.say("""

            The lab is up (state: \(Self.statePath(directory))). The API listens inside the lab only, so
            run kubectl and lbctl in the switch namespace:

              export KUBECONFIG=\(state.kubeconfig)
              ip netns exec \(sw) kubectl get svc -A
              ip netns exec \(sw) \(deployment.binaries.lbctl) status --kubeconfig $KUBECONFIG
              ip netns exec \(sw) kubectl apply -f YOUR-SERVICE.yaml

            From the client (\(client.namespace), \(client.primary.ipv4)):
              ip netns exec \(client.namespace) curl http://\(l2)/
              ip netns exec \(client.namespace) arping -c 3 -i \(client.primary.name) \(l2)

            The bird2 router (\(deployment.router.namespace), \(deployment.router.primary.ipv4)):
              ip netns exec \(deployment.router.namespace) birdc -s \(state.birdSocket) show protocols
              ip netns exec \(deployment.router.namespace) birdc -s \(state.birdSocket) show route for \(bgp) all

            Nodes: \(deployment.lab.nodes.map { "\($0.name)=\($0.namespace)" }.joined(separator: " ")); logs: \(directory)/*.log
            Kill a speaker:  kill -9 \(deployment.speakers[deployment.nodeNames[0]]?.pid ?? 0)   (lb-speaker n1)
            Remove it all:   make lab-down   (lab-demo down)
            """)
    }

    private func bringUpIP(_ state: DemoState, _ service: String) -> String {
        state.serviceIPs["default/\(service)"] ?? "IP"
    }
}

/// `lab-demo down`: stops what `up` started and removes its namespaces (and any other
/// `irlab-*` namespace a crashed `up` left), then its directory.
struct LabDown {
    var directory: String

    func run() -> Int32 {
        guard getuid() == 0 else {
            Output.warn("lab-demo: down needs root (it deletes network namespaces): run it with sudo")
            return 1
        }
        let statePath = LabUp.statePath(directory)
        var state: DemoState?
        do {
            state = try DemoState.read(from: statePath)
        } catch {
            Output.warn("lab-demo: \(error); removing the namespaces \(LabUp.prefix)-* anyway")
        }
        let prefix = state?.prefix ?? LabUp.prefix
        if let state {
            for process in state.processes {
                let alive = kill(process.pid, 0) == 0
                Output.say("\(process.role.padding(toLength: 18, withPad: " ", startingAt: 0)) pid \(process.pid) in \(process.namespace)\(alive ? "" : " (already gone)")")
            }
        }
        do {
            // Killing by namespace rather than by pid: a recorded pid may have been reused.
            let removed = try Lab.removeLeftovers(prefix: "\(prefix)-")
            Output.say(removed.isEmpty ? "no namespace \(prefix)-* was up" : "removed namespaces: \(removed.joined(separator: " "))")
        } catch {
            Output.warn("lab-demo: \(error)")
            return 1
        }
        if state != nil || FileManager.default.fileExists(atPath: statePath) {
            do {
                try FileManager.default.removeItem(atPath: directory)
                Output.say("removed \(directory)")
            } catch {
                Output.warn("lab-demo: removing \(directory): \(error)")
                return 1
            }
        } else if FileManager.default.fileExists(atPath: directory) {
            Output.say("left \(directory) alone: it holds no state.json")
        }
        return 0
    }
}
