import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

/// Real BGP messages exchanged by **BIRD 2.0.12** (`bird --version`: "BIRD version 2.0.12",
/// Debian bookworm package 2.0.12-7) and **GoBGP 3.10.0** (`gobgpd --version`: "gobgpd version
/// 3.10.0", Debian package 3.10.0-1+b4), captured with `tcpdump -w` inside a network namespace
/// on 2026-11-21 (10:46 UTC) by `scripts/capture-bgp-fixtures.sh`, which also extracted each
/// message from the reassembled TCP streams. Nothing here was written by hand.
///
/// Setup (see the script for the full configurations): bird AS 65001, router id 10.255.7.1,
/// passive, IPv4 and IPv6 unicast channels exporting static routes with COMMUNITIES,
/// LARGE_COMMUNITIES and MED 50; gobgpd AS 4200000002 (4-octet, so its OPEN carries AS_TRANS),
/// router id 10.255.7.2, graceful restart enabled, routes added with
///   gobgp global rib add 203.0.113.0/24 community 4200:100 large-community 4200000002:1:2 med 10
///   gobgp global rib add 203.0.113.128/25 community 4200:101,65535:65281
///   gobgp global rib -a ipv6 add 2001:db8:200::/48 nexthop 2001:db8:7::2 community 4200:200 large-community 4200000002:3:4
/// then `birdc reload in gobgp1`, `gobgp global rib del` of the /25 and the IPv6 /48,
/// `birdc disable s4`, `birdc disable gobgp1 "IronLB fixture capture: maintenance"`; bird
/// reconfigured to expect AS 65009 (Bad Peer AS); and `gobgp neighbor 10.255.7.1 shutdown
/// --reason "gobgp fixture capture"`.
@Suite struct BGPCapturedFixtures {
    typealias T = BGPTest
    static func hex(_ s: String) -> ByteBuffer { CapturedFrames.frame(marker + s) }
    static let marker = String(repeating: "ff", count: 16)

    // MARK: gobgpd -> bird

    /// gobgpd's OPEN: My AS = AS_TRANS (23456), hold 90, capabilities route refresh, FQDN (73,
    /// host "vm"), MP IPv4/IPv6 unicast, 4-octet AS 4200000002, graceful restart (64), extended
    /// next hop (5).
    static let gobgpOpen = hex("004501045ba0005a0aff07022802260200490402766d000104000100010104000200014104fa56ea024002005a0506000100010002")
    static let gobgpKeepalive = hex("001304")
    /// 203.0.113.0/24: ORIGIN incomplete, AS_PATH [4200000002], NEXT_HOP 10.255.7.2, MED 10,
    /// COMMUNITIES 4200:100, LARGE_COMMUNITIES 4200000002:1:2.
    static let gobgpUpdateIPv4 = hex(
        "004c0200000031400101024002060201fa56ea024003040aff07028004040000000ac0080410680064c0200cfa56ea02000000010000000218cb0071")
    /// 203.0.113.128/25 with COMMUNITIES 4200:101 and NO_ADVERTISE (65535:65281).
    static let gobgpUpdateIPv4Second = hex(
        "003b020000001f400101024002060201fa56ea024003040aff0702c0080810680065ffffff0119cb007180")
    static let gobgpEndOfRIBIPv4 = hex("00170200000000")
    /// 2001:db8:200::/48 in MP_REACH_NLRI, next hop 2001:db8:7::2, COMMUNITIES 4200:200,
    /// LARGE_COMMUNITIES 4200000002:3:4 (gobgpd orders attributes 1, 2, 8, 14, 32).
    static let gobgpUpdateIPv6 = hex(
        "00590200000042400101024002060201fa56ea02c00804106800c8800e1c0002011020010db8000700000000000000000002003020010db80200c0200cfa56ea020000000300000004")
    /// IPv6 End-of-RIB: an UPDATE with only an empty MP_UNREACH_NLRI (RFC 4724 section 2).
    static let gobgpEndOfRIBIPv6 = hex("001d0200000006800f03000201")
    /// `gobgp global rib del 203.0.113.128/25`: Withdrawn Routes only.
    static let gobgpWithdrawIPv4 = hex("001c02000519cb0071800000")
    /// `gobgp global rib -a ipv6 del 2001:db8:200::/48`: MP_UNREACH_NLRI only.
    static let gobgpWithdrawIPv6 = hex("0024020000000d800f0a0002013020010db80200")
    /// `gobgp neighbor 10.255.7.1 shutdown --reason "gobgp fixture capture"`: Cease /
    /// Administrative Shutdown with an RFC 9003 shutdown communication.
    static let gobgpCeaseShutdown = hex("002b03060215676f62677020666978747572652063617074757265")

