import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

/// Real bytes sent by other BGP implementations, captured on 2026-11-21 in a throwaway pair of
/// network namespaces (veth 10.255.5.2 <-> 10.255.5.1, 2001:db8:5::/64). The other side was a
/// tiny Python listener (AS 65000) that answered with an OPEN (MP IPv4+IPv6 unicast, route
/// refresh, 4-octet AS) and KEEPALIVEs, logged every received message as hex, and at the end
/// sent a message with a broken marker or an unknown type to draw a NOTIFICATION.
///
/// bird: BIRD 2.0.12 (Debian bookworm package 2.0.12-7), `bird -c bird.conf` with
///   router id 10.255.5.2; protocol device {}
///   protocol static s4 { ipv4; route 198.51.100.0/24 blackhole; route 198.51.100.7/32 blackhole; }
///   protocol static s6 { ipv6; route 2001:db8:100::/48 blackhole; }
///   protocol bgp lbtest { local 10.255.5.2 as 65001; neighbor 10.255.5.1 as 65000;
///     ipv4 { import all; export filter { bgp_community.add((65001,100));
///            bgp_large_community.add((65001,1,2)); accept; }; };
///     ipv6 { import all; next hop address 2001:db8:5::2;
///            export filter { bgp_community.add((65001,600)); accept; }; }; }
///   then `birdc reload in lbtest` (ROUTE-REFRESH for both families).
///
/// gobgp: gobgpd 3.10.0 (Debian 3.10.0-1+b4), global as 65002, router-id 10.255.5.2, port -1,
/// one neighbor 10.255.5.1 peer-as 65000 with afi-safis ipv4-unicast and ipv6-unicast, then
///   gobgp global rib add 203.0.113.0/24 community 65002:100 large-community 65002:1:2 med 50
///   gobgp global rib add 203.0.113.128/25 community 65002:101
///   gobgp global rib -a ipv6 add 2001:db8:200::/48 nexthop 2001:db8:5::2 community 65002:200 large-community 65002:3:4
/// (gobgpd sent no End-of-RIB (graceful restart not configured), no ROUTE-REFRESH on
/// `gobgp neighbor ... softresetin`, and closed the connection without a NOTIFICATION on a
/// bad marker or type, so those kinds come from bird only.)
@Suite struct BGPCapturedMessagesTests {
    typealias T = BGPTest
    static func hex(_ s: String) -> ByteBuffer { CapturedFrames.frame(s) }
    static let marker = String(repeating: "ff", count: 16)

    static let birdOpen = hex(marker + "003b0104fde900f00aff05021e021c01040001000101040002000102004002007841040000fde946004700")
    static let birdKeepalive = hex(marker + "001304")
    static let birdUpdateIPv4 = hex(marker + "004a020000002a4001010040020602010000fde94003040aff0502c00804fde90064c0200c0000fde9000000010000000218c6336420c6336407")
    static let birdEndOfRIBIPv4 = hex(marker + "00170200000000")
    static let birdUpdateIPv6 = hex(marker + "005b0200000044900e002c0002012020010db8000500000000000000000002fe80000000000000ccb72bfffe29a921003020010db801004001010040020602010000fde9c00804fde90258")
    static let birdEndOfRIBIPv6 = hex(marker + "001d0200000006800f03000201")
    static let birdRouteRefreshIPv4 = hex(marker + "00170500010001")
    static let birdRouteRefreshIPv6 = hex(marker + "00170500020001")
    /// bird's answer to a KEEPALIVE whose first marker octet was 0xfe.
    static let birdNotificationBadMarker = hex(marker + "0015030101")
    /// bird's answer to a 19-octet message of type 9.
    static let birdNotificationBadType = hex(marker + "001603010309")

