import BenchSupport
import Foundation
import LBCore
import LBLab

#if canImport(Glibc)
import Glibc
#endif

struct LatencyResult {
    var speaker: [Double]
    var kernel: [Double]
    var speakerRequests: Int
    var kernelRequests: Int
}

struct GapResult {
    var gaps: [Double] = []
    /// Last old answer → the new owner's first gratuitous ARP, per trial where one was seen.
    var toGratuitous: [Double] = []
    var problems: [String] = []
}

extension SpeakerBench {
    // MARK: - ARP reply latency

    /// The client asks for the VIP (the speaker on its owner answers) and for another node's own
    /// address (that node's kernel answers), both at the same time, `arpCount` times each; one
    /// capture on the client gives every request and reply timestamp.
    func measureARPLatency() throws -> LatencyResult {
        let owner = try waitForStableOwner(what: "setup")
        let reference = (owner + 1) % lab.nodes.count
        let kernelIP = nodeIP(reference)
        say("ARP latency: \(options.arpCount) requests each for \(vip) (speaker on \(lab.nodes[owner].name)) and \(kernelIP) (kernel of \(lab.nodes[reference].name))")
        let capture = try lab.startCapture(filter: "arp", name: "latency")
        // Two arpings side by side: the machine's noise hits both references alike.
        let interval = "0.01"
        let probes = try [vip, kernelIP].map { ip in
            try lab.spawn(in: lab.client.namespace, executable: "arping",
                          arguments: ["-c", "\(options.arpCount)", "-W", interval, "-i", clientInterface, ip])
        }
        for probe in probes {
            if probe.waitForExit(timeout: Double(options.arpCount) * 0.05 + 30) == nil {
                probe.signal(SIGKILL)
                throw BenchError("arping did not finish: \(probe.command)")
            }
        }
        sleepSeconds(0.2)
        let frames = try capture.stop()
        let speaker = Wire.arpLatencies(frames, ip: vip, clientMAC: clientMAC)
        let kernel = Wire.arpLatencies(frames, ip: kernelIP, clientMAC: clientMAC)
        // Only the owner may answer for the VIP.
        let vipMACs = Set(Wire.answers(frames, ip: vip, clientMAC: clientMAC).compactMap(\.claimedMAC))
        if vipMACs.count != 1 { notes.append("ARP latency: \(vip) answered by \(vipMACs.sorted())") }
        return LatencyResult(speaker: speaker.latencies, kernel: kernel.latencies, speakerRequests: speaker.requests,
                             kernelRequests: kernel.requests)
    }

    // MARK: - Speaker failover

    /// `graceful` false: SIGKILL the owner's speaker and take its link down. True: SIGTERM it
    /// (it leaves the membership). Either way it is restarted and the membership made whole.
    func speakerTrials(graceful: Bool) throws -> GapResult {
        var result = GapResult()
        let label = graceful ? "SIGTERM" : "SIGKILL+link down"
        for trial in 1...options.trials {
            let owner = try waitForStableOwner(what: "the previous trial")
            let oldMAC = lab.nodes[owner].primary.mac
            let before = failoverCounters()
            let probe = try Probe(bench: self, ip: vip, name: "\(graceful ? "term" : "kill")-\(trial)")
            var frames: [CapturedFrame] = []
            var moved = false
            do {
                try waitForAnswers(probe, ip: vip, mac: oldMAC)
                sleepSeconds(0.1)
                guard let speaker = speakers[owner] else { throw BenchError("no speaker on the owner") }
                if graceful {
                    speaker.signal(SIGTERM)
                } else {
                    speaker.signal(SIGKILL)
                    try lab.setLink(node: lab.nodes[owner], up: false)
                }
                moved = try waitForNewOwner(probe, ip: vip, oldMAC: oldMAC, timeout: 10)
                sleepSeconds(0.3)  // answers after the hand-over: a flap would show here
                frames = try probe.stop()
            } catch {
                _ = try? probe.stop()
                throw error
            }
            if let gap = Wire.gap(frames, ip: vip, clientMAC: clientMAC, oldMAC: oldMAC), moved {
                result.gaps.append(gap.seconds)
                if let g = gap.toFirstGratuitous { result.toGratuitous.append(g) }
                var extra = ""
                if gap.oldAfterNew > 0 { result.problems.append("trial \(trial): old MAC answered \(gap.oldAfterNew)x after the new one"); extra += " OLD-AFTER-NEW" }
                if gap.macsAfter.count > 1 { result.problems.append("trial \(trial): answers from \(gap.macsAfter.sorted()) after the hand-over"); extra += " FLAP" }
                say("  \(label) trial \(trial): \(lab.nodes[owner].name) -> \(nodeIndex(ofMAC: gap.newMAC).map { lab.nodes[$0].name } ?? gap.newMAC): gap \(formatMS(gap.seconds)) (first gratuitous ARP at \(formatMS(gap.toFirstGratuitous)))\(extra)")
            } else {
                result.problems.append("trial \(trial): no hand-over seen in the capture")
                say("  \(label) trial \(trial): no hand-over seen")
            }
            // Restore: link up, speaker back, membership whole.
            if graceful {
                if speakers[owner]?.waitForExit(timeout: 10) == nil {
                    result.problems.append("trial \(trial): the speaker did not exit within 10 s of SIGTERM")
                    speakers[owner]?.signal(SIGKILL)
                    speakers[owner]?.waitForExit(timeout: 5)
                } else if let exit = speakers[owner]?.exitStatus, exit != .exited(0) {
                    result.problems.append("trial \(trial): the speaker \(exit) on SIGTERM")
                }
            } else {
                speakers[owner]?.waitForExit(timeout: 5)
                try lab.setLink(node: lab.nodes[owner], up: true)
            }
            try startSpeaker(owner)
            _ = try waitForStableOwner(what: "restarting \(lab.nodes[owner].name)")
            // A SIGKILL makes each survivor declare the killed peer dead once; a SIGTERM is a leave.
            let expected = lab.nodes.indices.map { $0 == owner || graceful ? 0 : 1 }
            accountDeaths(before: before, after: failoverCounters(), expected: expected, restarted: owner)
        }
        return result
    }

