import Foundation
import LBLab
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Builds real labs (root only) and checks them with real peers: Thomas Habets' arping, ndisc6,
/// the kernel's neighbour table, tcpdump and kubectl. Serialized: each test builds a lab of its
/// own with a fresh prefix, but two at once would only compete for the two CPUs.
@Suite(.serialized, .enabled(if: LabPrerequisites.missing == nil, "needs root, iproute2, arping, ndisc6, tcpdump"),
       .timeLimit(.minutes(2)))
struct LabIntegrationTests {
    @Test func threeNodesAnswerARPAndNDPWithTheirOwnMACsAndTheCaptureSeesIt() throws {
        let lab = try Lab.create(nodes: 3)
        defer { lab.destroy() }
        #expect(try LabPrerequisites.namespaces(withPrefix: lab.prefix + "-").sorted() == lab.namespaces.sorted())
        let (n1, n2, n3) = (lab.nodes[0], lab.nodes[1], lab.nodes[2])
        // Bridge capture sees every port's frames (promiscuous bridge); client capture its own.
        let bridgeCapture = try lab.startCapture(in: lab.switchNamespace, interface: lab.networks[0].bridge, name: "bridge")
        let clientCapture = try lab.startCapture()

        let arping = try lab.arping(n1.primary.ipv4, count: 3, interval: 0.05)
        #expect(arping.received == 3, "\(arping.output)")
        #expect(arping.replyingMACs == [n1.primary.mac], "\(arping.output)")

        let ndisc = try lab.ndisc6(n2.primary.ipv6)
        #expect(ndisc.mac == n2.primary.mac, "\(ndisc.output)")

        // The kernel of the client learns n3's MAC when it talks to n3 (port 9 is closed: refused).
        try lab.touch(n3.primary.ipv4)
        let entry = try lab.neighbour(n3.primary.ipv4)
        #expect(entry?.mac == n3.primary.mac, "\(String(describing: entry))")

        // Both captures run until after the answers: tcpdump -U wrote each frame as it came.
        let onClient = try clientCapture.stop()
        let onBridge = try bridgeCapture.stop()
        for (place, frames) in [("client", onClient), ("bridge", onBridge)] {
            let arpReplies = frames.filter { $0.kind == .arpReply && $0.targetIP == n1.primary.ipv4 }
            #expect(arpReplies.count >= 3, "\(place): \(frames.map(\.line))")
            #expect(arpReplies.allSatisfy { $0.sourceMAC == n1.primary.mac && $0.claimedMAC == n1.primary.mac })
            let advertisements = frames.filter { $0.kind == .neighborAdvertisement && $0.targetIP == n2.primary.ipv6 }
            #expect(!advertisements.isEmpty, "\(place): \(frames.map(\.line))")
            #expect(advertisements.allSatisfy { $0.sourceMAC == n2.primary.mac })
            // Only the owner answered for the addresses probed (other answers, e.g. for a node's
            // own link-local address during neighbour unreachability detection, are not about them).
            let owners = [n1.primary.ipv4: n1.primary.mac, n2.primary.ipv6: n2.primary.mac]
            let foreign = frames.filter { frame in
                frame.isAnswer && owners[frame.targetIP ?? ""].map { $0 != frame.sourceMAC } == true
            }
            #expect(foreign.isEmpty, "\(place): \(foreign.map(\.line))")
        }
        let requests = onClient.filter { $0.kind == .arpRequest && $0.targetIP == n1.primary.ipv4 }
        #expect(requests.allSatisfy { $0.sourceMAC == lab.client.primary.mac && $0.destinationMAC == "ff:ff:ff:ff:ff:ff" })
        #expect(!requests.isEmpty)
    }

    @Test func linkDownOnANodeSilencesItUntilItComesBack() throws {
        let lab = try Lab.create(nodes: 2)
        defer { lab.destroy() }
        let (n1, n2) = (lab.nodes[0], lab.nodes[1])
        try lab.setLink(node: n1, up: false)
        let silent = try lab.arping(n1.primary.ipv4, count: 2, interval: 0.05)
        #expect(silent.replies.isEmpty && silent.received == 0, "\(silent.output)")
        #expect(try lab.ndisc6(n1.primary.ipv6, tries: 2, wait: 0.2).mac == nil)
        // The other node is unaffected.
        #expect(try lab.arping(n2.primary.ipv4, count: 1).replyingMACs == [n2.primary.mac])

        try lab.setLink(node: n1, up: true)
        // The veth's carrier returns asynchronously: poll (bounded) for the first answer.
        let back = try labPoll(timeout: 10) { try lab.arping(n1.primary.ipv4, count: 1, interval: 0.05).received == 1 }
        #expect(back)
        // IPv6 addresses survived the link going down (keep_addr_on_down).
        #expect(try lab.ndisc6(n1.primary.ipv6).mac == n1.primary.mac)
    }

