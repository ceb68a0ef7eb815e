import Foundation
import Testing

@testable import LBLab

/// The failover gap is computed from capture timestamps only; these feed it parsed tcpdump lines.
@Suite struct DemoFailoverGapTests {
    static let ip = "172.30.0.200"
    static let client = "02:1b:00:00:01:00"
    static let n2 = "02:1b:00:00:00:02"
    static let n3 = "02:1b:00:00:00:03"

    /// `tcpdump -r failover.pcap -e -n -tt` around the hand-over of a real `lab-demo run`
    /// (2026-11-21, bin-snapshot binaries): the client probes every 10 ms, n2's speaker is
    /// killed with SIGKILL and its link set down, n3 sends its gratuitous ARP and then answers.
    static let capturedHandOver = """
        1795258662.929902 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258662.930105 02:1b:00:00:00:02 > 02:1b:00:00:01:00, ethertype ARP (0x0806), length 60: Reply 172.30.0.200 is-at 02:1b:00:00:00:02, length 46
        1795258662.949862 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258662.950948 02:1b:00:00:00:02 > 02:1b:00:00:01:00, ethertype ARP (0x0806), length 60: Reply 172.30.0.200 is-at 02:1b:00:00:00:02, length 46
        1795258662.960037 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258662.971267 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258662.981419 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258662.991574 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.001732 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.011918 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.023021 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.033191 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.043345 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.053500 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.063657 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.073824 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.085869 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.096047 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.108582 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.125892 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.136084 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.146611 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.156778 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.169913 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.180066 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.190240 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.194265 02:1b:00:00:00:03 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60: Request who-has 172.30.0.200 tell 172.30.0.200, length 46
        1795258663.194318 02:1b:00:00:00:03 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60: Reply 172.30.0.200 is-at 02:1b:00:00:00:03, length 46
        1795258663.200381 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.200546 02:1b:00:00:00:03 > 02:1b:00:00:01:00, ethertype ARP (0x0806), length 60: Reply 172.30.0.200 is-at 02:1b:00:00:00:03, length 46
        1795258663.210669 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 tell 172.30.0.100, length 44
        1795258663.210822 02:1b:00:00:00:03 > 02:1b:00:00:01:00, ethertype ARP (0x0806), length 60: Reply 172.30.0.200 is-at 02:1b:00:00:00:03, length 46
        """

    @Test func measuresTheHandOverInARealCapture() throws {
        let frames = CapturedFrame.parse(output: Self.capturedHandOver)
        #expect(frames.count == 32)
        let gap = try DemoFailoverGap.measure(frames: frames, ip: Self.ip, clientMAC: Self.client, oldMAC: Self.n2)
        #expect(gap.oldMAC == Self.n2 && gap.newMAC == Self.n3)
        #expect(gap.lastOldReply == 1795258662.950948)
        // The first reply *to the client*, not n3's broadcast gratuitous reply 6 ms earlier.
        #expect(gap.firstNewReply == 1795258663.200546)
        #expect(abs(gap.gap - 0.249598) < 1e-6)
        // 23 probes went out in between; the last of them is the one n3 answered first.
        #expect(gap.unansweredProbes == 22)
        #expect(gap.lateOldReplies == 0)
    }

    @Test func macCaseDoesNotMatter() throws {
        let frames = CapturedFrame.parse(output: Self.capturedHandOver)
        let gap = try DemoFailoverGap.measure(frames: frames, ip: Self.ip, clientMAC: Self.client.uppercased(),
                                              oldMAC: Self.n2.uppercased())
        #expect(gap.newMAC == Self.n3)
    }

    @Test func repliesFromTheOldOwnerAfterTheNewOneAreCounted() throws {
        let frames = [
            reply(1.00, from: Self.n2), request(1.05), reply(1.30, from: Self.n3), reply(1.31, from: Self.n2),
            reply(1.32, from: Self.n2),
        ]
        let gap = try DemoFailoverGap.measure(frames: frames, ip: Self.ip, clientMAC: Self.client, oldMAC: Self.n2)
        #expect(abs(gap.gap - 0.30) < 1e-9)
        #expect(gap.lateOldReplies == 2)
        #expect(gap.unansweredProbes == 0)
    }

    @Test func repliesForOtherIPsOrToOtherHostsAreIgnored() throws {
        var other = reply(1.10, from: Self.n3)
        other.targetIP = "172.30.0.201"
        var elsewhere = reply(1.20, from: Self.n3)
        elsewhere.destinationMAC = "ff:ff:ff:ff:ff:ff"
        let frames = [reply(1.00, from: Self.n2), other, elsewhere, reply(1.50, from: Self.n3)]
        let gap = try DemoFailoverGap.measure(frames: frames, ip: Self.ip, clientMAC: Self.client, oldMAC: Self.n2)
        #expect(gap.firstNewReply == 1.50)
    }

    @Test func aCaptureWithoutAHandOverIsAProblemNamed() {
        #expect(throws: DemoFailoverGap.Problem.noReplyFromNewOwner) {
            try DemoFailoverGap.measure(frames: [reply(1, from: Self.n2)], ip: Self.ip, clientMAC: Self.client, oldMAC: Self.n2)
        }
        #expect(throws: DemoFailoverGap.Problem.noReplyFromOldOwner(oldMAC: Self.n2)) {
            try DemoFailoverGap.measure(frames: [reply(1, from: Self.n3)], ip: Self.ip, clientMAC: Self.client, oldMAC: Self.n2)
        }
        #expect(throws: DemoFailoverGap.Problem.newOwnerAnsweredFirst(newMAC: Self.n3)) {
            try DemoFailoverGap.measure(frames: [reply(1, from: Self.n3), reply(2, from: Self.n2)], ip: Self.ip,
                                        clientMAC: Self.client, oldMAC: Self.n2)
        }
        #expect(throws: DemoFailoverGap.Problem.noReplyFromOldOwner(oldMAC: Self.n2)) {
            try DemoFailoverGap.measure(frames: [], ip: Self.ip, clientMAC: Self.client, oldMAC: Self.n2)
        }
    }

    private func reply(_ time: Double, from mac: String) -> CapturedFrame {
        CapturedFrame(timestamp: time, sourceMAC: mac, destinationMAC: Self.client, kind: .arpReply, targetIP: Self.ip,
                      senderIP: nil, claimedMAC: mac, line: "reply \(time)")
    }

    private func request(_ time: Double) -> CapturedFrame {
        CapturedFrame(timestamp: time, sourceMAC: Self.client, destinationMAC: "ff:ff:ff:ff:ff:ff", kind: .arpRequest,
                      targetIP: Self.ip, senderIP: "172.30.0.100", claimedMAC: nil, line: "request \(time)")
    }
}
