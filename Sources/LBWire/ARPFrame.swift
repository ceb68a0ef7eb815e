import LBCore
import NIOCore

/// A whole ARP frame as it comes from or goes to a packet socket: Ethernet header + ARP packet.
public struct ARPFrame: Hashable, Sendable {
    public var ethernet: EthernetHeader
    public var packet: ARPPacket

    public init(ethernet: EthernetHeader, packet: ARPPacket) {
        self.ethernet = ethernet
        self.packet = packet
    }

    /// Decodes a frame: Ethernet II (one 802.1Q tag allowed), EtherType 0x0806, then an
    /// Ethernet/IPv4 ARP packet. Trailing bytes (Ethernet padding) are ignored; a frame that
    /// ends early is `FrameError.truncated`.
    public init(decoding frame: ByteBuffer) throws(FrameError) {
        var b = frame
        let ethernet = try b.readEthernetHeader()
        guard ethernet.etherType == .arp else { throw .unexpectedEtherType(ethernet.etherType.rawValue) }
        self.ethernet = ethernet
        self.packet = try b.readARPPacket()
    }

    /// The frame's bytes, zero-padded to the 60-byte Ethernet minimum (42 bytes of header and
    /// packet, 46 when tagged): the FCS is added by the NIC.
    public func encoded() -> ByteBuffer {
        var b = ByteBuffer()
        b.reserveCapacity(EthernetHeader.minimumFrameLength)
        b.writeEthernetHeader(ethernet)
        b.writeARPPacket(packet)
        b.padToEthernetMinimum()
        return b
    }
}

extension ARPFrame {
    /// The two forms of gratuitous ARP a host sends when it takes an address over.
    public enum GratuitousForm: Hashable, Sendable, CaseIterable {
        /// An ARP Announcement (RFC 5227 section 3): a broadcast request whose sender and
        /// target IP are the address, sender MAC ours, target MAC all zeroes ("ignored and
        /// SHOULD be set to all zeroes", RFC 5227 section 2.1.1). Updates hosts that only
        /// act on requests.
        case request
        /// A broadcast reply with sender and target IP the address and sender and target MAC
        /// ours (RFC 5944 section 4.6: "the Target Hardware Address is also set to the
        /// link-layer address to which this cache entry should be updated"). Linux treats a
        /// reply as gratuitous (bypassing its `locktime`) only in this form (`arp_is_garp`).
        case reply
    }

    /// A broadcast gratuitous ARP frame binding `ip` to `mac`; nil unless `ip` is IPv4.
    public static func gratuitous(
        _ form: GratuitousForm, ip: IPAddress, mac: MACAddress, vlan: VLANTag? = nil
    ) -> ARPFrame? {
        guard ip.family == .ipv4 else { return nil }
        let v4 = UInt32(truncatingIfNeeded: ip.value)
        let packet = ARPPacket(
            operation: form == .request ? .request : .reply,
            senderHardwareAddress: mac, senderIPv4: v4,
            targetHardwareAddress: form == .request ? .zero : mac, targetIPv4: v4)
        return ARPFrame(
            ethernet: EthernetHeader(destination: .broadcast, source: mac, vlan: vlan, etherType: .arp),
            packet: packet)
    }

    /// The reply to `self` (a request) from the owner of its target IP, RFC 826 "Packet
    /// Reception": swap sender and target, put `mac` and the target IP in the sender fields,
    /// set the opcode to reply and send it to the (new) target hardware address, in the same
    /// VLAN. For an ARP Probe (sender IP 0.0.0.0) this gives target IP 0.0.0.0, which is what
    /// the Linux kernel sends and what RFC 5227 section 2.1.1's prober looks for.
    public func reply(from mac: MACAddress) -> ARPFrame {
        ARPFrame(
            ethernet: EthernetHeader(
                destination: packet.senderHardwareAddress, source: mac, vlan: ethernet.vlan, etherType: .arp),
            packet: ARPPacket(
                operation: .reply,
                senderHardwareAddress: mac, senderIPv4: packet.targetIPv4,
                targetHardwareAddress: packet.senderHardwareAddress, targetIPv4: packet.senderIPv4))
    }
}