    @Test func secondNetworkHasItsOwnBridgeAddressesAndMACs() throws {
        let lab = try Lab.create(nodes: 1, secondNetwork: true)
        defer { lab.destroy() }
        let node = lab.nodes[0]
        let secondary = try #require(node.secondary)
        let reply = try lab.arping(secondary.ipv4, network: 1, count: 1)
        #expect(reply.replyingMACs == [secondary.mac], "\(reply.output)")
        #expect(try lab.ndisc6(secondary.ipv6, network: 1).mac == secondary.mac)
        // Taking network 1's link down leaves network 0 answering.
        try lab.setLink(node: node, up: false, network: 1)
        #expect(try lab.arping(secondary.ipv4, network: 1, count: 1).received == 0)
        #expect(try lab.arping(node.primary.ipv4, count: 1).replyingMACs == [node.primary.mac])
    }

    @Test func processesRunInTheirNamespaceTakeSignalsAndDieWithTheLab() throws {
        let lab = try Lab.create(nodes: 1)
        let node = lab.nodes[0]
        var destroyed = false
        defer { if !destroyed { lab.destroy() } }

        let lister = try lab.spawn(in: node.namespace, executable: "ip", arguments: ["-o", "addr", "show"])
        #expect(lister.waitForExit(timeout: 10) == .exited(0))
        #expect(lister.log.contains(node.primary.ipv4), "runs inside the node's namespace: \(lister.log)")

        let sleeper = try lab.spawn(in: node.namespace, executable: "sleep", arguments: ["60"],
                                    environment: ["LBLAB_TEST": "1"])
        #expect(sleeper.isRunning && sleeper.pid > 0)
        sleeper.signal(SIGSTOP)
        let stopped = labPoll(timeout: 5) { Self.processState(sleeper.pid) == "T" }
        #expect(stopped, "state \(Self.processState(sleeper.pid) ?? "?")")
        sleeper.signal(SIGCONT)
        #expect(labPoll(timeout: 5) { Self.processState(sleeper.pid) == "S" })
        #expect(sleeper.waitForExit(timeout: 0.2) == nil, "still running")
        sleeper.signal(SIGTERM)
        #expect(sleeper.waitForExit(timeout: 10) == .signalled(SIGTERM))
        #expect(!sleeper.isRunning)

        // Short commands: status and output, a deadline, and errors naming the command.
        let echo = try lab.run(in: node.namespace, "sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(echo.status == 3 && echo.stdout == "out\n" && echo.stderr == "err\n")
        #expect(throws: LabError.timedOut(command: "ip netns exec \(node.namespace) \(LabCommand.which("sleep")!) 30", seconds: 0.3)) {
            try lab.run(in: node.namespace, "sleep", ["30"], timeout: 0.3)
        }
        do {
            try lab.run(in: node.namespace, "ip", ["link", "set", "nosuchdev", "up"]).check()
            Issue.record("a failing command must throw")
        } catch let error as LabError {
            #expect("\(error)".contains("nosuchdev") && "\(error)".contains("Cannot find device"), "\(error)")
        }

        // destroy() kills what the lab started and what merely runs in its namespaces.
        let tracked = try lab.spawn(in: node.namespace, executable: "sleep", arguments: ["60"])
        let stray = try lab.run(in: node.namespace, "sh", ["-c", "setsid sleep 60 >/dev/null 2>&1 < /dev/null & echo $!"])
        let strayPID = try #require(Int32(stray.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(Self.processState(strayPID) != nil)
        lab.destroy()
        destroyed = true
        #expect(!tracked.isRunning)
        #expect(tracked.exitStatus == .signalled(SIGKILL))
        #expect(labPoll(timeout: 5) { [nil, "Z"].contains(Self.processState(strayPID)) })
        #expect(try LabPrerequisites.namespaces(withPrefix: lab.prefix).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: lab.workDirectory))
        lab.destroy()  // idempotent
        #expect(throws: LabError.self) { try lab.spawn(in: node.namespace, executable: "true") }
    }

