/// The part of a frame a `FrameError` is about.
public enum FrameLayer: String, Sendable, Hashable, CustomStringConvertible {
    case ethernet
    case vlanTag
    case arp
    case ipv6
    case icmpv6
    case ndp
    case ndpOption

    public var description: String { rawValue }
}

/// Why a frame could not be decoded. Every decoder in LBWire reports malformed or truncated
/// input with one of these and never traps.
///
/// Frames come whole from a packet socket, so input that ends early is an error (`truncated`),
/// not a "need more data" state as it would be on a stream.
public enum FrameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field needed `needed` bytes from the start of its layer, only `available` were there.
    case truncated(FrameLayer, needed: Int, available: Int)
    /// The length/type field is below 0x0600, so it is an IEEE 802.3 length (an LLC frame), not
    /// an Ethernet II EtherType (IEEE 802.3 clause 3.2.6).
    case notEthernetII(lengthField: UInt16)
    /// An 802.1ad S-tag (0x88A8), the legacy 0x9100 tag, or a second 802.1Q tag: only one
    /// 802.1Q C-tag is skipped.
    case unsupportedVLANTagging(etherType: UInt16)
    /// The frame carries another protocol than the one being decoded (IPv4 given to the ARP
    /// decoder, ARP given to the NDP decoder, ...).
    case unexpectedEtherType(UInt16)
    /// RFC 826 `ar$hrd` is not 1 (Ethernet).
    case arpHardwareType(UInt16)
    /// RFC 826 `ar$pro` is not 0x0800 (IPv4).
    case arpProtocolType(UInt16)
    /// RFC 826 `ar$hln`/`ar$pln` are not 6 and 4, the only sizes Ethernet/IPv4 ARP has.
    case arpAddressLengths(hardware: UInt8, protocol: UInt8)
    /// RFC 8200 section 3: the version nibble is not 6.
    case ipVersion(UInt8)
    /// RFC 8200 section 4: an extension header follows the fixed header. NDP messages never
    /// carry one here, and walking them is not supported: the frame is dropped, typed.
    case ipv6ExtensionHeader(nextHeader: UInt8)
    /// The upper-layer protocol is not ICMPv6 (58) and not an extension header.
    case unsupportedNextHeader(UInt8)
    /// An ICMPv6 message other than Neighbor Solicitation (135) or Advertisement (136).
    case unsupportedICMPv6Type(UInt8)
    /// RFC 4861 sections 7.1.1/7.1.2: the ICMP Code of NS/NA must be 0.
    case icmpv6Code(type: UInt8, code: UInt8)
    /// RFC 4443 section 2.3: the checksum over the pseudo-header and message does not add up.
    case badChecksum(received: UInt16, expected: UInt16)
    /// RFC 4861 section 4.6: "Nodes MUST silently discard an ND packet that contains an
    /// option with length zero." `offset` is from the start of the ICMPv6 message.
    case ndpOptionLengthZero(offset: Int)
    /// An option's length (in units of 8 octets) runs past the end of the message.
    case ndpOptionOverrun(offset: Int, length: Int, available: Int)
    /// RFC 2464 section 6: on Ethernet a Source/Target Link-Layer Address option has Length 1.
    case linkLayerAddressOptionLength(Int)

    public var description: String {
        switch self {
        case .truncated(let layer, let needed, let available):
            return "truncated \(layer): needed \(needed) bytes, had \(available)"
        case .notEthernetII(let v):
            return "not Ethernet II: length/type field \(hex16(v)) is an 802.3 length"
        case .unsupportedVLANTagging(let t):
            return "unsupported VLAN tagging \(hex16(t)): only one 802.1Q tag is accepted"
        case .unexpectedEtherType(let t):
            return "unexpected EtherType \(hex16(t))"
        case .arpHardwareType(let v):
            return "ARP hardware type \(v), expected 1 (Ethernet)"
        case .arpProtocolType(let v):
            return "ARP protocol type \(hex16(v)), expected 0x0800 (IPv4)"
        case .arpAddressLengths(let h, let p):
            return "ARP address lengths \(h)/\(p), expected 6/4"
        case .ipVersion(let v):
            return "IP version \(v), expected 6"
        case .ipv6ExtensionHeader(let n):
            return "IPv6 extension header \(n) is not supported"
        case .unsupportedNextHeader(let n):
            return "IPv6 next header \(n), expected 58 (ICMPv6)"
        case .unsupportedICMPv6Type(let t):
            return "ICMPv6 type \(t) is not a neighbor solicitation or advertisement"
        case .icmpv6Code(let t, let c):
            return "ICMPv6 type \(t) with code \(c), expected 0"
        case .badChecksum(let received, let expected):
            return "ICMPv6 checksum \(hex16(received)), expected \(hex16(expected))"
        case .ndpOptionLengthZero(let offset):
            return "NDP option at offset \(offset) has length 0"
        case .ndpOptionOverrun(let offset, let length, let available):
            return "NDP option at offset \(offset) is \(length) bytes, only \(available) remain"
        case .linkLayerAddressOptionLength(let n):
            return "link-layer address option length \(n), expected 1 (8 bytes) on Ethernet"
        }
    }
}

func hex16(_ v: UInt16) -> String {
    let s = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 4 - s.count)) + s
}
