import Foundation
import LBCore
import LBLab

#if canImport(Glibc)
import Glibc
#endif

/// `lab-demo run`: the whole demo in nine steps, then a summary; everything is removed at the
/// end whatever happened. Exit status 0 only when every step passed.
struct DemoRun {
    static let prefix = "irdemo"
    /// How long the bgp step waits for one route per node in bird2.
    static let bgpRouteBound: Double = 30
    /// ARP probe interval during the failover (arping's -W): the gap's resolution.
    static let probeInterval = 0.01

    var keepLogs: Bool
    var birdPassive: Bool

    func run() -> Int32 {
        Interrupts.install()
        var settings = DemoDeployment.Settings(prefix: Self.prefix)
        settings.keepWorkDirectory = keepLogs
        settings.birdPassive = birdPassive
        let bringUp = DemoBringUp(settings: settings)
        let steps = DemoSteps(total: 9)

        let (ironlb, service) = bringUp.runBringUpSteps(steps)
        let seen = steps.run(6, "What an operator sees: kubectl, lbctl, curl", requires: service) { try operatorView(bringUp) }
        steps.run(7, "BGP Service: its routes in bird2", requires: ironlb) { try bgpRoutes(bringUp) }
        steps.run(8, "Failover: kill -9 the announcing speaker", requires: seen) { try failover(bringUp) }
        steps.run(9, "Clean up", requires: true) { try cleanUp(bringUp, settings: settings) }
        steps.printSummary()
        return steps.allSucceeded ? 0 : 1
    }

    // MARK: Step 6

    private func operatorView(_ bringUp: DemoBringUp) throws -> String? {
        let deployment = try bringUp.requireDeployment()
        guard let ip = bringUp.layer2IP, let owner = bringUp.layer2Owner else { throw DemoFailure("no layer-2 Service") }
        Output.show("kubectl get svc -A", try deployment.kubectl(["get", "svc", "-A"]))
        let status = try deployment.lbctl(["status"])
        Output.show("lbctl status", status)
        try status.check()
        let served = try httpRequest(deployment, ip, bound: 15)
        guard served == owner.name else {
            throw DemoFailure("the request was served by \(served), but \(owner.name) answers ARP for \(ip)")
        }
        Output.say("served by \(served), the node announcing \(ip)")
        return "curl \(ip) served by \(served)"
    }

    /// `curl http://IP/` from the client until it answers (bounded); returns the serving node.
    private func httpRequest(_ deployment: DemoDeployment, _ ip: String, bound: Double) throws -> String {
        var last: CommandResult?
        let answered = try labPoll(timeout: bound) {
            let result = try deployment.curl(ip)
            last = result
            return result.succeeded
        }
        guard answered, let result = last else {
            throw DemoFailure("no HTTP answer from \(ip) within \(bound) s: \(last.map { $0.stderr + $0.stdout } ?? "")")
        }
        Output.show("ip netns exec \(deployment.lab.client.namespace) curl -sS http://\(ip)/", result)
        let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("served by ") else { throw DemoFailure("unexpected answer from \(ip): \(text)") }
        return String(text.dropFirst("served by ".count))
    }

    // MARK: Step 7

