import LBCore
import NIOCore

/// An ARP packet for Ethernet and IPv4 (RFC 826, "Packet format"): the only combination a
/// layer-2 LoadBalancer answers.
///
/// ```
/// ar$hrd  16 bits  hardware address space       1 (Ethernet)
/// ar$pro  16 bits  protocol address space       0x0800 (IPv4)
/// ar$hln   8 bits  byte length of hw addresses  6
/// ar$pln   8 bits  byte length of proto addrs   4
/// ar$op   16 bits  opcode                       1 request, 2 reply
/// ar$sha, ar$spa, ar$tha, ar$tpa                sender/target hardware/protocol addresses
/// ```
public struct ARPPacket: Hashable, Sendable {
    /// RFC 826 `ar$op`. Values other than request and reply (RARP, InARP, ...) decode as
    /// `.other` so the caller can name them when it drops them.
    public enum Operation: Hashable, Sendable {
        case request
        case reply
        case other(UInt16)

        public init(rawValue: UInt16) {
            switch rawValue {
            case 1: self = .request
            case 2: self = .reply
            default: self = .other(rawValue)
            }
        }

        public var rawValue: UInt16 {
            switch self {
            case .request: return 1
            case .reply: return 2
            case .other(let v): return v
            }
        }
    }

    /// Size of an Ethernet/IPv4 ARP packet: 8 fixed bytes + 2 * (6 + 4).
    public static let length = 28
    /// RFC 826 `ar$hrd` for Ethernet (IANA "Hardware Types").
    public static let hardwareTypeEthernet: UInt16 = 1

    public var operation: Operation
    /// `ar$sha`.
    public var senderHardwareAddress: MACAddress
    /// `ar$spa`, as an IPv4 value (host order).
    public var senderIPv4: UInt32
    /// `ar$tha`.
    public var targetHardwareAddress: MACAddress
    /// `ar$tpa`, as an IPv4 value (host order).
    public var targetIPv4: UInt32

    public init(
        operation: Operation, senderHardwareAddress: MACAddress, senderIPv4: UInt32,
        targetHardwareAddress: MACAddress, targetIPv4: UInt32
    ) {
        self.operation = operation
        self.senderHardwareAddress = senderHardwareAddress
        self.senderIPv4 = senderIPv4
        self.targetHardwareAddress = targetHardwareAddress
        self.targetIPv4 = targetIPv4
    }

    /// Builds a packet from `IPAddress`es; nil unless both are IPv4.
    public init?(
        operation: Operation, senderHardwareAddress: MACAddress, senderIP: IPAddress,
        targetHardwareAddress: MACAddress, targetIP: IPAddress
    ) {
        guard senderIP.family == .ipv4, targetIP.family == .ipv4 else { return nil }
        self.init(
            operation: operation, senderHardwareAddress: senderHardwareAddress,
            senderIPv4: UInt32(truncatingIfNeeded: senderIP.value),
            targetHardwareAddress: targetHardwareAddress, targetIPv4: UInt32(truncatingIfNeeded: targetIP.value))
    }

    public var senderIP: IPAddress { IPAddress(ipv4: senderIPv4) }
    public var targetIP: IPAddress { IPAddress(ipv4: targetIPv4) }

    /// An ARP Probe, RFC 5227 section 2.1.1: a request with sender IP 0.0.0.0 asking whether
    /// anyone uses the target IP.
    public var isProbe: Bool { operation == .request && senderIPv4 == 0 }

    /// A gratuitous ARP (RFC 5227 section 3 "ARP Announcement", RFC 5944 section 4.6): sender
    /// and target IP are the same, non-zero address. It states a binding, it asks nothing.
    public var isGratuitous: Bool { senderIPv4 == targetIPv4 && senderIPv4 != 0 }
}

extension ByteBuffer {
    /// Reads an Ethernet/IPv4 ARP packet (28 bytes, RFC 826). Any other hardware or protocol
    /// type or address length is an error: those packets cannot be parsed with fixed offsets.
    /// Bytes after the packet (Ethernet padding) are left unread. On error nothing is read.
    public mutating func readARPPacket() throws(FrameError) -> ARPPacket {
        var b = self
        let available = b.readableBytes
        guard let hrd = b.readInteger(as: UInt16.self), let pro = b.readInteger(as: UInt16.self),
            let hln = b.readInteger(as: UInt8.self), let pln = b.readInteger(as: UInt8.self),
            let op = b.readInteger(as: UInt16.self)
        else { throw .truncated(.arp, needed: 8, available: available) }
        guard hrd == ARPPacket.hardwareTypeEthernet else { throw .arpHardwareType(hrd) }
        guard pro == EtherType.ipv4.rawValue else { throw .arpProtocolType(pro) }
        guard hln == 6, pln == 4 else { throw .arpAddressLengths(hardware: hln, protocol: pln) }
        guard let sha = b.readMACAddress(), let spa = b.readInteger(as: UInt32.self),
            let tha = b.readMACAddress(), let tpa = b.readInteger(as: UInt32.self)
        else { throw .truncated(.arp, needed: ARPPacket.length, available: available) }
        self = b
        return ARPPacket(
            operation: .init(rawValue: op), senderHardwareAddress: sha, senderIPv4: spa,
            targetHardwareAddress: tha, targetIPv4: tpa)
    }

    /// Writes `packet` (28 bytes); returns the number of bytes written.
    @discardableResult
    public mutating func writeARPPacket(_ packet: ARPPacket) -> Int {
        writeInteger(ARPPacket.hardwareTypeEthernet)
            + writeInteger(EtherType.ipv4.rawValue)
            + writeInteger(UInt8(6)) + writeInteger(UInt8(4))
            + writeInteger(packet.operation.rawValue)
            + writeMACAddress(packet.senderHardwareAddress) + writeInteger(packet.senderIPv4)
            + writeMACAddress(packet.targetHardwareAddress) + writeInteger(packet.targetIPv4)
    }
}
