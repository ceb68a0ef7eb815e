import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

@Suite struct MACAddressTests {
    @Test func parsesAndFormatsColonForm() throws {
        let mac = try #require(MACAddress("AA:bb:0c:dd:ee:0F"))
        #expect(mac.bytes == [0xAA, 0xBB, 0x0C, 0xDD, 0xEE, 0x0F])
        #expect(mac.description == "aa:bb:0c:dd:ee:0f")
        #expect(MACAddress(mac.description) == mac)
        #expect(mac.value == 0xAABB_0CDD_EE0F)
    }

    @Test(arguments: [
        "", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00", "a:bb:cc:dd:ee:ff", "aaa:bb:cc:dd:ee:ff",
        "aa-bb-cc-dd-ee-ff", "aa:bb:cc:dd:ee:gg", "aa:bb:cc:dd:ee:", ":aa:bb:cc:dd:ee", "aa::cc:dd:ee:ff",
        "+a:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff ", "٣٣:bb:cc:dd:ee:ff",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(MACAddress(text) == nil)
    }

    @Test func buildsFromBytesAndValue() {
        #expect(MACAddress(bytes: [1, 2, 3, 4, 5, 6]) == MACAddress(1, 2, 3, 4, 5, 6))
        #expect(MACAddress(bytes: [1, 2, 3, 4, 5]) == nil)
        #expect(MACAddress(bytes: [1, 2, 3, 4, 5, 6, 7]) == nil)
        #expect(MACAddress(value: 0xFFFF_FFFF_FFFF) == .broadcast)
        #expect(MACAddress(value: 0x1_0000_0000_0000) == nil)
    }

    @Test func classifiesAddresses() throws {
        #expect(MACAddress.broadcast.isBroadcast && MACAddress.broadcast.isMulticast)
        #expect(!MACAddress.broadcast.isUnicast)
        #expect(MACAddress.zero.isZero && !MACAddress.zero.isUnicast)
        let multicast = try #require(MACAddress("01:00:5e:00:00:01"))
        #expect(multicast.isMulticast && !multicast.isBroadcast && !multicast.isUnicast)
        let local = try #require(MACAddress("02:00:00:00:00:0a"))
        #expect(local.isUnicast && local.isLocallyAdministered && !local.isMulticast)
        let universal = try #require(MACAddress("00:1b:21:3a:4f:5e"))
        #expect(universal.isUnicast && !universal.isLocallyAdministered)
    }

    /// RFC 2464 section 7: 33:33 followed by the last four octets.
    @Test func mapsIPv6MulticastAddresses() throws {
        let allNodes = try #require(MACAddress(ipv6Multicast: IPAddress.ipv6AllNodes))
        #expect(allNodes.description == "33:33:00:00:00:01")
        #expect(allNodes == MACAddress.ipv6AllNodes)
        let group = addr("ff02::1:ff00:2")
        #expect(MACAddress(ipv6Multicast: group)?.description == "33:33:ff:00:00:02")
        let wide = addr("ff0e::1234:5678:9abc")
        #expect(MACAddress(ipv6Multicast: wide)?.description == "33:33:56:78:9a:bc")
        #expect(MACAddress(ipv6Multicast: addr("2001:db8::1")) == nil)
        #expect(MACAddress(ipv6Multicast: addr("224.0.0.1")) == nil)
    }

    @Test func readsAndWritesOnByteBuffers() {
        var b = ByteBuffer()
        let mac = MACAddress(0x02, 0, 0, 0, 0, 0x0B)
        #expect(b.writeMACAddress(mac) == 6)
        b.writeInteger(UInt8(0x99))
        #expect(b.readMACAddress() == mac)
        #expect(b.readMACAddress() == nil)
        #expect(b.readableBytes == 1, "a failed read consumes nothing")
    }

    @Test func ordersByValue() {
        #expect(MACAddress.zero < MACAddress(0, 0, 0, 0, 0, 1))
        #expect(MACAddress(0, 0, 0, 0, 0, 1) < MACAddress.broadcast)
    }
}
