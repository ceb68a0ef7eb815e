/// Python programs run with the system python3 and scapy inside the client namespace.
enum ScapyScripts {
    /// argv: iface client_mac client_ipv4 client_ipv6 vip4 vip6 repeats. Sends, `repeats`
    /// times: two truncated ARP requests, one with bad address lengths (7/4), a spoofed ARP
    /// reply claiming vip4 for a foreign MAC, a neighbor solicitation for vip6 with a wrong
    /// ICMPv6 checksum, one whose source link-layer option claims 16 bytes but has 8, and one
    /// with a zero-length option (RFC 4861 section 4.6: such a packet must be discarded).
    static let layer2Garbage = #"""
        import struct, sys
        import socket
        from scapy.all import Ether, IPv6, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, Raw, conf, sendp, in6_getnsma, in6_getnsmac, mac2str
        conf.verb = 0
        iface, cmac, c4, c6, vip4, vip6, repeats = sys.argv[1:8]
        foreign = "02:de:ad:be:ef:01"
        def arp(op, sha, spa, tha, tpa, hlen=6, plen=4):
            return struct.pack("!HHBBH", 1, 0x0800, hlen, plen, op) + mac2str(sha) + socket.inet_aton(spa) + mac2str(tha) + socket.inet_aton(tpa)
        bcast = "ff:ff:ff:ff:ff:ff"
        request = arp(1, cmac, c4, "00:00:00:00:00:00", vip4)
        frames = [
            Ether(dst=bcast, src=cmac, type=0x0806) / Raw(request[:8]),
            Ether(dst=bcast, src=cmac, type=0x0806) / Raw(request[:20]),
            Ether(dst=bcast, src=cmac, type=0x0806) / Raw(arp(1, cmac, c4, "00:00:00:00:00:00", vip4, hlen=7)),
            Ether(dst=bcast, src=foreign, type=0x0806) / Raw(arp(2, foreign, vip4, cmac, c4)),
        ]
        group = socket.inet_ntop(socket.AF_INET6, in6_getnsma(socket.inet_pton(socket.AF_INET6, vip6)))
        gmac = in6_getnsmac(socket.inet_pton(socket.AF_INET6, group))
        base = Ether(dst=gmac, src=cmac) / IPv6(src=c6, dst=group, hlim=255)
        frames += [
            base / ICMPv6ND_NS(tgt=vip6, cksum=0x1234) / ICMPv6NDOptSrcLLAddr(lladdr=cmac),
            base / ICMPv6ND_NS(tgt=vip6) / Raw(b"\x01\x02" + mac2str(cmac)),
            base / ICMPv6ND_NS(tgt=vip6) / Raw(b"\x01\x00" + mac2str(cmac)),
        ]
        for _ in range(int(repeats)):
            sendp(frames, iface=iface)
        print(len(frames) * int(repeats))
        """#

    /// argv: iface client_mac client_ipv4 owner_ipv4 owner_mac port pcap. Sends 20 random datagrams (1-200
    /// bytes) from the client to owner:port, then every datagram of the capture addressed to the
    /// owner again, unchanged above Ethernet (spoofed source: the peer that sent it). Prints
    /// "RANDOM REPLAYED".
    static let membershipForgeries = #"""
        import os, random, sys
        from scapy.all import Ether, IP, UDP, Raw, conf, sendp, rdpcap
        conf.verb = 0
        iface, cmac, c4, owner, omac, port, pcap = sys.argv[1:8]
        port = int(port)
        frames = []
        for i in range(20):
            payload = os.urandom(random.randint(1, 200))
            frames.append(Ether(dst=omac, src=cmac) / IP(src=c4, dst=owner) / UDP(sport=40000 + i, dport=port) / Raw(payload))
        replays = []
        for packet in rdpcap(pcap):
            if IP in packet and UDP in packet and packet[IP].dst == owner and packet[UDP].dport == port:
                ip = packet[IP].copy()
                del ip.chksum
                del ip[UDP].chksum
                replays.append(Ether(dst=omac, src=cmac) / ip)
        sendp(frames + replays, iface=iface)
        print(len(frames), len(replays))
        """#
}