    // MARK: bird -> gobgpd

    /// bird's OPEN: AS 65001, hold 240, MP IPv4/IPv6 unicast, route refresh, graceful restart
    /// (64), 4-octet AS 65001, enhanced route refresh (70), long-lived graceful restart (71).
    static let birdOpen = hex("003b0104fde900f00aff07011e021c01040001000101040002000102004002007841040000fde946004700")
    static let birdKeepalive = hex("001304")
    /// 198.51.100.0/24 and 198.51.100.7/32: ORIGIN IGP, AS_PATH [65001], NEXT_HOP 10.255.7.1,
    /// MED 50, COMMUNITIES 65001:100, LARGE_COMMUNITIES 65001:1:2.
    static let birdUpdateIPv4 = hex(
        "005102000000314001010040020602010000fde94003040aff070180040400000032c00804fde90064c0200c0000fde9000000010000000218c6336420c6336407")
    static let birdEndOfRIBIPv4 = hex("00170200000000")
    /// 2001:db8:100::/48 and 2001:db8:100:1::1/128 in MP_REACH_NLRI with a global and a
    /// link-local next hop (32 octets, RFC 2545 section 3), sent with the Extended Length bit
    /// although the value is 61 octets; COMMUNITIES 65001:600, LARGE_COMMUNITIES 65001:6:6.
    static let birdUpdateIPv6 = hex(
        "007b0200000064900e003d0002012020010db8000700000000000000000001fe80000000000000c07eccfffe75fb18003020010db80100"
            + "8020010db8010000010000000000000001" + "4001010040020602010000fde9c00804fde90258c0200c0000fde90000000600000006")
    static let birdEndOfRIBIPv6 = hex("001d0200000006800f03000201")
    /// `birdc reload in gobgp1`: ROUTE-REFRESH for IPv4 then IPv6 unicast.
    static let birdRouteRefreshIPv4 = hex("00170500010001")
    static let birdRouteRefreshIPv6 = hex("00170500020001")
    /// `birdc disable s4`: both IPv4 routes withdrawn in one UPDATE.
    static let birdWithdrawIPv4 = hex("002002000918c6336420c63364070000")
    /// `birdc disable gobgp1 "IronLB fixture capture: maintenance"`.
    static let birdCeaseShutdown = hex(
        "00390306022349726f6e4c42206669787475726520636170747572653a206d61696e74656e616e6365")
    /// bird configured for peer AS 65009 answering gobgpd's OPEN: OPEN Message Error / Bad
    /// Peer AS, data = the AS the peer announced (bird's choice; RFC 4271 prescribes no data).
    static let birdBadPeerAS = hex("0019030202fa56ea02")

    /// Phase 1 in the order each side sent it.
    static let gobgpStream = [gobgpOpen, gobgpKeepalive, gobgpUpdateIPv4, gobgpUpdateIPv4Second, gobgpEndOfRIBIPv4,
                              gobgpUpdateIPv6, gobgpEndOfRIBIPv6, gobgpWithdrawIPv4, gobgpWithdrawIPv6]
    static let birdStream = [birdOpen, birdKeepalive, birdUpdateIPv4, birdEndOfRIBIPv4, birdUpdateIPv6, birdEndOfRIBIPv6,
                             birdRouteRefreshIPv4, birdRouteRefreshIPv6, birdWithdrawIPv4, birdCeaseShutdown]
    static let all = gobgpStream + birdStream + [gobgpCeaseShutdown, birdBadPeerAS]

    /// Messages whose encoding is canonical (our attribute order and length forms match the
    /// sender's): they re-encode byte for byte. The other two differ only in attribute order
    /// (gobgpUpdateIPv6) or in an unneeded Extended Length bit (birdUpdateIPv6).
    static let canonical = all.filter { $0 != gobgpUpdateIPv6 && $0 != birdUpdateIPv6 }

