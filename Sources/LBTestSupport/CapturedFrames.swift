import LBWire
import NIOCore

/// Frames captured from real Linux peers, byte for byte, in a throwaway lab of two network
/// namespaces joined by a veth pair (every byte is exactly what the sender's kernel or tool
/// put on the wire; nothing here was written by hand).
///
/// - Kernel: Linux 6.18.44 (`uname -r`: 6.18.44-fc-v657), Debian 12 userland.
/// - Tools: tcpdump 4.99.3, arping 2.23 (Thomas Habets' `arping` package), ndisc6 1.0.5.
/// - Namespace A (`ironlb-l2cap-a`): `vcapa` 02:00:00:00:00:0a, 192.0.2.1/24, 2001:db8::1/64 (nodad),
///   fe80::ff:fe00:a. Namespace B (`ironlb-l2cap-b`): `vcapb` 02:00:00:00:00:0b, 192.0.2.2/24,
///   2001:db8::2/64 (with DAD), fe80::ff:fe00:b.
/// - Capture, in A: `tcpdump -i vcapa -s 0 --immediate-mode -U -w cap.pcap`; the hex is each
///   packet record of the pcap file. The namespaces were deleted afterwards.
///
/// Frames captured on the sending side of a veth are not padded to 60 bytes (the kernel's own
/// ARP is 42 bytes), so decoders must not require the Ethernet minimum.
public enum CapturedFrames {
    /// MAC of namespace A's interface.
    public static let macA = MACAddress(0x02, 0, 0, 0, 0, 0x0A)
    /// MAC of namespace B's interface.
    public static let macB = MACAddress(0x02, 0, 0, 0, 0, 0x0B)

    /// A's kernel resolving 192.0.2.2 (`ip netns exec A bash -c 'echo x >
    /// /dev/udp/192.0.2.2/9'`): broadcast request, 42 bytes (captured on the sending veth,
    /// unpadded).
    public static let kernelARPRequest = frame(
        "ffffffffffff02000000000a0806000108000604000102000000000ac0000201"
            + "000000000000c0000202")

    /// B's kernel answering `kernelARPRequest`: unicast reply 192.0.2.2 is-at 02:00:00:00:00:0b.
    public static let kernelARPReply = frame(
        "02000000000a02000000000b0806000108000604000202000000000bc0000202"
            + "02000000000ac0000201")

    /// `arping -c 1 -i vcapa 192.0.2.2` in A: broadcast request, padded by arping to 58 bytes.
    public static let arpingRequest = frame(
        "ffffffffffff02000000000a0806000108000604000102000000000ac0000201"
            + "000000000000c000020200000000000000000000000000000000")

    /// `arping -0 -c 1 -i vcapa 192.0.2.2` in A: an ARP Probe (sender IP 0.0.0.0, RFC 5227
    /// section 2.1.1).
    public static let arpingProbe = frame(
        "ffffffffffff02000000000a0806000108000604000102000000000a00000000"
            + "000000000000c000020200000000000000000000000000000000")

    /// B's kernel answering `arpingProbe`: reply unicast to the prober, target IP 0.0.0.0.
    public static let kernelProbeReply = frame(
        "02000000000a02000000000b0806000108000604000202000000000bc0000202"
            + "02000000000a00000000")

    /// `arping -U -c 1 -i vcapa -S 192.0.2.1 192.0.2.1` in A: gratuitous request, target
    /// MAC ff:ff:ff:ff:ff:ff.
    public static let arpingGratuitousRequest = frame(
        "ffffffffffff02000000000a0806000108000604000102000000000ac0000201"
            + "ffffffffffffc000020100000000000000000000000000000000")

    /// `arping -U -P -c 1 -i vcapa -S 192.0.2.1 192.0.2.1` in A: gratuitous reply, target
    /// MAC ff:ff:ff:ff:ff:ff.
    public static let arpingGratuitousReply = frame(
        "ffffffffffff02000000000a0806000108000604000202000000000ac0000201"
            + "ffffffffffffc000020100000000000000000000000000000000")

