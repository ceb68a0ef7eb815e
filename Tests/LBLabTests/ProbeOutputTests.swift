import Testing

@testable import LBLab

/// The parsers against real output captured from the tools on a lab veth (arping 2.23, ndisc6,
/// iproute2 `ip -j`, tcpdump 4.99.3), so a format change in a tool shows up here first.
@Suite struct ProbeOutputTests {
    static let arpingAnswered = """
        ARPING 172.30.0.11
        42 bytes from 02:1b:00:00:00:01 (172.30.0.11): index=0 time=10.756 usec
        42 bytes from 02:1B:00:00:00:01 (172.30.0.11): index=1 time=4.527 usec

        --- 172.30.0.11 statistics ---
        2 packets transmitted, 2 packets received,   0% unanswered (0 extra)
        rtt min/avg/max/std-dev = 0.005/0.008/0.011/0.003 ms
        """
    static let arpingSilent = """
        ARPING 172.30.0.99
        Timeout
        Timeout

        --- 172.30.0.99 statistics ---
        2 packets transmitted, 0 packets received, 100% unanswered (0 extra)

        """

    @Test func arpingRepliesCarryTheReplyingMAC() throws {
        let result = try ARPingResult.parse(Self.arpingAnswered)
        #expect(result.replies.map(\.mac) == ["02:1b:00:00:00:01", "02:1b:00:00:00:01"])
        #expect(result.replies.map(\.ip) == ["172.30.0.11", "172.30.0.11"])
        #expect(result.replies.map(\.index) == [0, 1])
        #expect(result.replyingMACs == ["02:1b:00:00:00:01"])
        #expect(result.transmitted == 2 && result.received == 2)
    }

    @Test func arpingWithoutRepliesIsAResultNotAnError() throws {
        let result = try ARPingResult.parse(Self.arpingSilent)
        #expect(result.replies.isEmpty)
        #expect(result.transmitted == 2 && result.received == 0)
    }

    @Test func arpingOutputCutShortIsRejected() {
        #expect(throws: LabError.self) { try ARPingResult.parse("ARPING 172.30.0.11\n") }
    }

    @Test func ndisc6AnsweredAndUnanswered() throws {
        let answered = try NDisc6Result.parse("""
            Soliciting fd00:1b::b (fd00:1b::b) on ilabxce0...
            Target link-layer address: 02:1B:00:00:00:01
             from fd00:1b::b
            """)
        #expect(answered.mac == "02:1b:00:00:00:01")
        let silent = try NDisc6Result.parse("""
            Soliciting fd00:1b::99 (fd00:1b::99) on ilabxce0...
            Timed out.
            Timed out.
            No response.
            """)
        #expect(silent.mac == nil)
        #expect(throws: LabError.self) { try NDisc6Result.parse("ndisc6: invalid interface\n") }
    }

    @Test func neighbourTableJSON() throws {
        let entries = try NeighbourEntry.parse(json: """
            [{"dst":"172.30.0.11","dev":"ilabxce0","lladdr":"02:1B:00:00:00:01","state":["REACHABLE"]},\
            {"dst":"172.30.0.99","dev":"ilabxce0","state":["FAILED"]}]
            """)
        #expect(entries == [
            NeighbourEntry(ip: "172.30.0.11", device: "ilabxce0", mac: "02:1b:00:00:00:01", states: ["REACHABLE"]),
            NeighbourEntry(ip: "172.30.0.99", device: "ilabxce0", mac: nil, states: ["FAILED"]),
        ])
        #expect(try NeighbourEntry.parse(json: "[]").isEmpty)
        #expect(try NeighbourEntry.parse(json: "").isEmpty)
        #expect(throws: LabError.self) { try NeighbourEntry.parse(json: "172.30.0.11 dev x lladdr 02:1b:00:00:00:01") }
    }

    @Test func tcpdumpFrames() {
        let output = """
            reading from file /tmp/ilabx.pcap, link-type EN10MB (Ethernet), snapshot length 262144
            1795247992.594825 02:1b:00:00:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.11 tell 172.30.0.100, length 44
            1795247992.594907 02:1b:00:00:00:01 > 02:1b:00:00:01:00, ethertype ARP (0x0806), length 42: Reply 172.30.0.11 is-at 02:1b:00:00:00:01, length 28
            1795247993.166027 02:1b:00:00:01:00 > 33:33:ff:00:00:0b, ethertype IPv6 (0x86dd), length 86: fe80::1b:ff:fe00:100 > ff02::1:ff00:b: ICMP6, neighbor solicitation, who has fd00:1b::b, length 32
            1795247993.166080 02:1b:00:00:00:01 > 02:1b:00:00:01:00, ethertype IPv6 (0x86dd), length 86: fd00:1b::b > fe80::1b:ff:fe00:100: ICMP6, neighbor advertisement, tgt is fd00:1b::b, length 32
            1795247998.906764 02:1b:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 172.30.0.200 (ff:ff:ff:ff:ff:ff) tell 172.30.0.200, length 44
            1795248001.697868 02:1b:00:00:00:01 > 33:33:00:00:00:02, ethertype IPv6 (0x86dd), length 70: fe80::1b:ff:fe00:1 > ff02::2: ICMP6, router solicitation, length 16
            """
        let frames = CapturedFrame.parse(output: output)
        #expect(frames.count == 6)
        #expect(frames.map(\.kind) == [.arpRequest, .arpReply, .neighborSolicitation, .neighborAdvertisement, .arpRequest, .other])
        #expect(frames[0].targetIP == "172.30.0.11" && frames[0].senderIP == "172.30.0.100")
        #expect(frames[0].destinationMAC == "ff:ff:ff:ff:ff:ff")
        #expect(frames[1].sourceMAC == "02:1b:00:00:00:01" && frames[1].claimedMAC == "02:1b:00:00:00:01")
        #expect(frames[1].targetIP == "172.30.0.11" && frames[1].isAnswer)
        #expect(frames[1].timestamp == 1795247992.594907)
        #expect(frames[2].targetIP == "fd00:1b::b" && frames[2].senderIP == "fe80::1b:ff:fe00:100")
        #expect(frames[3].targetIP == "fd00:1b::b" && frames[3].sourceMAC == "02:1b:00:00:00:01" && frames[3].isAnswer)
        #expect(frames[4].targetIP == "172.30.0.200" && frames[4].senderIP == "172.30.0.200", "gratuitous request")
        #expect(!frames[5].isAnswer)
    }

    @Test func linkNamesFromOneLineOutput() {
        let output = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
            2: ilabxn1e0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:1b:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netns ilabx-sw
            """
        #expect(LinkState.names(fromOneLineOutput: output) == ["lo", "ilabxn1e0"])
    }

    @Test func kubeTestServerURLFromItsReadinessLine() {
        #expect(KubeAPIInLab.parseURL(fromLog: "kube-test-server listening on http://172.30.0.1:40123\n")
            == "http://172.30.0.1:40123")
        #expect(KubeAPIInLab.parseURL(fromLog: "starting\n") == nil)
    }
}
