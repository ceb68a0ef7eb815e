import Foundation
import LBCore
import LBLab
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// lb-speaker in layer-2 mode, end to end: real `lb-speaker`, `lb-controller` and
/// `kube-test-server` processes in a lab of network namespaces (issue 4, item 5), checked with
/// real peers (Thomas Habets' arping, ndisc6, the client kernel's neighbour table, tcpdump,
/// scapy, kubectl, curl).
///
/// Serialized: every test builds its own lab (unique prefix) and destroys it on every path; two
/// labs at once would only compete for the two CPUs. No test asserts a duration except the
/// SIGTERM hand-over bound, which is a correctness bound (see that test).
@Suite(.serialized,
       .enabled(if: SpeakerLabPrerequisites.shouldRun,
                "needs root, iproute2, arping, ndisc6, tcpdump, curl, kubectl, /usr/bin/python3 with scapy and the built lb-speaker, lb-controller, kube-test-server (IRONLB_REQUIRE_LAB=1 makes their absence fail)"))
struct SpeakerLabTests {
    static let vip4 = "172.30.0.200"
    static let vip6 = "fd00:1b::200"

    /// Only the elected node answers ARP and NDP for the Service's IPs, and nothing else on the
    /// segment claims them (a capture on the bridge sees every port).
    @Test(.timeLimit(.minutes(3)))
    func onlyTheElectedNodeAnswersARPAndNDP() throws {
        let lab = try SpeakerLabFixture.start()
        defer { lab.destroy() }
        try lab.createService("web", ips: [Self.vip4, Self.vip6])
        let owner4 = try lab.waitForOwner(of: Self.vip4)
        let owner6 = try lab.waitForOwner(of: Self.vip6)
        let mac4 = try lab.mac(of: owner4)
        let mac6 = try lab.mac(of: owner6)
        // The first answers may still be in flight when the Lease says so: wait for one, then capture.
        try lab.waitForARPAnswers(Self.vip4, from: mac4)

        let capture = try lab.lab.startCapture(in: lab.lab.switchNamespace, interface: lab.lab.networks[0].bridge,
                                               name: "bridge")
        let arping = try lab.lab.arping(Self.vip4, count: 5, interval: 0.05)
        let ndisc = try lab.lab.ndisc6(Self.vip6)
        let ndiscAgain = try lab.lab.ndisc6(Self.vip6)
        let frames = try capture.stop()

        #expect(arping.received == 5, "\(arping.output)")
        #expect(arping.replyingMACs == [mac4], "owner \(owner4): \(arping.output)")
        #expect(ndisc.mac == mac6, "owner \(owner6): \(ndisc.output)")
        #expect(ndiscAgain.mac == mac6, "owner \(owner6): \(ndiscAgain.output)")

        let arpAnswers = frames.filter { $0.kind == .arpReply && $0.targetIP == Self.vip4 }
        let ndpAnswers = frames.filter { $0.kind == .neighborAdvertisement && $0.targetIP == Self.vip6 }
        #expect(arpAnswers.count >= 5, "\(frames.map(\.line))")
        #expect(!ndpAnswers.isEmpty, "\(frames.map(\.line))")
        let foreign = arpAnswers.filter { $0.sourceMAC != mac4 || $0.claimedMAC != mac4 }
            + ndpAnswers.filter { $0.sourceMAC != mac6 }
        #expect(foreign.isEmpty, "answers from other MACs: \(foreign.map(\.line))")
        // The published state agrees with the wire: the owner announces on its lab interface.
        let states = try lab.states()
        let entry = states[owner4]?.ips.first { $0.ip == IPAddress(Self.vip4) }
        let ownerInterface = try lab.host(owner4).primary.name
        #expect(entry?.announced == true && entry?.interfaces == [ownerInterface],
                "\(lab.describe(Self.vip4, states))")
    }

    /// SIGKILL of the owner's speaker and its link down at once: after the failure detector's
    /// deadline another node takes over and its gratuitous ARP moves the client kernel's
    /// neighbour entry to the new MAC without the client sending anything; arping answers resume
    /// from the new MAC only.
    @Test(.timeLimit(.minutes(3)))
    func killedOwnerIsReplacedAndGratuitousARPMovesTheClientsNeighbourEntry() throws {
        let lab = try SpeakerLabFixture.start()
        defer { lab.destroy() }
        try lab.createService("web", ips: [Self.vip4])
        let owner = try lab.waitForOwner(of: Self.vip4)
        let oldMAC = try lab.mac(of: owner)
        try lab.waitForARPAnswers(Self.vip4, from: oldMAC)

        // Prime the client kernel's neighbour table (the TCP connection itself is refused or
        // times out: nothing listens on the VIP; only the resolution matters).
        try lab.lab.touch(Self.vip4, timeout: 1)
        let primed = try lab.lab.neighbour(Self.vip4)
        #expect(primed?.mac == oldMAC, "\(String(describing: primed))")

        let capture = try lab.lab.startCapture(filter: "arp")
        try #require(lab.speakers[owner] != nil)
        lab.speakers[owner]?.signal(SIGKILL)
        try lab.lab.setLink(node: try lab.host(owner), up: false)
        let survivors = lab.nodeNames.filter { $0 != owner }
        let newOwner = try lab.waitForOwner(of: Self.vip4, among: survivors)
        let newMAC = try lab.mac(of: newOwner)
        #expect(newOwner != owner)

        // The client does nothing: only the new owner's gratuitous ARP can change its entry.
        var entry: NeighbourEntry?
        let moved = try labPoll(timeout: SpeakerLabFixture.settle) {
            entry = try lab.lab.neighbour(Self.vip4)
            return entry?.mac == newMAC
        }
        let framesBeforeProbing = try capture.frames()
        #expect(moved, "client neighbour entry \(String(describing: entry)), expected \(newMAC) (\(newOwner)); frames: \(framesBeforeProbing.map(\.line))")
        // What moved it was a gratuitous ARP from the new owner (sender IP = target IP = VIP).
        let gratuitous = framesBeforeProbing.filter {
            $0.sourceMAC == newMAC && ($0.kind == .arpRequest ? $0.senderIP == Self.vip4 : $0.kind == .arpReply)
                && $0.targetIP == Self.vip4
        }
        #expect(!gratuitous.isEmpty, "\(framesBeforeProbing.map(\.line))")
        // ... and the client sent no ARP request for the VIP (it did not resolve it again itself).
        let clientRequests = framesBeforeProbing.filter {
            $0.kind == .arpRequest && $0.sourceMAC == lab.lab.client.primary.mac && $0.targetIP == Self.vip4
        }
        #expect(clientRequests.isEmpty, "\(clientRequests.map(\.line))")

        let after = try lab.waitForARPAnswers(Self.vip4, from: newMAC)
        #expect(after.replyingMACs == [newMAC], "\(after.output)")
        let frames = try capture.stop()
        let stale = frames.filter { $0.isAnswer && $0.sourceMAC == oldMAC }
        #expect(stale.isEmpty, "the dead node answered: \(stale.map(\.line))")
    }

    /// SIGTERM of the owner: the speaker leaves the membership before it stops, so the new owner
    /// answers at once instead of after the failure detector's dead-after.
    ///
    /// The probe sends an ARP request every 20 ms; the largest gap between answers (from the
    /// capture's timestamps) must stay under 100 ms. This is a correctness bound, not a
    /// benchmark: it separates "hand-over through the leave message" from "hand-over after the
    /// failure detector". Measured in this lab: 22-25 ms with the leave, also at load 5 on the
    /// two shared cores; with the leave removed from the shutdown the gap was 342 ms with the
    /// 100 ms / 350 ms timers (peers wait dead-after from the last heartbeat), so the 500 ms
    /// first suggested would have let that regression pass. 100 ms is five probe intervals and
    /// half of the shortest dead-after in use (200 ms, the tuned default). The figure itself
    /// belongs to the benchmark (Benchmarks/speaker-bench), not here.
    @Test(.timeLimit(.minutes(3)))
    func terminatedOwnerHandsOverWithoutAGap() throws {
        let lab = try SpeakerLabFixture.start()
        defer { lab.destroy() }
        try lab.createService("web", ips: [Self.vip4])
        let owner = try lab.waitForOwner(of: Self.vip4)
        let oldMAC = try lab.mac(of: owner)
        try lab.waitForARPAnswers(Self.vip4, from: oldMAC)
        let probeInterval = 0.02
        let maximumGap = 0.1

        let capture = try lab.lab.startCapture(filter: "arp")
        let probe = try lab.lab.spawn(
            in: lab.lab.client.namespace, executable: "arping",
            arguments: ["-W", "\(probeInterval)", "-c", "3000", "-i", lab.lab.client.primary.name, Self.vip4])
        // Let the probe see the old owner answer for a while before the hand-over.
        let sawOld = try labPoll(timeout: 20) {
            try capture.frames().filter { $0.kind == .arpReply && $0.sourceMAC == oldMAC && $0.targetIP == Self.vip4 }.count >= 10
        }
        #expect(sawOld, "the probe saw no answers from the owner \(owner)")
        let speaker = try #require(lab.speakers[owner])
        speaker.signal(SIGTERM)
        #expect(speaker.waitForExit(timeout: 20) == .exited(0), "\(speaker.log.suffix(2000))")
        let survivors = lab.nodeNames.filter { $0 != owner }
        let newOwner = try lab.waitForOwner(of: Self.vip4, among: survivors)
        let newMAC = try lab.mac(of: newOwner)
        let sawNew = try labPoll(timeout: 20) {
            try capture.frames().filter { $0.kind == .arpReply && $0.sourceMAC == newMAC && $0.targetIP == Self.vip4 }.count >= 10
        }
        probe.stop(grace: 2)
        let frames = try capture.stop()
        #expect(sawNew, "no answers from the new owner \(newOwner)")

        // Answers to the probe (gratuitous replies are excluded: they are not answers to it).
        let replies = frames.filter {
            $0.kind == .arpReply && $0.targetIP == Self.vip4 && $0.destinationMAC == lab.lab.client.primary.mac
        }
        let lastOldBeforeNew = replies.last { $0.sourceMAC == oldMAC && $0.timestamp <= (replies.first { $0.sourceMAC == newMAC }?.timestamp ?? .infinity) }
        let lastOld = try #require(lastOldBeforeNew, "\(frames.map(\.line))")
        let firstNew = try #require(replies.first { $0.sourceMAC == newMAC }, "\(frames.map(\.line))")
        // The old owner leaves the membership before it stops answering (so the new owner starts
        // at once): one probe may be answered by both during that instant, never more.
        let overlap = replies.filter { $0.sourceMAC == oldMAC && $0.timestamp > firstNew.timestamp }
        #expect(overlap.count <= 2, "the old owner kept answering after the new one: \(overlap.map(\.line))")
        #expect(replies.allSatisfy { $0.sourceMAC == oldMAC || $0.sourceMAC == newMAC }, "\(replies.map(\.line))")
        // The probe kept running across the hand-over (else a gap would go unseen).
        let requests = frames.filter { $0.kind == .arpRequest && $0.sourceMAC == lab.lab.client.primary.mac }
        #expect(requests.contains { $0.timestamp > lastOld.timestamp && $0.timestamp < firstNew.timestamp }
            || firstNew.timestamp - lastOld.timestamp <= probeInterval * 2, "\(requests.count) probes")
        var largestGap = 0.0
        for (a, b) in zip(replies, replies.dropFirst()) { largestGap = max(largestGap, b.timestamp - a.timestamp) }
        #expect(largestGap < maximumGap,
                "largest gap between answers \(largestGap) s (probe every \(probeInterval) s; hand-over gap \(firstNew.timestamp - lastOld.timestamp) s)")
    }

    /// `externalTrafficPolicy: Local`: only a node with a ready endpoint of the Service may
    /// announce; moving the endpoint moves the announcement.
    @Test(.timeLimit(.minutes(3)))
    func localTrafficPolicyFollowsTheReadyEndpoint() throws {
        let lab = try SpeakerLabFixture.start()
        defer { lab.destroy() }
        try lab.createService("local", ips: [Self.vip4, Self.vip6], local: true)
        // No endpoint yet: nobody may announce.
        try lab.waitForNoOwner(of: Self.vip4)
        try lab.waitForARPSilence(Self.vip4)
        let states = try lab.states()
        for name in lab.nodeNames {
            let entry = states[name]?.ips.first { $0.ip == IPAddress(Self.vip4) }
            #expect(entry?.reasons.map(\.code).contains("noReadyLocalEndpoint") == true, "\(lab.describe(Self.vip4, states))")
        }

        // Two moves, so at least one lands on a node the hash would not pick for this IP.
        for node in ["n1", "n2", "n3"] {
            try lab.setEndpoint(of: "local", on: node)
            // Waits for the move (the previous owner is still agreed on for a moment).
            _ = try lab.waitForOwner(of: Self.vip4, where: { $0 == node })
            _ = try lab.waitForOwner(of: Self.vip6, where: { $0 == node })
            let mac = try lab.mac(of: node)
            try lab.waitForARPAnswers(Self.vip4, from: mac)
            let arping = try lab.lab.arping(Self.vip4, count: 4, interval: 0.05)
            #expect(arping.received == 4 && arping.replyingMACs == [mac], "endpoint on \(node): \(arping.output)")
            let ndisc = try lab.lab.ndisc6(Self.vip6)
            #expect(ndisc.mac == mac, "endpoint on \(node): \(ndisc.output)")
        }
        // Not ready: nobody again.
        try lab.setEndpoint(of: "local", on: "n3", ready: false)
        try lab.waitForNoOwner(of: Self.vip4)
        try lab.waitForARPSilence(Self.vip4)
    }

    /// Deleting the Service: every speaker stops answering for its IPs.
    @Test(.timeLimit(.minutes(3)))
    func deletedServiceIsAnsweredByNobody() throws {
        let lab = try SpeakerLabFixture.start()
        defer { lab.destroy() }
        try lab.createService("web", ips: [Self.vip4, Self.vip6])
        let owner = try lab.waitForOwner(of: Self.vip4)
        try lab.waitForARPAnswers(Self.vip4, from: try lab.mac(of: owner))
        let owner6 = try lab.waitForOwner(of: Self.vip6)
        let mac6 = try lab.mac(of: owner6)
        #expect(try lab.lab.ndisc6(Self.vip6).mac == mac6)

        try lab.deleteService("web")
        try lab.waitForARPSilence(Self.vip4)
        let capture = try lab.lab.startCapture(in: lab.lab.switchNamespace, interface: lab.lab.networks[0].bridge)
        let arping = try lab.lab.arping(Self.vip4, count: 5, interval: 0.05)
        let ndisc = try lab.lab.ndisc6(Self.vip6, tries: 2, wait: 0.3)
        let frames = try capture.stop()
        #expect(arping.received == 0, "\(arping.output)")
        #expect(ndisc.mac == nil, "\(ndisc.output)")
        let answers = frames.filter { $0.isAnswer && ($0.targetIP == Self.vip4 || $0.targetIP == Self.vip6) }
        #expect(answers.isEmpty, "\(answers.map(\.line))")
        // And the published state no longer lists the IPs as announced anywhere.
        let gone = try labPoll(timeout: SpeakerLabFixture.settle) {
            try lab.states().values.allSatisfy { state in
                !state.ips.contains { $0.announced && ($0.ip == IPAddress(Self.vip4) || $0.ip == IPAddress(Self.vip6)) }
            }
        }
        #expect(gone, "\(lab.describe(Self.vip4, (try? lab.states()) ?? [:]))")
    }

    /// A fixture that fails to start (the speaker binary is missing) removes its lab.
    @Test(.timeLimit(.minutes(3)))
    func aFixtureThatFailsToStartRemovesItsLab() throws {
        try SpeakerLabPrerequisites.check()
        var binaries = try SpeakerLabBinaries.locate()
        binaries.speaker = "/nonexistent/ironlb/lb-speaker"
        var options = SpeakerLabFixture.Options()
        options.binaries = binaries
        options.keepWorkDirectory = false
        var created: Lab?
        options.onLabCreated = { created = $0 }
        #expect(throws: (any Error).self) { try SpeakerLabFixture.start(options) }
        let lab = try #require(created, "the failure must come after the lab was built")
        let leftovers = try LabCommand.must(["ip", "netns", "list"]).stdout.split(separator: "\n")
            .filter { $0.hasPrefix(lab.prefix + "-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        #expect(!FileManager.default.fileExists(atPath: lab.workDirectory))
        // The processes started before the failure (the API server, the controller) are gone.
        let stray = try LabCommand.run(["pgrep", "-f", lab.workDirectory], timeout: 10)
        #expect(stray.stdout.isEmpty, "still running: \(stray.stdout)")
    }
}