    static let gobgpOpen = hex(marker + "00410104fdea005a0aff05022402220200490402766d0001040001000101040002000141040000fdea0506000100010002")
    static let gobgpKeepalive = hex(marker + "001304")
    static let gobgpUpdateIPv6 = hex(marker + "005902000000424001010240020602010000fdeac00804fdea00c8800e1c0002011020010db8000500000000000000000002003020010db80200c0200c0000fdea0000000300000004")
    static let gobgpUpdateIPv4 = hex(marker + "004c02000000314001010240020602010000fdea4003040aff050280040400000032c00804fdea0064c0200c0000fdea000000010000000218cb0071")
    static let gobgpUpdateIPv4Second = hex(marker + "0037020000001b4001010240020602010000fdea4003040aff0502c00804fdea006519cb007180")

    /// bird's session in the order it arrived.
    static let birdStream = [birdOpen, birdKeepalive, birdUpdateIPv4, birdEndOfRIBIPv4, birdUpdateIPv6, birdEndOfRIBIPv6,
                             birdRouteRefreshIPv4, birdRouteRefreshIPv6, birdNotificationBadType]
    static let gobgpStream = [gobgpOpen, gobgpKeepalive, gobgpUpdateIPv6, gobgpUpdateIPv4, gobgpUpdateIPv4Second]
    static let allCaptures = birdStream + [birdNotificationBadMarker] + gobgpStream

    static func decode(_ b: ByteBuffer) throws -> BGPMessage {
        guard let m = try T.decodeOne(b) else { throw DecodeFailure() }
        return m
    }
    struct DecodeFailure: Error {}