    /// `arping -V 7 -c 1 -i vcapa 192.0.2.2` in A: request with an 802.1Q tag, VLAN 7 (unanswered).
    public static let arpingTaggedRequest = frame(
        "ffffffffffff02000000000a810000070806000108000604000102000000000a"
            + "c0000201000000000000c000020200000000000000000000000000000000")

    /// B's kernel re-validating its entry for 192.0.2.1: a unicast request to 02:00:00:00:00:0a.
    public static let kernelUnicastARPRequest = frame(
        "02000000000a02000000000b0806000108000604000102000000000bc0000202"
            + "000000000000c0000201")

    /// A's kernel sending a UDP datagram to 192.0.2.2 port 9: not ARP.
    public static let kernelIPv4UDP = frame(
        "02000000000b02000000000a08004500001e8cf44000401129d7c0000201c000"
            + "0202dfab0009000a841f780a")

    /// B's kernel running Duplicate Address Detection for 2001:db8::2 (`ip addr add
    /// 2001:db8::2/64 dev vcapb`): NS from :: to ff02::1:ff00:2 with a Nonce option (type
    /// 14, RFC 7527).
    public static let kernelDADSolicitation = frame(
        "3333ff00000202000000000b86dd6000000000203aff00000000000000000000"
            + "000000000000ff0200000000000000000001ff0000028700f05d000000002001"
            + "0db80000000000000000000000020e012beb08411a58")

    /// B's kernel after DAD with `net.ipv6.conf.vcapb.ndisc_notify=1`: unsolicited NA
    /// 2001:db8::2 -> ff02::1, Override set, Target Link-Layer Address 02:00:00:00:00:0b.
    public static let kernelUnsolicitedAdvertisement = frame(
        "33330000000102000000000b86dd6000000000203aff20010db8000000000000"
            + "000000000002ff0200000000000000000000000000018800f91e200000002001"
            + "0db8000000000000000000000002020102000000000b")

    /// `ndisc6 -1 2001:db8::2 vcapa` in A: NS from fe80::ff:fe00:a (flow label 0xdfc97) to
    /// ff02::1:ff00:2 with a Source Link-Layer Address option.
    public static let ndisc6Solicitation = frame(
        "3333ff00000202000000000a86dd600dfc9700203afffe800000000000000000"
            + "00fffe00000aff0200000000000000000001ff00000287004c4d000000002001"
            + "0db8000000000000000000000002010102000000000a")

    /// B's kernel answering `ndisc6Solicitation`: NA 2001:db8::2 -> fe80::ff:fe00:a,
    /// Solicited and Override set.
    public static let kernelAdvertisementToLinkLocal = frame(
        "02000000000a02000000000b86dd6000000000203aff20010db8000000000000"
            + "000000000002fe80000000000000000000fffe00000a8800ba97600000002001"
            + "0db8000000000000000000000002020102000000000b")

    /// A's kernel resolving 2001:db8::2 (after `ip -6 neigh flush dev vcapa`, `echo x >
    /// /dev/udp/2001:db8::2/9`): NS 2001:db8::1 -> ff02::1:ff00:2 with SLLA
    /// 02:00:00:00:00:0a.
    public static let kernelSolicitation = frame(
        "3333ff00000202000000000a86dd6000000000203aff20010db8000000000000"
            + "000000000001ff0200000000000000000001ff00000287001c1e000000002001"
            + "0db8000000000000000000000002010102000000000a")

    /// B's kernel answering `kernelSolicitation`: NA 2001:db8::2 -> 2001:db8::1, Solicited
    /// and Override set, TLLA 02:00:00:00:00:0b.
    public static let kernelSolicitedAdvertisement = frame(
        "02000000000a02000000000b86dd6000000000203aff20010db8000000000000"
            + "00000000000220010db800000000000000000000000188008a68600000002001"
            + "0db8000000000000000000000002020102000000000b")