    private func bgpRoutes(_ bringUp: DemoBringUp) throws -> String? {
        let deployment = try bringUp.requireDeployment()
        let ip = try deployment.createService(DemoBringUp.bgpService, pool: DemoManifests.bgpPoolName)
        Output.show("kubectl get svc \(DemoBringUp.bgpService)", try deployment.kubectl(["get", "svc", DemoBringUp.bgpService]))
        Output.say("waiting up to \(Int(Self.bgpRouteBound)) s for bird2 to hold a route to \(ip) from each node")
        var routes: [BirdRoute] = []
        let expected = Set(deployment.nodeNames)
        let complete = try labPoll(timeout: Self.bgpRouteBound) {
            routes = try deployment.birdRoutes(for: ip).routes
            return Set(routes.map(\.protocolName)) == expected
        }
        Output.show("birdc -s \(deployment.birdSocket) show protocols", try deployment.birdc(["show", "protocols"]))
        Output.show("birdc -s \(deployment.birdSocket) show route for \(ip) all", try deployment.birdc(["show", "route", "for", ip, "all"]))
        if !complete {
            let states = (try? deployment.speakerStates()) ?? [:]
            Output.say("the speakers publish these BGP sessions:")
            Output.block(deployment.describeBGPSessions(states))
            let have = routes.map { "\($0.protocolName) via \($0.nextHop ?? "?")" }
            throw DemoFailure("bird2 holds \(routes.count) path(s) for \(ip) after \(Int(Self.bgpRouteBound)) s (\(have.isEmpty ? "none" : have.joined(separator: ", "))), expected one from each of \(expected.sorted().joined(separator: ", ")): \(bgpDiagnosis(deployment, states))")
        }
        let best = routes.first { $0.best }
        Output.say("bird2 has \(routes.count) paths for \(ip): \(routes.map { "\($0.protocolName) via \($0.nextHop ?? "?")" }.joined(separator: ", "))")
        return "\(routes.count) paths for \(ip)" + (best.map { ", best via \($0.nextHop ?? "?")" } ?? "")
    }

    /// The likeliest reason routes are missing, from what the speakers publish and bird reports.
    private func bgpDiagnosis(_ deployment: DemoDeployment, _ states: [String: SpeakerState]) -> String {
        let sessions = states.values.flatMap { $0.bgpPeers ?? [] }
        let birdUp = ((try? deployment.birdProtocols()) ?? []).filter { $0.kind == "BGP" && $0.isEstablished }.map(\.name)
        if sessions.isEmpty && birdUp.isEmpty {
            return "no speaker publishes a BGP session and bird has none up (this lb-speaker build does not speak BGP yet?)"
        }
        if birdUp.isEmpty { return "the speakers publish sessions but none reached Established in bird (see the states above)" }
        return "sessions up in bird for \(birdUp.sorted().joined(separator: ", ")), but not every node advertised the IP"
    }

    // MARK: Step 8