    @Test func decodesBirdOpen() throws {
        guard case .open(let o) = try Self.decode(Self.birdOpen) else { Issue.record("not OPEN"); return }
        #expect(o.version == 4 && o.myAS == 65001 && o.asNumber == 65001 && o.holdTime == 240)
        #expect(o.identifier == 0x0AFF_0502)
        #expect(o.capabilities == [.ipv4Unicast, .ipv6Unicast, .routeRefresh, .unknown(code: 64, value: [0, 0x78]),
                                   .fourOctetAS(65001), .unknown(code: 70, value: []), .unknown(code: 71, value: [])])
    }

    @Test func decodesGobgpOpen() throws {
        guard case .open(let o) = try Self.decode(Self.gobgpOpen) else { Issue.record("not OPEN"); return }
        #expect(o.asNumber == 65002 && o.holdTime == 90 && o.identifier == 0x0AFF_0502)
        #expect(o.capabilities == [.routeRefresh, .unknown(code: 73, value: [2, 0x76, 0x6D, 0]), .ipv4Unicast, .ipv6Unicast,
                                   .fourOctetAS(65002), .unknown(code: 5, value: [0, 1, 0, 1, 0, 2])])
    }

    @Test func decodesBirdUpdates() throws {
        guard case .update(let v4) = try Self.decode(Self.birdUpdateIPv4) else { Issue.record("not UPDATE"); return }
        #expect(v4.nlri == [T.prefix("198.51.100.0/24"), T.prefix("198.51.100.7/32")])
        #expect(v4.attributes == BGPPathAttributes(
            origin: .igp, asPath: [.sequence([65001])], nextHop: T.address("10.255.5.2"),
            communities: [BGPCommunity(asn: 65001, local: 100)],
            largeCommunities: [BGPLargeCommunity(global: 65001, local1: 1, local2: 2)]))
        guard case .update(let v6) = try Self.decode(Self.birdUpdateIPv6) else { Issue.record("not UPDATE"); return }
        #expect(v6.nlri.isEmpty && v6.withdrawn.isEmpty)
        #expect(v6.attributes.mpReach == BGPMPReach(
            nextHops: [T.address("2001:db8:5::2"), T.address("fe80::ccb7:2bff:fe29:a921")], nlri: [T.prefix("2001:db8:100::/48")]))
        #expect(v6.attributes.communities == [BGPCommunity(asn: 65001, local: 600)])
        guard case .update(let eor4) = try Self.decode(Self.birdEndOfRIBIPv4),
            case .update(let eor6) = try Self.decode(Self.birdEndOfRIBIPv6)
        else { Issue.record("not UPDATE"); return }
        #expect(eor4.endOfRIBFamily == .ipv4)
        #expect(eor6.endOfRIBFamily == .ipv6)
    }

    @Test func decodesGobgpUpdates() throws {
        guard case .update(let v6) = try Self.decode(Self.gobgpUpdateIPv6) else { Issue.record("not UPDATE"); return }
        #expect(v6.attributes.origin == .incomplete)
        #expect(v6.attributes.mpReach == BGPMPReach(nextHops: [T.address("2001:db8:5::2")], nlri: [T.prefix("2001:db8:200::/48")]))
        #expect(v6.attributes.largeCommunities == [BGPLargeCommunity(global: 65002, local1: 3, local2: 4)])
        guard case .update(let v4) = try Self.decode(Self.gobgpUpdateIPv4) else { Issue.record("not UPDATE"); return }
        #expect(v4.nlri == [T.prefix("203.0.113.0/24")])
        #expect(v4.attributes.multiExitDisc == 50)
        #expect(v4.attributes.communities == [BGPCommunity(asn: 65002, local: 100)])
        guard case .update(let second) = try Self.decode(Self.gobgpUpdateIPv4Second) else { Issue.record("not UPDATE"); return }
        #expect(second.nlri == [T.prefix("203.0.113.128/25")])
    }

    @Test func birdRouteRefreshAndNotifications() throws {
        #expect(try Self.decode(Self.birdRouteRefreshIPv4) == .routeRefresh(BGPRouteRefresh(afi: 1, safi: 1)))
        #expect(try Self.decode(Self.birdRouteRefreshIPv6) == .routeRefresh(BGPRouteRefresh(afi: 2, safi: 1)))
        #expect(try Self.decode(Self.birdNotificationBadMarker) == .notification(BGPNotification(code: 1, subcode: 1)))
        #expect(try Self.decode(Self.birdNotificationBadType) == .notification(BGPNotification(code: 1, subcode: 3, data: [9])))
        #expect(try Self.decode(Self.birdKeepalive) == .keepalive)
    }

    /// Our NOTIFICATIONs for the same faults match bird's byte for byte.
    @Test func ourNotificationsMatchBird() throws {
        for (bad, answer) in [(BGPTest.message(type: 4, body: []).setting(0xFE, at: 0), Self.birdNotificationBadMarker),
                              (BGPTest.message(type: 9, body: []), Self.birdNotificationBadType)] {
            var d = BGPMessageDecoder()
            var b = bad
            do {
                _ = try d.parseStep(&b)
                Issue.record("accepted")
            } catch {
                #expect(try BGPMessage.notification(error.notification).encoded() == answer)
            }
        }
    }

    /// Every capture re-encodes to an equal message; where our attribute order and length
    /// encoding match the sender's, byte for byte.
    @Test func reencodes() throws {
        for capture in Self.allCaptures {
            let m = try Self.decode(capture)
            #expect(try Self.decode(try m.encoded()) == m)
        }
        for capture in [Self.birdOpen, Self.birdUpdateIPv4, Self.birdEndOfRIBIPv4, Self.birdEndOfRIBIPv6, Self.birdRouteRefreshIPv6,
                        Self.gobgpOpen, Self.gobgpUpdateIPv4, Self.gobgpUpdateIPv4Second] {
            #expect(try Self.decode(capture).encoded() == capture, "\(capture.hexDump)")
        }
    }

    /// Both captured sessions decode the same all at once and byte by byte.
    @Test(arguments: [birdStream, gobgpStream])
    func streams(_ messages: [ByteBuffer]) throws {
        var all = ByteBuffer()
        for var m in messages { all.writeBuffer(&m) }
        let expected = try messages.map(Self.decode)
        #expect(try T.decodeAll(all) == expected)
        var decoder = BGPMessageDecoder()
        var pending = ByteBuffer()
        var out: [BGPMessage] = []
        for byte in all.readableBytesView {
            pending.writeInteger(byte)
            while let m = try decoder.parseStep(&pending) { out.append(m) }
        }
        #expect(out == expected)
    }
}
