import LBCore
import NIOCore

/// A 48-bit IEEE 802 MAC address (EUI-48).
public struct MACAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The address in the low 48 bits, first octet most significant.
    public let value: UInt64

    /// nil when `value` does not fit in 48 bits.
    public init?(value: UInt64) {
        guard value >> 48 == 0 else { return nil }
        self.value = value
    }

    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8, _ b5: UInt8) {
        var v: UInt64 = 0
        for b in [b0, b1, b2, b3, b4, b5] { v = (v << 8) | UInt64(b) }
        self.value = v
    }

    /// Builds an address from exactly six octets in transmission order; nil otherwise.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 6 else { return nil }
        var v: UInt64 = 0
        for b in bytes { v = (v << 8) | UInt64(b) }
        self.value = v
    }

    /// Parses the colon form `aa:bb:cc:dd:ee:ff` (six groups of exactly two hex digits, either
    /// case), as `ip link` and /sys/class/net/IF/address print it.
    public init?(_ text: String) {
        let groups = text.split(separator: ":", omittingEmptySubsequences: false)
        guard groups.count == 6 else { return nil }
        var v: UInt64 = 0
        for g in groups {
            guard g.count == 2, g.allSatisfy({ $0.isASCII && $0.isHexDigit }), let b = UInt8(g, radix: 16)
            else { return nil }
            v = (v << 8) | UInt64(b)
        }
        self.value = v
    }

    /// ff:ff:ff:ff:ff:ff, the destination of ARP requests and gratuitous ARP (RFC 826).
    public static let broadcast = MACAddress(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)

    /// 00:00:00:00:00:00, the "unknown" target hardware address of an ARP request (RFC 5227
    /// section 2.1.1: "SHOULD be set to all zeroes").
    public static let zero = MACAddress(0, 0, 0, 0, 0, 0)

    /// The six octets in transmission order.
    public var bytes: [UInt8] {
        (0..<6).map { i in UInt8(truncatingIfNeeded: value >> UInt64(8 * (5 - i))) }
    }

    public var isBroadcast: Bool { self == .broadcast }

    /// The Individual/Group bit, the least significant bit of the first octet (IEEE 802-2014
    /// section 8.2): set for multicast and broadcast destinations.
    public var isMulticast: Bool { (value >> 40) & 0x01 == 1 }

    /// The Universal/Local bit, the second least significant bit of the first octet.
    public var isLocallyAdministered: Bool { (value >> 40) & 0x02 == 2 }

    public var isZero: Bool { value == 0 }

    /// A unicast address a frame can be sent to: not multicast, broadcast or all zeroes.
    public var isUnicast: Bool { !isMulticast && !isZero }

    /// The Ethernet multicast address an IPv6 multicast address maps to, RFC 2464 section 7:
    /// 33:33 followed by the last four octets of the IPv6 address. nil for anything but an IPv6
    /// multicast address (ff00::/8).
    public init?(ipv6Multicast address: IPAddress) {
        guard address.isIPv6Multicast else { return nil }
        self.value = 0x3333_0000_0000 | UInt64(truncatingIfNeeded: address.value & 0xFFFF_FFFF)
    }

    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.value < rhs.value }

    /// Lowercase colon form, `aa:bb:cc:dd:ee:ff`.
    public var description: String {
        bytes.map { b in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined(separator: ":")
    }
}

extension ByteBuffer {
    /// Reads six octets as a MAC address; nil (and nothing read) when fewer remain.
    public mutating func readMACAddress() -> MACAddress? {
        guard let bytes = readBytes(length: 6) else { return nil }
        return MACAddress(bytes: bytes)
    }

    /// Writes the six octets of `address`; returns 6.
    @discardableResult
    public mutating func writeMACAddress(_ address: MACAddress) -> Int {
        writeBytes(address.bytes)
    }
}
