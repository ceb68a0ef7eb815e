import LBCore
import NIOCore

/// The few IPv6 address facts neighbor discovery needs. The names carry "IPv6" so they do not
/// collide with anything LBCore may later add to `IPAddress`.
extension IPAddress {
    /// `::`, the source of a Duplicate Address Detection probe (RFC 4862 section 5.4.2).
    public static let ipv6Unspecified = IPAddress(ipv6: 0)

    /// `ff02::1`, the link-local all-nodes group (RFC 4291 section 2.7.1), destination of
    /// unsolicited Neighbor Advertisements (RFC 4861 section 7.2.6).
    public static let ipv6AllNodes = IPAddress(ipv6: 0xFF02 << 112 | 1)

    /// RFC 4291 section 2.7: ff00::/8.
    public var isIPv6Multicast: Bool { family == .ipv6 && value >> 120 == 0xFF }

    /// `::`, and only for the IPv6 family.
    public var isIPv6Unspecified: Bool { family == .ipv6 && value == 0 }

    /// An IPv4 address in 224.0.0.0/4 (RFC 5771) or the limited broadcast 255.255.255.255: no
    /// host may claim one as its own.
    public var isIPv4MulticastOrBroadcast: Bool {
        family == .ipv4 && (value >> 28 == 0xE || value == 0xFFFF_FFFF)
    }

    /// The solicited-node multicast address of this IPv6 address, RFC 4291 section 2.7.1:
    /// `ff02::1:ff00:0/104` followed by the low-order 24 bits of the address. nil for IPv4.
    public var solicitedNodeMulticast: IPAddress? {
        guard family == .ipv6 else { return nil }
        return IPAddress(ipv6: IPAddress.solicitedNodePrefix | (value & 0xFF_FFFF))
    }

    /// True for an address in `ff02::1:ff00:0/104`.
    public var isSolicitedNodeMulticast: Bool {
        family == .ipv6 && value & ~UInt128(0xFF_FFFF) == IPAddress.solicitedNodePrefix
    }

    static let solicitedNodePrefix: UInt128 = 0xFF02 << 112 | 0x1_FF00_0000
}

extension MACAddress {
    /// 33:33:00:00:00:01, the RFC 2464 section 7 mapping of all-nodes `ff02::1`.
    public static let ipv6AllNodes = MACAddress(0x33, 0x33, 0, 0, 0, 1)

    /// The Ethernet destination of a Neighbor Solicitation for `address`: the RFC 2464 mapping
    /// of its solicited-node multicast address, `33:33:ff:XX:XX:XX`. nil for IPv4.
    public init?(solicitedNodeOf address: IPAddress) {
        guard let group = address.solicitedNodeMulticast else { return nil }
        self.init(ipv6Multicast: group)
    }
}

extension ByteBuffer {
    /// Reads 4 octets as an IPv4 address (network order); nil when fewer remain.
    public mutating func readIPv4Address() -> IPAddress? {
        guard let v = readInteger(as: UInt32.self) else { return nil }
        return IPAddress(ipv4: v)
    }

    /// Reads 16 octets as an IPv6 address (network order); nil when fewer remain.
    public mutating func readIPv6Address() -> IPAddress? {
        guard let hi = readInteger(as: UInt64.self) else { return nil }
        guard let lo = readInteger(as: UInt64.self) else {
            moveReaderIndex(to: readerIndex - 8)
            return nil
        }
        return IPAddress(ipv6: UInt128(hi) << 64 | UInt128(lo))
    }

    /// Writes the 16 octets of an IPv6 address. An IPv4-family address is written as its
    /// value, i.e. in the deprecated IPv4-compatible form `::a.b.c.d`; callers pass IPv6.
    @discardableResult
    public mutating func writeIPv6Address(_ address: IPAddress) -> Int {
        writeInteger(UInt64(truncatingIfNeeded: address.value >> 64))
            + writeInteger(UInt64(truncatingIfNeeded: address.value))
    }
}