    static func decode(_ b: ByteBuffer, decoder: BGPMessageDecoder = BGPMessageDecoder()) throws -> BGPMessage {
        guard let m = try T.decodeOne(b, decoder: decoder) else { throw BGPCapturedMessagesTests.DecodeFailure() }
        return m
    }

    @Test func gobgpOpenUsesASTrans() throws {
        guard case .open(let o) = try Self.decode(Self.gobgpOpen, decoder: BGPMessageDecoder(expectedPeerAS: 4_200_000_002))
        else { Issue.record("not OPEN"); return }
        #expect(o.version == 4 && o.myAS == BGPOpen.asTrans && o.asNumber == 4_200_000_002)
        #expect(o.holdTime == 90 && o.identifier == 0x0AFF_0702)
        #expect(o.capabilities == [.routeRefresh, .unknown(code: 73, value: [2, 0x76, 0x6D, 0]), .ipv4Unicast, .ipv6Unicast,
                                   .fourOctetAS(4_200_000_002), .unknown(code: 64, value: [0, 0x5A]),
                                   .unknown(code: 5, value: [0, 1, 0, 1, 0, 2])])
        // Our own OPEN for the same 4-octet AS says AS_TRANS in My AS just as gobgpd does, and
        // carries the same capabilities (ours puts the 4-octet AS one last).
        let ours = BGPOpen(asNumber: 4_200_000_002, holdTime: 90, identifier: 0x0AFF_0702, capabilities: o.capabilities)
        #expect(ours.myAS == o.myAS && ours.asNumber == o.asNumber)
        #expect(ours.capabilities.count == o.capabilities.count && o.capabilities.allSatisfy(ours.capabilities.contains))
    }

    @Test func decodesBirdOpen() throws {
        guard case .open(let o) = try Self.decode(Self.birdOpen) else { Issue.record("not OPEN"); return }
        #expect(o.myAS == 65001 && o.asNumber == 65001 && o.holdTime == 240 && o.identifier == 0x0AFF_0701)
        #expect(o.capabilities == [.ipv4Unicast, .ipv6Unicast, .routeRefresh, .unknown(code: 64, value: [0, 0x78]),
                                   .fourOctetAS(65001), .unknown(code: 70, value: []), .unknown(code: 71, value: [])])
    }

    @Test func gobgpIPv4Updates() throws {
        guard case .update(let u) = try Self.decode(Self.gobgpUpdateIPv4) else { Issue.record("not UPDATE"); return }
        #expect(u.withdrawn.isEmpty && u.nlri == [T.prefix("203.0.113.0/24")])
        #expect(u.attributes == BGPPathAttributes(
            origin: .incomplete, asPath: [.sequence([4_200_000_002])], nextHop: T.address("10.255.7.2"), multiExitDisc: 10,
            communities: [BGPCommunity(asn: 4200, local: 100)],
            largeCommunities: [BGPLargeCommunity(global: 4_200_000_002, local1: 1, local2: 2)]))
        guard case .update(let second) = try Self.decode(Self.gobgpUpdateIPv4Second) else { Issue.record("not UPDATE"); return }
        #expect(second.nlri == [T.prefix("203.0.113.128/25")])
        #expect(second.attributes.communities == [BGPCommunity(asn: 4200, local: 101), BGPCommunity(value: 0xFFFF_FF01)])
        #expect(second.attributes.multiExitDisc == nil && second.attributes.largeCommunities.isEmpty)
    }

    @Test func gobgpIPv6Update() throws {
        guard case .update(let u) = try Self.decode(Self.gobgpUpdateIPv6) else { Issue.record("not UPDATE"); return }
        #expect(u.nlri.isEmpty && u.withdrawn.isEmpty && u.attributes.nextHop == nil)
        #expect(u.attributes.origin == .incomplete && u.attributes.asPath == [.sequence([4_200_000_002])])
        #expect(u.attributes.mpReach == BGPMPReach(nextHops: [T.address("2001:db8:7::2")], nlri: [T.prefix("2001:db8:200::/48")]))
        #expect(u.attributes.communities == [BGPCommunity(asn: 4200, local: 200)])
        #expect(u.attributes.largeCommunities == [BGPLargeCommunity(global: 4_200_000_002, local1: 3, local2: 4)])
    }

    @Test func birdUpdates() throws {
        guard case .update(let v4) = try Self.decode(Self.birdUpdateIPv4) else { Issue.record("not UPDATE"); return }
        #expect(v4.nlri == [T.prefix("198.51.100.0/24"), T.prefix("198.51.100.7/32")])
        #expect(v4.attributes == BGPPathAttributes(
            origin: .igp, asPath: [.sequence([65001])], nextHop: T.address("10.255.7.1"), multiExitDisc: 50,
            communities: [BGPCommunity(asn: 65001, local: 100)],
            largeCommunities: [BGPLargeCommunity(global: 65001, local1: 1, local2: 2)]))
        guard case .update(let v6) = try Self.decode(Self.birdUpdateIPv6) else { Issue.record("not UPDATE"); return }
        #expect(v6.attributes == BGPPathAttributes(
            origin: .igp, asPath: [.sequence([65001])],
            communities: [BGPCommunity(asn: 65001, local: 600)],
            largeCommunities: [BGPLargeCommunity(global: 65001, local1: 6, local2: 6)],
            mpReach: BGPMPReach(nextHops: [T.address("2001:db8:7::1"), T.address("fe80::c07e:ccff:fe75:fb18")],
                                nlri: [T.prefix("2001:db8:100::/48"), T.prefix("2001:db8:100:1::1/128")])))
    }

    @Test func endOfRIBFromBoth() throws {
        for (capture, family) in [(Self.gobgpEndOfRIBIPv4, IPFamily.ipv4), (Self.gobgpEndOfRIBIPv6, .ipv6),
                                  (Self.birdEndOfRIBIPv4, .ipv4), (Self.birdEndOfRIBIPv6, .ipv6)] {
            guard case .update(let u) = try Self.decode(capture) else { Issue.record("not UPDATE"); continue }
            #expect(u.endOfRIBFamily == family)
            #expect(try BGPMessage.update(.endOfRIB(family)).encoded() == capture)
        }
    }

    @Test func withdrawals() throws {
        #expect(try Self.decode(Self.gobgpWithdrawIPv4) == .update(BGPUpdate(withdrawn: [T.prefix("203.0.113.128/25")])))
        #expect(try Self.decode(Self.gobgpWithdrawIPv6) == .update(BGPUpdate(attributes: BGPPathAttributes(
            mpUnreach: BGPMPUnreach(withdrawn: [T.prefix("2001:db8:200::/48")])))))
        #expect(try Self.decode(Self.birdWithdrawIPv4) == .update(BGPUpdate(
            withdrawn: [T.prefix("198.51.100.0/24"), T.prefix("198.51.100.7/32")])))
        // Withdrawals are not End-of-RIB markers.
        for capture in [Self.gobgpWithdrawIPv4, Self.gobgpWithdrawIPv6, Self.birdWithdrawIPv4] {
            guard case .update(let u) = try Self.decode(capture) else { continue }
            #expect(u.endOfRIBFamily == nil)
        }
        // Our builder produces the same bytes for the same withdrawals.
        let builder = BGPUpdateBuilder(attributes: T.sampleAttributes)
        #expect(try builder.encodeUpdates(announce: [], withdraw: [T.prefix("203.0.113.128/25")]) == [Self.gobgpWithdrawIPv4])
        #expect(try builder.encodeUpdates(announce: [], withdraw: [T.prefix("2001:db8:200::/48")]) == [Self.gobgpWithdrawIPv6])
        #expect(try builder.encodeUpdates(announce: [], withdraw: [T.prefix("198.51.100.0/24"), T.prefix("198.51.100.7/32")])
                    == [Self.birdWithdrawIPv4])
    }

    @Test func routeRefreshAndKeepalive() throws {
        #expect(try Self.decode(Self.birdRouteRefreshIPv4) == .routeRefresh(BGPRouteRefresh(afi: 1, safi: 1)))
        #expect(try Self.decode(Self.birdRouteRefreshIPv6) == .routeRefresh(BGPRouteRefresh(afi: 2, safi: 1)))
        #expect(try Self.decode(Self.birdKeepalive) == .keepalive)
        #expect(try Self.decode(Self.gobgpKeepalive) == .keepalive)
    }

    @Test func notifications() throws {
        guard case .notification(let bird) = try Self.decode(Self.birdCeaseShutdown),
            case .notification(let gobgp) = try Self.decode(Self.gobgpCeaseShutdown),
            case .notification(let badAS) = try Self.decode(Self.birdBadPeerAS)
        else { Issue.record("not NOTIFICATION"); return }
        #expect(bird.code == 6 && bird.subcode == 2)
        #expect(bird.shutdownCommunication == "IronLB fixture capture: maintenance")
        #expect(bird.description == "NOTIFICATION 6/2 Cease / Administrative Shutdown: \"IronLB fixture capture: maintenance\"")
        #expect(gobgp.shutdownCommunication == "gobgp fixture capture")
        #expect(badAS == BGPNotification(code: 2, subcode: 2, data: [0xFA, 0x56, 0xEA, 0x02]))
        #expect(badAS.description == "NOTIFICATION 2/2 OPEN Message Error / Bad Peer AS, data fa56ea02")
        // We build the same shutdown NOTIFICATIONs byte for byte.
        #expect(try BGPMessage.notification(.administrativeShutdown(communication: "gobgp fixture capture")).encoded()
                    == Self.gobgpCeaseShutdown)
        #expect(try BGPMessage.notification(.administrativeShutdown(communication: "IronLB fixture capture: maintenance")).encoded()
                    == Self.birdCeaseShutdown)
    }

    /// bird refused gobgpd's OPEN with Bad Peer AS when it expected AS 65009; so do we.
    @Test func weRejectTheOpenBirdRejected() {
        var decoder = BGPMessageDecoder(expectedPeerAS: 65009)
        var b = Self.gobgpOpen
        #expect { try decoder.parseStep(&b) } throws: {
            guard let e = $0 as? BGPDecodeError else { return false }
            return e.notification.code == 2 && e.notification.subcode == 2 && e.action == .sessionReset
        }
    }

    /// Every fixture decodes, re-encodes to an equal message, and canonical ones to the same bytes.
    @Test(arguments: all)
    func reencodes(_ capture: ByteBuffer) throws {
        let m = try Self.decode(capture)
        let again = try m.encoded()
        #expect(try Self.decode(again) == m)
        if Self.canonical.contains(capture) { #expect(again == capture, "\(again.hexDump) vs \(capture.hexDump)") }
    }

    /// Each fixture fed one octet at a time decodes exactly as when fed whole, and nothing is
    /// consumed until the last octet arrives.
    @Test(arguments: all)
    func byteByByte(_ capture: ByteBuffer) throws {
        let whole = try Self.decode(capture)
        var decoder = BGPMessageDecoder()
        var pending = ByteBuffer()
        var out: [BGPMessage] = []
        for (i, byte) in capture.readableBytesView.enumerated() {
            pending.writeInteger(byte)
            while let m = try decoder.parseStep(&pending) { out.append(m) }
            if i < capture.readableBytes - 1 { #expect(out.isEmpty && pending.readableBytes == i + 1) }
        }
        #expect(out == [whole])
        #expect(pending.readableBytes == 0)
    }

    /// Each side's stream decodes the same whole, one octet at a time, and in random chunks.
    @Test(arguments: [gobgpStream, birdStream])
    func streams(_ messages: [ByteBuffer]) throws {
        var all = ByteBuffer()
        for var m in messages { all.writeBuffer(&m) }
        let expected = try messages.map { try Self.decode($0) }
        #expect(try T.decodeAll(all) == expected)
        var rng = SplitMix64(seed: 0xCAB7)
        for chunkLimit in [1, 7, 64] {
            var decoder = BGPMessageDecoder()
            var pending = ByteBuffer()
            var out: [BGPMessage] = []
            var rest = all
            while rest.readableBytes > 0 {
                var chunk = rest.readSlice(length: min(rest.readableBytes, Int.random(in: 1...chunkLimit, using: &rng)))!
                pending.writeBuffer(&chunk)
                while let m = try decoder.parseStep(&pending) { out.append(m) }
            }
            #expect(out == expected)
        }
    }
}
