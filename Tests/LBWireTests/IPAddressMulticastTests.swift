import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

@Suite struct IPAddressMulticastTests {
    /// RFC 4291 section 2.7.1: ff02::1:ff00:0/104 plus the low 24 bits.
    @Test(arguments: [
        ("2001:db8::2", "ff02::1:ff00:2"),
        ("fe80::ff:fe00:a", "ff02::1:ff00:a"),
        ("2001:db8::abcd:ef12:3456", "ff02::1:ff12:3456"),
        ("::", "ff02::1:ff00:0"),
    ])
    func solicitedNodeAddress(_ address: String, _ group: String) throws {
        let ip = try #require(IPAddress(address))
        let expected = try #require(IPAddress(group))
        #expect(ip.solicitedNodeMulticast == expected)
        #expect(expected.isSolicitedNodeMulticast)
        #expect(expected.isIPv6Multicast)
        #expect(MACAddress(solicitedNodeOf: ip) == MACAddress(ipv6Multicast: expected))
    }

    @Test func solicitedNodeMACOfCapturedTarget() throws {
        // kernelSolicitation was sent to 33:33:ff:00:00:02 for 2001:db8::2.
        let mac = MACAddress(solicitedNodeOf: addr("2001:db8::2"))
        #expect(mac?.description == "33:33:ff:00:00:02")
    }

    @Test func ipv4HasNoSolicitedNodeGroup() throws {
        let v4 = addr("192.0.2.1")
        #expect(v4.solicitedNodeMulticast == nil)
        #expect(MACAddress(solicitedNodeOf: v4) == nil)
        #expect(!v4.isSolicitedNodeMulticast && !v4.isIPv6Multicast && !v4.isIPv6Unspecified)
    }

    @Test func classifiesAddresses() throws {
        #expect(IPAddress.ipv6AllNodes.description == "ff02::1")
        #expect(!IPAddress.ipv6AllNodes.isSolicitedNodeMulticast)
        #expect(IPAddress.ipv6Unspecified.isIPv6Unspecified)
        #expect(!addr("ff02::2:ff00:1").isSolicitedNodeMulticast)
        #expect(!addr("0.0.0.0").isIPv6Unspecified)
        for text in ["224.0.0.1", "239.255.255.255", "255.255.255.255"] {
            #expect(try #require(IPAddress(text)).isIPv4MulticastOrBroadcast, "\(text)")
        }
        for text in ["223.255.255.255", "192.0.2.1", "0.0.0.0", "ff02::1"] {
            #expect(!(try #require(IPAddress(text)).isIPv4MulticastOrBroadcast), "\(text)")
        }
    }

    @Test func readsAndWritesAddresses() throws {
        let v6 = addr("2001:db8::1:2")
        var b = ByteBuffer()
        #expect(b.writeIPv6Address(v6) == 16)
        b.writeInteger(UInt32(0xC000_0201))
        #expect(b.readIPv6Address() == v6)
        #expect(b.readIPv6Address() == nil)
        #expect(b.readableBytes == 4, "a failed read consumes nothing")
        #expect(b.readIPv4Address()?.description == "192.0.2.1")
        #expect(b.readIPv4Address() == nil)
        var short = ByteBuffer(bytes: Array(repeating: 0, count: 12))
        #expect(short.readIPv6Address() == nil)
        #expect(short.readableBytes == 12)
    }
}