    @Test func aCreateThatFailsHalfwayLeavesNothingBehind() throws {
        let prefix = Lab.uniquePrefix()
        let seenDuringCreate = Mutex<[String]>([])
        var options = Lab.Options()
        // Fail at the first veth of the second node: namespaces, bridge and node 1's veth exist.
        options.beforeStep = { step, command in
            if command.contains("veth") && command.contains("\(prefix)n2e0") {
                seenDuringCreate.withLock { $0 = (try? LabPrerequisites.namespaces(withPrefix: prefix)) ?? [] }
                throw LabError.injected(step: step, command: command.joined(separator: " "))
            }
        }
        #expect(throws: LabError.self) { try Lab.create(prefix: prefix, nodes: 3, options: options) }
        #expect(seenDuringCreate.withLock { $0.count } == 5, "the failure hit a half-built lab: \(seenDuringCreate.withLock { $0 })")
        #expect(try LabPrerequisites.namespaces(withPrefix: prefix).isEmpty)

        // A real command failing halfway is cleaned up too, and the error names it and its stderr:
        // node 1's interface is deleted behind the lab's back, so adding its address fails.
        var broken = Lab.Options()
        broken.beforeStep = { _, command in
            if command.contains("addr") && command.contains("\(prefix)n1e0") {
                try LabCommand.must(["ip", "-n", "\(prefix)-n1", "link", "del", "\(prefix)n1e0"])
            }
        }
        do {
            _ = try Lab.create(prefix: prefix, nodes: 1, options: broken)
            Issue.record("create must fail")
        } catch let error as LabError {
            guard case let .commandFailed(command, _, stderr) = error else { throw error }
            #expect(command.contains("addr add") && command.contains("\(prefix)n1e0"), "\(error)")
            #expect(stderr.contains("Cannot find device"), "\(error)")
        }
        #expect(try LabPrerequisites.namespaces(withPrefix: prefix).isEmpty)
        // And the prefix is reusable right away (no "File exists" from an asynchronous deletion).
        let lab = try Lab.create(prefix: prefix, nodes: 1)
        lab.destroy()
        #expect(try LabPrerequisites.namespaces(withPrefix: prefix).isEmpty)
    }

    @Test func removeLeftoversFindsALabByPrefix() throws {
        let lab = try Lab.create(nodes: 2)
        defer { lab.destroy() }
        _ = try lab.spawn(in: lab.nodes[1].namespace, executable: "sleep", arguments: ["60"])
        let removed = try Lab.removeLeftovers(prefix: lab.prefix + "-")
        #expect(removed.sorted() == lab.namespaces.sorted())
        #expect(try LabPrerequisites.namespaces(withPrefix: lab.prefix).isEmpty)
        #expect(throws: LabError.self) { try Lab.removeLeftovers(prefix: "") }
        // Re-creating with the same prefix works at once.
        let again = try Lab.create(prefix: lab.prefix, nodes: 1)
        again.destroy()
    }

    @Test(.enabled(if: LabPrerequisites.missingForKubeAPI == nil, "needs kubectl and the built kube-test-server"))
    func kubectlInANodeNamespaceReachesTheAPIServerInTheSwitch() throws {
        let lab = try Lab.create(nodes: 2)
        defer { lab.destroy() }
        let kubectl = try #require(LabPrerequisites.kubectl)
        let server = try #require(LabPrerequisites.kubeTestServer)
        let api = try KubeAPIInLab.start(in: lab, binary: server)
        #expect(api.url.hasPrefix("http://\(lab.networks[0].switchIPv4):"))
        let get = try lab.run(in: lab.nodes[1].namespace, kubectl,
                              ["--kubeconfig", api.kubeconfigPath, "--request-timeout=10s", "get", "namespaces", "-o", "name"])
        try get.check()
        #expect(get.stdout.contains("namespace/default"), "\(get.stdout)")
        // The same through the environment, as a spawned speaker would get it.
        let viaEnv = try lab.run(in: lab.client.namespace, kubectl, ["--request-timeout=10s", "get", "namespaces", "-o", "name"],
                                 environment: api.environment)
        #expect(viaEnv.succeeded && viaEnv.stdout.contains("namespace/kube-system"), "\(viaEnv.stderr)")
        // Stopped, it is gone from the lab network.
        #expect(api.stop() == .exited(0), "\(api.process.log)")
        #expect(try lab.touch(lab.networks[0].switchIPv4, port: Int(URL(string: api.url)?.port ?? 0), from: lab.nodes[0]) == false)
    }

    @Test(.enabled(if: LabPrerequisites.missingForKubeAPI == nil, "needs kubectl and the built kube-test-server"))
    func theAPIServerServesTLSWithATokenToo() throws {
        let lab = try Lab.create(nodes: 1)
        defer { lab.destroy() }
        let kubectl = try #require(LabPrerequisites.kubectl)
        let api = try KubeAPIInLab.start(in: lab, binary: try #require(LabPrerequisites.kubeTestServer), tls: true)
        #expect(api.url.hasPrefix("https://"))
        let get = try lab.run(in: lab.nodes[0].namespace, kubectl,
                              ["--kubeconfig", api.kubeconfigPath, "--request-timeout=10s", "get", "namespaces", "-o", "name"])
        #expect(get.succeeded && get.stdout.contains("namespace/default"), "\(get.stderr)")
    }

    /// The state letter from /proc/PID/stat (R, S, T, Z, ...), nil when there is no such process.
    static func processState(_ pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").first.map(String.init)
    }
}
