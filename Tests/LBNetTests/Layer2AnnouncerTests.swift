import Foundation
import LBCore
import LBWire
import NIOCore
import Testing

@testable import LBNet

#if canImport(Glibc)
import Glibc
#endif

@Suite struct Layer2EngineEtherTypeTests {
    @Test func etherTypeReadsPlainAndTaggedFramesAndRejectsShortOnes() {
        var plain = ByteBuffer(bytes: [UInt8](repeating: 0, count: 12))
        plain.writeInteger(UInt16(0x0806))
        #expect(Layer2Engine.etherType(of: plain) == 0x0806)
        var tagged = ByteBuffer(bytes: [UInt8](repeating: 0, count: 12))
        tagged.writeInteger(UInt16(0x8100))
        tagged.writeInteger(UInt16(42))
        tagged.writeInteger(UInt16(0x86DD))
        #expect(Layer2Engine.etherType(of: tagged) == 0x86DD)
        #expect(Layer2Engine.etherType(of: ByteBuffer(bytes: [1, 2, 3])) == nil)
        var shortTag = ByteBuffer(bytes: [UInt8](repeating: 0, count: 12))
        shortTag.writeInteger(UInt16(0x8100))
        #expect(Layer2Engine.etherType(of: shortTag) == nil)
    }
}

/// `Layer2Announcer` in-process, opened inside a lab namespace through `NetworkNamespace.run`,
/// against `arping` and `ndisc6` in the client namespace. Root only; skipped otherwise.
@Suite struct Layer2AnnouncerTests {
    static let vip4 = IPAddress(ipv4: 0xC000_0264)  // 192.0.2.100
    static let vip6 = IPAddress("2001:db8:42::100") ?? .ipv6Unspecified

