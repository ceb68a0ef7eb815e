import LBCore
import NIOCore

/// A whole neighbor discovery frame as it comes from or goes to a packet socket: Ethernet
/// header, fixed IPv6 header (next header 58, no extension headers), and an NS or NA.
public struct NDPFrame: Hashable, Sendable {
    public var ethernet: EthernetHeader
    /// On encoding, `payloadLength` and `nextHeader` are written from the message, whatever
    /// they hold; a decoded frame has them as they were on the wire.
    public var ipv6: IPv6Header
    public var message: NDPMessage

    public init(ethernet: EthernetHeader, ipv6: IPv6Header, message: NDPMessage) {
        self.ethernet = ethernet
        self.ipv6 = ipv6
        self.message = message
        self.ipv6.payloadLength = UInt16(truncatingIfNeeded: message.encodedLength)
        self.ipv6.nextHeader = IPv6Header.nextHeaderICMPv6
    }

    /// Decodes a frame: Ethernet II (one 802.1Q tag allowed) with EtherType 0x86DD, the IPv6
    /// header, then exactly `payloadLength` bytes of ICMPv6 (bytes past it are Ethernet padding
    /// and ignored). Extension headers are `FrameError.ipv6ExtensionHeader`, any other upper
    /// layer `unsupportedNextHeader`; see `NDPMessage.init(decoding:source:destination:)` for
    /// the checks on the message.
    public init(decoding frame: ByteBuffer) throws(FrameError) {
        var b = frame
        let ethernet = try b.readEthernetHeader()
        guard ethernet.etherType == .ipv6 else { throw .unexpectedEtherType(ethernet.etherType.rawValue) }
        let ipv6 = try b.readIPv6Header()
        guard ipv6.nextHeader == IPv6Header.nextHeaderICMPv6 else {
            if IPv6Header.extensionHeaders.contains(ipv6.nextHeader) {
                throw .ipv6ExtensionHeader(nextHeader: ipv6.nextHeader)
            }
            throw .unsupportedNextHeader(ipv6.nextHeader)
        }
        let payloadLength = Int(ipv6.payloadLength)
        guard let payload = b.readSlice(length: payloadLength) else {
            throw .truncated(
                .ipv6, needed: IPv6Header.length + payloadLength, available: IPv6Header.length + b.readableBytes)
        }
        self.ethernet = ethernet
        self.ipv6 = ipv6
        self.message = try NDPMessage(decoding: payload, source: ipv6.source, destination: ipv6.destination)
    }

    /// The frame's bytes with payload length and ICMPv6 checksum filled in, zero-padded to the
    /// Ethernet minimum (an NS or NA is at least 78 bytes, so this never adds any).
    public func encoded() -> ByteBuffer {
        var header = ipv6
        header.payloadLength = UInt16(truncatingIfNeeded: message.encodedLength)
        header.nextHeader = IPv6Header.nextHeaderICMPv6
        var b = ByteBuffer()
        b.reserveCapacity(ethernet.encodedLength + IPv6Header.length + message.encodedLength)
        b.writeEthernetHeader(ethernet)
        b.writeIPv6Header(header)
        b.writeNDPMessage(message, source: header.source, destination: header.destination)
        b.padToEthernetMinimum()
        return b
    }
}

extension NDPFrame {
    /// An unsolicited Neighbor Advertisement for `ip` from `mac`, RFC 4861 section 7.2.6: to
    /// all-nodes `ff02::1` (Ethernet 33:33:00:00:00:01), hop limit 255, Solicited clear (it
    /// answers nothing), Override set so that caches holding the previous owner's link-layer
    /// address replace it (section 7.2.5), with a Target Link-Layer Address option. The source
    /// address is `ip` itself, an address of the sending interface (section 4.4), as the Linux
    /// kernel does for the addresses it owns. nil unless `ip` is a unicast IPv6 address.
    public static func unsolicitedAdvertisement(ip: IPAddress, mac: MACAddress, vlan: VLANTag? = nil) -> NDPFrame? {
        guard ip.family == .ipv6, !ip.isIPv6Multicast, !ip.isIPv6Unspecified else { return nil }
        return NDPFrame(
            ethernet: EthernetHeader(destination: .ipv6AllNodes, source: mac, vlan: vlan, etherType: .ipv6),
            ipv6: IPv6Header(source: ip, destination: .ipv6AllNodes),
            message: .neighborAdvertisement(
                NeighborAdvertisement(
                    solicited: false, override: true, target: ip, options: [.targetLinkLayerAddress(mac)])))
    }
}