    // MARK: - RSS with many IPs

    /// VmHWM (kB) of each running speaker.
    func speakerHWM() -> [Int] {
        speakers.compactMap { $0.flatMap { memory(of: $0.pid)?.hwm } }
    }

    struct RSSResult {
        var baselineHWMKB: [Int] = []
        var hwmKB: [Int]
        var rssKB: [Int]
        var announceSeconds: Double
        var announced: Int
        var anonymousKB: [Int] = []
    }

    func measureRSS() throws -> RSSResult {
        let count = options.services
        let baseline = speakerHWM()
        say("RSS: creating \(count) LoadBalancer Services in pool many (\(bulkPool))")
        var list = "apiVersion: v1\nkind: List\nitems:\n"
        for n in 0..<count {
            list += """
                - apiVersion: v1
                  kind: Service
                  metadata:
                    name: bulk-\(n)
                    namespace: default
                    annotations: {metallb.universe.tf/address-pool: many}
                  spec:
                    type: LoadBalancer
                    allocateLoadBalancerNodePorts: false
                    selector: {app: bulk-\(n)}
                    ports: [{port: 80, protocol: TCP}]

                """
        }
        let start = now()
        try apply(list, name: "bulk-services")
        say("  created in \(String(format: "%.1f", now() - start)) s; waiting until every IP is announced by one node")
        guard let pool = IPPrefix(bulkPool) else { throw BenchError("bad pool prefix") }
        var announced = 0
        var last = ""
        let ok = try labPoll(timeout: 300) {
            let states = try speakerStates()
            var owners: [IPAddress: Int] = [:]
            for state in states.values {
                for address in state.ips where address.announced && pool.contains(address.ip) { owners[address.ip, default: 0] += 1 }
            }
            announced = owners.count
            let doubled = owners.values.filter { $0 > 1 }.count
            last = "\(announced) of \(count) announced, \(doubled) by more than one node"
            return announced == count && doubled == 0
        }
        let elapsed = now() - start
        if !ok { throw BenchError("not all IPs announced: \(last)") }
        sleepSeconds(2)
        // Spot check on the wire: the last IP answers.
        var memories: [(Int, Int)] = []
        for speaker in speakers {
            guard let speaker, let m = memory(of: speaker.pid) else { throw BenchError("cannot read a speaker's /proc status") }
            memories.append((m.hwm, m.rss))
        }
        let anonymous = speakers.compactMap { $0.flatMap { anonymousRSS(of: $0.pid) } }
        return RSSResult(baselineHWMKB: baseline, hwmKB: memories.map(\.0), rssKB: memories.map(\.1), announceSeconds: elapsed,
                         announced: announced, anonymousKB: anonymous)
    }

    func stopSpeakers() {
        for i in speakers.indices {
            speakers[i]?.stop(grace: 5)
            speakers[i] = nil
        }
        controller?.stop(grace: 5)
        controller = nil
    }

    // MARK: - keepalived