    private func failover(_ bringUp: DemoBringUp) throws -> String? {
        let deployment = try bringUp.requireDeployment()
        let lab = deployment.lab
        guard let ip = bringUp.layer2IP, let owner = bringUp.layer2Owner else { throw DemoFailure("no layer-2 Service") }
        guard let speaker = deployment.speakers[owner.name] else { throw DemoFailure("no speaker on \(owner.name)") }
        let client = lab.client.primary
        let capture = try lab.startCapture(filter: "arp", name: "failover")
        let probe = try lab.spawn(in: lab.client.namespace, executable: "arping",
                                  arguments: ["-W", "\(Self.probeInterval)", "-c", "100000", "-i", client.name, ip])
        defer {
            probe.stop(grace: 2)
            _ = try? capture.stop()
        }
        Output.say("client: arping \(ip) every \(Int(Self.probeInterval * 1000)) ms, capturing ARP on \(client.name)")
        // Replies to the probe from `mac`, or (nil) from any MAC but the old owner's.
        func replies(from mac: String?) throws -> Int {
            try capture.frames().filter { frame in
                guard frame.kind == .arpReply, frame.targetIP == ip, frame.destinationMAC == client.mac else { return false }
                if let mac { return frame.sourceMAC == mac }
                return frame.sourceMAC != owner.primary.mac
            }.count
        }
        guard try labPoll(timeout: 20, { try replies(from: owner.primary.mac) >= 10 }) else {
            throw DemoFailure("the probe saw no answers from \(owner.name) (\(owner.primary.mac)) before the failure")
        }
        Output.say("kill -9 lb-speaker on \(owner.name) (pid \(speaker.pid)) and set \(owner.primary.name) down")
        speaker.signal(SIGKILL)
        try lab.setLink(node: owner, up: false)
        let moved = try labPoll(timeout: deployment.settings.settle) { try replies(from: nil) >= 10 }
        probe.stop(grace: 2)
        let frames = try capture.stop()
        guard moved else {
            throw DemoFailure("no other node answered ARP for \(ip) within \(deployment.settings.settle) s\n\(deployment.logTails())")
        }
        let gap = try DemoFailoverGap.measure(frames: frames, ip: ip, clientMAC: client.mac, oldMAC: owner.primary.mac)
        guard let newOwner = deployment.node(withMAC: gap.newMAC) else {
            throw DemoFailure("\(gap.newMAC) answered for \(ip): not a node's MAC")
        }
        let milliseconds = Int((gap.gap * 1000).rounded())
        Output.say("\(ip) moved from \(owner.name) (\(gap.oldMAC)) to \(newOwner.name) (\(gap.newMAC))")
        Output.say(String(format: "gap: %d ms between the last reply from %@ and the first from %@ (%d probes unanswered; capture timestamps)",
                          milliseconds, owner.name, newOwner.name, gap.unansweredProbes))
        if let deadAfter = Self.speakerDefault("--member-dead-after", binary: deployment.binaries.speaker) {
            Output.say("(the speakers declare a silent peer dead after --member-dead-after, \(deadAfter) by default; the new owner then sends gratuitous ARP and answers)")
        }
        if gap.lateOldReplies > 0 { throw DemoFailure("\(owner.name) kept answering after it was killed (\(gap.lateOldReplies) replies)") }
        if let entry = try lab.neighbour(ip) {
            Output.say("client's neighbour entry for \(ip): \(entry.mac ?? "none") \(entry.states.joined(separator: ","))")
        }
        let served = try httpRequest(deployment, ip, bound: 15)
        guard served != owner.name else { throw DemoFailure("the request was still served by the dead node \(owner.name)") }
        Output.say("served by \(served) after the failover")
        return "\(owner.name) -> \(newOwner.name), gap \(milliseconds) ms, next request served by \(served)"
    }

    /// The default lb-speaker's `--help` gives for `option` ("240ms"), or nil when it shows none.
    static func speakerDefault(_ option: String, binary: String) -> String? {
        guard let help = try? LabCommand.run([binary, "--help"], timeout: 20).stdout,
              let start = help.range(of: "  \(option) ") else { return nil }
        let rest = help[start.upperBound...]
        let nextOption = rest.range(of: "\n  --")?.lowerBound ?? rest.endIndex
        guard let open = rest[..<nextOption].range(of: "(default: "),
              let close = rest[open.upperBound..<nextOption].firstIndex(of: ")") else { return nil }
        return String(rest[open.upperBound..<close])
    }

    // MARK: Step 9

    private func cleanUp(_ bringUp: DemoBringUp, settings: DemoDeployment.Settings) throws -> String? {
        let deployment = bringUp.deployment
        if let deployment {
            if keepLogs { Output.say("logs and configs kept in \(deployment.lab.workDirectory)") }
            deployment.teardown()
        }
        Interrupts.guardLab(nil)
        let left = try LabCommand.must(["ip", "netns", "list"], timeout: 10).stdout
            .split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { $0.hasPrefix("\(settings.prefix)-") }
        guard left.isEmpty else { throw DemoFailure("namespaces left behind: \(left.joined(separator: " "))") }
        if let deployment, !keepLogs, FileManager.default.fileExists(atPath: deployment.lab.workDirectory) {
            throw DemoFailure("work directory left behind: \(deployment.lab.workDirectory)")
        }
        Output.say("no namespace \(settings.prefix)-* left; processes stopped\(keepLogs ? "" : "; work directory removed")")
        return deployment == nil ? "nothing to remove" : "removed"
    }
}