    @Test(
        "ownership changes take effect at once; malformed frames are counted and dropped",
        .enabled(if: NetnsLab.missingPrerequisite == nil, "requires root, ip, arping, ndisc6 and a built l2-responder"),
        .timeLimit(.minutes(1)))
    func ownershipAndMalformedFrames() throws {
        let lab = NetnsLab()
        defer { lab.destroy() }
        try lab.build()
        let (node, nodeIF, client, clientIF) = (lab.node, lab.nodeIF, lab.client, lab.clientIF)

        // Interface discovery inside the node namespace: addresses with prefix lengths, flags, MAC,
        // bridge-port detection, and the announce-interface choice for both VIPs.
        let bridge = "\(lab.prefix)b"
        let port = "\(lab.prefix)d"
        try lab.must(["ip", "-n", node, "link", "add", bridge, "type", "bridge"])
        try lab.must(["ip", "-n", node, "link", "add", port, "type", "veth", "peer", "name", "\(lab.prefix)e"])  // no dummy module here
        try lab.must(["ip", "-n", node, "link", "set", port, "master", bridge])
        try lab.must(["ip", "-n", node, "addr", "add", "198.51.100.2/24", "dev", port])
        try lab.must(["ip", "-n", node, "link", "set", port, "up"])
        let interfaces = try NetworkNamespace.run(in: node) { try Interfaces.list() }
        let nodeInfo = try #require(interfaces.first { $0.name == nodeIF }, "\(interfaces)")
        #expect(nodeInfo.mac?.description.lowercased() == NetnsLab.nodeMAC)
        #expect(nodeInfo.flags.contains(.up) && !nodeInfo.flags.contains(.loopback))
        #expect(nodeInfo.addresses.contains(.init(address: IPAddress(ipv4: 0xC000_0202), prefixLength: 24)))
        #expect(nodeInfo.addresses.contains { $0.description == "2001:db8:42::2/64" })
        // isBridgePort is not checked here: this thread still sees the process's /sys (see
        // Interfaces); `ip netns exec` remounts /sys, so the built tool is asked instead.
        #expect(interfaces.first { $0.name == "lo" }?.flags.contains(.loopback) == true)
        #expect(AnnounceInterfaces.select(for: Self.vip4, among: interfaces).chosen == [nodeIF])
        #expect(AnnounceInterfaces.select(for: Self.vip6, among: interfaces).chosen == [nodeIF])
        let listed = try NetnsLab.run([
            "ip", "netns", "exec", node, NetnsLab.responderPath, "--list-interfaces", "--ip", "198.51.100.100",
        ])
        #expect(listed.status == 0, "\(listed.output)")
        #expect(listed.output.contains("\(port) ") && listed.output.contains("[bridge-port]"), "\(listed.output)")
        #expect(listed.output.contains("198.51.100.100: chosen=[] skipped=["), "\(listed.output)")
        #expect(listed.output.contains("\(port):bridgePort"), "\(listed.output)")

        let announcer = try NetworkNamespace.run(in: node) { try Layer2Announcer(interface: nodeIF) }
        defer { announcer.stop() }
        #expect(announcer.mac.description.lowercased() == NetnsLab.nodeMAC)
        announcer.start()
        announcer.setOwned([Self.vip4, Self.vip6])

        func arping(_ count: Int) throws -> NetnsLab.CommandResult {
            try NetnsLab.run(["ip", "netns", "exec", client, "arping", "-c", "\(count)", "-W", "0.1", "-I", clientIF, "\(Self.vip4)"])
        }
        let answered = try arping(2)
        #expect(answered.status == 0 && answered.output.lowercased().contains(NetnsLab.nodeMAC), "\(answered.output)")
        let ndisc = try NetnsLab.run(["ip", "netns", "exec", client, "ndisc6", "-1", "-r", "3", "\(Self.vip6)", clientIF])
        #expect(ndisc.status == 0 && ndisc.output.lowercased().contains(NetnsLab.nodeMAC), "\(ndisc.output)")

        // Removing the IPv4 address stops the answers immediately, the announcer still running.
        announcer.setOwned([Self.vip6])
        let silent = try arping(2)
        #expect(silent.status != 0 && !silent.output.lowercased().contains(NetnsLab.nodeMAC), "\(silent.output)")
        #expect(announcer.counters.drops["targetNotOwned", default: 0] >= 2)

        // A truncated ARP frame from the client: dropped as malformed, counted, nothing crashes.
        let clientSocket = try NetworkNamespace.run(in: client) { try PacketSocket(interface: clientIF) }
        defer { clientSocket.close() }
        var junk = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0x1b, 0, 0, 0, 0x01, 0x08, 0x06])
        junk.writeBytes([0x00, 0x01, 0x08, 0x00, 0x06])
        try clientSocket.send(junk)
        var sawMalformed = false
        for _ in 0..<40 where !sawMalformed {
            sawMalformed = announcer.counters.drops["malformed", default: 0] >= 1
            if !sawMalformed { usleep(50_000) }
        }
        #expect(sawMalformed, "\(announcer.counters)")

        let counters = announcer.counters
        #expect(counters.responsesSent >= 3)  // 2 ARP replies + at least 1 NA
        #expect(counters.gratuitousSent >= 3)  // request + reply forms + unsolicited NA, at once
        announcer.stop()
        #expect(announcer.ownedIPs.isEmpty)
    }

    /// Receiving through a PACKET_FANOUT_CPU group: each request reaches exactly one socket and is
    /// answered once, whichever CPU took it, with more sockets than CPUs (some get nothing) and
    /// with one; `stop()` wakes threads that wait without a timeout.
    @Test(
        "fanout receive threads answer every request exactly once and stop",
        .enabled(if: NetnsLab.missingPrerequisite == nil, "requires root, ip, arping, ndisc6 and a built l2-responder"),
        .timeLimit(.minutes(1)),
        arguments: [1, 3])
    func fanoutAnswersOnce(receiveThreads: Int) throws {
        let lab = NetnsLab()
        defer { lab.destroy() }
        try lab.build()
        let nodeIF = lab.nodeIF
        let announcer = try NetworkNamespace.run(in: lab.node) {
            try Layer2Announcer(interface: nodeIF, receiveThreads: receiveThreads)
        }
        defer { announcer.stop() }
        announcer.start()
        announcer.setOwned([Self.vip4])
        let probe = try NetnsLab.run([
            "ip", "netns", "exec", lab.client, "arping", "-c", "6", "-W", "0.05", "-I", lab.clientIF, "\(Self.vip4)",
        ])
        let replies = probe.output.split(separator: "\n").filter { $0.lowercased().contains(NetnsLab.nodeMAC) }
        #expect(probe.status == 0 && replies.count == 6, "\(probe.output)")
        let counters = announcer.counters
        #expect(counters.requestsReceivedByIP[Self.vip4] == 6, "\(counters)")
        #expect(counters.responsesSentByIP[Self.vip4] == 6, "\(counters)")
        announcer.stop()
        #expect(announcer.ownedIPs.isEmpty)
    }
}