    /// keepalived on the three nodes with one VIP (priorities 150, 100, 50, preemption on): the
    /// master is stopped dead (SIGSTOP both processes, link down, SIGKILL the VRRP child, then
    /// the parent), the client measures the gap; then it is restarted and takes the VIP back.
    func keepalivedTrials(version: Int, advertInt: String, trials: Int) throws -> GapResult {
        var result = GapResult()
        guard trials > 0 else { return result }
        let label = "keepalived VRRPv\(version) advert_int \(advertInt)"
        say("\(label): \(trials) trials")
        var processes: [LabProcess?] = Array(repeating: nil, count: lab.nodes.count)
        func paths(_ i: Int) -> (conf: String, pid: String, vrrp: String) {
            let base = "\(lab.workDirectory)/keepalived-v\(version)-\(lab.nodes[i].name)"
            return ("\(base).conf", "\(base).pid", "\(base).vrrp.pid")
        }
        func start(_ i: Int) throws {
            let node = lab.nodes[i]
            let p = paths(i)
            let conf = """
                global_defs {
                    router_id bench-\(node.name)
                    vrrp_version \(version)
                    script_user root
                    enable_script_security
                }
                vrrp_instance BENCH {
                    state BACKUP
                    interface \(node.primary.name)
                    virtual_router_id 77
                    priority \(150 - 50 * i)
                    advert_int \(advertInt)
                    virtual_ipaddress {
                        \(vrrpVIP)/24 dev \(node.primary.name)
                    }
                }

                """
            try conf.write(toFile: p.conf, atomically: true, encoding: .utf8)
            try? FileManager.default.removeItem(atPath: p.pid)
            try? FileManager.default.removeItem(atPath: p.vrrp)
            processes[i] = try lab.spawn(in: node.namespace, executable: "keepalived",
                                         arguments: ["-P", "-n", "-l", "-f", p.conf, "-p", p.pid, "-r", p.vrrp])
        }
        func vrrpChild(_ i: Int) -> Int32? {
            guard let text = try? String(contentsOfFile: paths(i).vrrp, encoding: .utf8) else { return nil }
            return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        /// The highest-priority node (n1) once it answers alone and keeps doing so: a restarted
        /// master preempts only after it has heard the others, which with advert_int 1 takes seconds.
        func stableMaster(timeout: Double = 30) throws -> Int {
            var last = ""
            var master: Int?
            let ok = try labPoll(timeout: timeout) {
                let macs = try answeringMACs(vrrpVIP)
                guard macs == [lab.nodes[0].primary.mac], let i = nodeIndex(ofMAC: macs[0]) else { last = "answers from \(macs)"; return false }
                sleepSeconds(1)
                guard try answeringMACs(vrrpVIP) == macs else { last = "answers moved"; return false }
                master = i
                return true
            }
            guard ok, let master else { throw BenchError("\(label): no stable master: \(last)") }
            return master
        }
        defer {
            for process in processes { process?.stop(grace: 3) }
            for node in lab.nodes {
                _ = try? LabCommand.run(["ip", "-n", node.namespace, "addr", "del", "\(vrrpVIP)/24", "dev", node.primary.name])
            }
        }
        for i in lab.nodes.indices { try start(i) }
        for trial in 1...trials {
            let master = try stableMaster()
            // The VRRP child must be known before the master is stopped.
            guard labPoll(timeout: 5, { vrrpChild(master) != nil }), let child = vrrpChild(master),
                  let parent = processes[master] else { throw BenchError("\(label): no VRRP child pid on the master") }
            let oldMAC = lab.nodes[master].primary.mac
            let probe = try Probe(bench: self, ip: vrrpVIP, name: "vrrp\(version)-\(trial)")
            var frames: [CapturedFrame] = []
            var moved = false
            do {
                try waitForAnswers(probe, ip: vrrpVIP, mac: oldMAC)
                sleepSeconds(0.1)
                parent.signal(SIGSTOP)
                kill(child, SIGSTOP)
                try lab.setLink(node: lab.nodes[master], up: false)
                kill(child, SIGKILL)
                parent.signal(SIGKILL)
                moved = try waitForNewOwner(probe, ip: vrrpVIP, oldMAC: oldMAC, timeout: 15)
                sleepSeconds(0.3)
                frames = try probe.stop()
            } catch {
                _ = try? probe.stop()
                throw error
            }
            if let gap = Wire.gap(frames, ip: vrrpVIP, clientMAC: clientMAC, oldMAC: oldMAC), moved {
                result.gaps.append(gap.seconds)
                if let g = gap.toFirstGratuitous { result.toGratuitous.append(g) }
                if gap.macsAfter.count > 1 || gap.oldAfterNew > 0 {
                    result.problems.append("trial \(trial): answers from \(gap.macsAfter.sorted()) after the hand-over")
                }
                say("  \(label) trial \(trial): \(lab.nodes[master].name) -> \(nodeIndex(ofMAC: gap.newMAC).map { lab.nodes[$0].name } ?? gap.newMAC): gap \(formatMS(gap.seconds)) (first gratuitous ARP at \(formatMS(gap.toFirstGratuitous)))")
            } else {
                result.problems.append("trial \(trial): no hand-over seen")
                say("  \(label) trial \(trial): no hand-over seen")
            }
            // Restore: a killed keepalived leaves the VIP on its interface; remove it before the link comes back.
            parent.waitForExit(timeout: 5)
            _ = labPoll(timeout: 5) { kill(child, 0) != 0 }
            _ = try? LabCommand.run(["ip", "-n", lab.nodes[master].namespace, "addr", "del", "\(vrrpVIP)/24", "dev", lab.nodes[master].primary.name])
            try lab.setLink(node: lab.nodes[master], up: true)
            try start(master)
        }
        _ = try stableMaster()
        return result
    }
}
