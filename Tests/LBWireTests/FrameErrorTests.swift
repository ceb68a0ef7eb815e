import LBTestSupport
import Testing

@testable import LBWire

@Suite struct FrameErrorTests {
    /// Every error reads as a sentence naming the field and value, for logs.
    @Test(arguments: [
        (FrameError.truncated(.arp, needed: 28, available: 3), "truncated arp: needed 28 bytes, had 3"),
        (.notEthernetII(lengthField: 46), "not Ethernet II: length/type field 0x002e is an 802.3 length"),
        (.unsupportedVLANTagging(etherType: 0x88A8), "unsupported VLAN tagging 0x88a8: only one 802.1Q tag is accepted"),
        (.unexpectedEtherType(0x0800), "unexpected EtherType 0x0800"),
        (.arpHardwareType(6), "ARP hardware type 6, expected 1 (Ethernet)"),
        (.arpProtocolType(0x86DD), "ARP protocol type 0x86dd, expected 0x0800 (IPv4)"),
        (.arpAddressLengths(hardware: 8, protocol: 4), "ARP address lengths 8/4, expected 6/4"),
        (.ipVersion(4), "IP version 4, expected 6"),
        (.ipv6ExtensionHeader(nextHeader: 0), "IPv6 extension header 0 is not supported"),
        (.unsupportedNextHeader(17), "IPv6 next header 17, expected 58 (ICMPv6)"),
        (.unsupportedICMPv6Type(133), "ICMPv6 type 133 is not a neighbor solicitation or advertisement"),
        (.icmpv6Code(type: 135, code: 1), "ICMPv6 type 135 with code 1, expected 0"),
        (.badChecksum(received: 0x1C1E, expected: 1), "ICMPv6 checksum 0x1c1e, expected 0x0001"),
        (.ndpOptionLengthZero(offset: 24), "NDP option at offset 24 has length 0"),
        (.ndpOptionOverrun(offset: 24, length: 16, available: 8), "NDP option at offset 24 is 16 bytes, only 8 remain"),
        (.linkLayerAddressOptionLength(2), "link-layer address option length 2, expected 1 (8 bytes) on Ethernet"),
    ])
    func describes(_ error: FrameError, _ text: String) {
        #expect(error.description == text)
    }
}
