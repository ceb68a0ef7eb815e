import LBCore
import NIOCore

/// The ICMPv6 checksum, RFC 4443 section 2.3: the 16-bit one's complement of the one's
/// complement sum of the whole ICMPv6 message, prefixed with the IPv6 pseudo-header of RFC 8200
/// section 8.1 (source, destination, 32-bit upper-layer length, 24 zero bits, next header 58).
public enum ICMPv6Checksum {
    /// The checksum to put in a message's checksum field (bytes 2-3), which is taken as zero
    /// whatever it holds. `message` is the readable bytes of the buffer.
    public static func compute(message: ByteBuffer, source: IPAddress, destination: IPAddress) -> UInt16 {
        var sum = pseudoHeaderSum(source: source, destination: destination, length: message.readableBytes)
        sum &+= onesComplementSum(message, skippingChecksum: true)
        return ~fold(sum)
    }

    /// True when the message's own checksum field is right: the sum over pseudo-header and
    /// message, field included, is all ones. This accepts either one's complement zero (0x0000
    /// or 0xFFFF) in the field.
    public static func isValid(message: ByteBuffer, source: IPAddress, destination: IPAddress) -> Bool {
        var sum = pseudoHeaderSum(source: source, destination: destination, length: message.readableBytes)
        sum &+= onesComplementSum(message, skippingChecksum: false)
        return fold(sum) == 0xFFFF
    }

    static func pseudoHeaderSum(source: IPAddress, destination: IPAddress, length: Int) -> UInt64 {
        var sum: UInt64 = 0
        for address in [source.value, destination.value] {
            for i in 0..<8 { sum &+= UInt64(truncatingIfNeeded: (address >> UInt128(16 * i)) & 0xFFFF) }
        }
        let length32 = UInt32(truncatingIfNeeded: length)
        sum &+= UInt64(length32 >> 16) &+ UInt64(length32 & 0xFFFF)
        sum &+= UInt64(IPv6Header.nextHeaderICMPv6)
        return sum
    }

    static func onesComplementSum(_ message: ByteBuffer, skippingChecksum: Bool) -> UInt64 {
        message.withUnsafeReadableBytes { raw in
            var sum: UInt64 = 0
            var i = 0
            let n = raw.count
            while i + 1 < n {
                if !(skippingChecksum && i == 2) {
                    sum &+= UInt64(raw[i]) << 8 | UInt64(raw[i + 1])
                }
                i += 2
            }
            if i < n { sum &+= UInt64(raw[i]) << 8 }
            return sum
        }
    }

    static func fold(_ value: UInt64) -> UInt16 {
        var s = value
        while s >> 16 != 0 { s = (s & 0xFFFF) &+ (s >> 16) }
        return UInt16(s)
    }
}