    /// A's kernel probing a STALE entry (`ip -6 neigh change ... nud stale`, then traffic):
    /// unicast NS fe80::ff:fe00:a -> 2001:db8::2 to 02:00:00:00:00:0b.
    public static let kernelUnicastSolicitation = frame(
        "02000000000b02000000000a86dd6000000000203afffe800000000000000000"
            + "00fffe00000a20010db800000000000000000000000287001c99000000002001"
            + "0db8000000000000000000000002010102000000000a")

    /// B's kernel answering `kernelUnicastSolicitation`: NA with Solicited only and no
    /// options (Linux omits the TLLA and Override for a unicast NS).
    public static let kernelAdvertisementWithoutTLLA = frame(
        "02000000000a02000000000b86dd6000000000183aff20010db8000000000000"
            + "000000000002fe80000000000000000000fffe00000a8800deab400000002001"
            + "0db8000000000000000000000002")

    /// B's kernel joining its solicited-node groups: MLDv2 report to ff02::16 behind a
    /// Hop-by-Hop extension header.
    public static let kernelMLDReport = frame(
        "33330000001602000000000b86dd600000000038000100000000000000000000"
            + "000000000000ff0200000000000000000000000000163a000502000001008f00"
            + "6d630000000204000000ff0200000000000000000001ff00000204000000ff02"
            + "00000000000000000001ff00000b")

    /// A's kernel: Router Solicitation (ICMPv6 type 133) to ff02::2.
    public static let kernelRouterSolicitation = frame(
        "33330000000202000000000a86dd6000000000103afffe800000000000000000"
            + "00fffe00000aff02000000000000000000000000000285007b1a000000000101"
            + "02000000000a")

    /// B's kernel: ICMPv6 Destination Unreachable (type 1) for the UDP datagram to port 9.
    public static let kernelPortUnreachable = frame(
        "02000000000a02000000000b86dd6003ca5a003a3a4020010db8000000000000"
            + "00000000000220010db800000000000000000000000101048c4a000000006005"
            + "e65f000a114020010db800000000000000000000000120010db8000000000000"
            + "0000000000028ff50009000a5b90780a")

    /// Every ARP frame above.
    public static let arpFrames: [ByteBuffer] = [
        kernelARPRequest, kernelARPReply, arpingRequest, arpingProbe, kernelProbeReply,
        arpingGratuitousRequest, arpingGratuitousReply, arpingTaggedRequest, kernelUnicastARPRequest,
    ]

    /// Every neighbor discovery frame above.
    public static let ndpFrames: [ByteBuffer] = [
        kernelDADSolicitation, kernelUnsolicitedAdvertisement, ndisc6Solicitation,
        kernelAdvertisementToLinkLocal, kernelSolicitation, kernelSolicitedAdvertisement,
        kernelUnicastSolicitation, kernelAdvertisementWithoutTLLA,
    ]

    /// Frames that are neither (IPv4 UDP, MLD behind a Hop-by-Hop header, other ICMPv6).
    public static let otherFrames: [ByteBuffer] = [
        kernelIPv4UDP, kernelMLDReport, kernelRouterSolicitation, kernelPortUnreachable,
    ]

    /// Decodes a hex string (whitespace ignored) into a buffer; a test-only helper that traps
    /// on a typo, which is what a test fixture should do.
    public static func frame(_ hex: String) -> ByteBuffer {
        let digits = Array(hex.filter { !$0.isWhitespace })
        precondition(digits.count % 2 == 0, "odd hex length")
        var bytes: [UInt8] = []
        var i = 0
        while i < digits.count {
            guard let b = UInt8(String(digits[i...i + 1]), radix: 16) else { preconditionFailure("bad hex") }
            bytes.append(b)
            i += 2
        }
        return ByteBuffer(bytes: bytes)
    }
}
