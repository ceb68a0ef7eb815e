import LBCore
import NIOCore

/// RFC 4271 section 4.3 NLRI / Withdrawn Routes encoding (also used by RFC 4760 MP_REACH and
/// MP_UNREACH): a one-octet length in bits followed by the fewest octets holding that many bits.
extension IPPrefix {
    /// Octets this prefix takes on the wire: 1 + ceil(length / 8).
    var bgpEncodedLength: Int { 1 + (length + 7) / 8 }
}

extension ByteBuffer {
    mutating func writeBGPPrefix(_ prefix: IPPrefix) {
        writeInteger(UInt8(prefix.length))
        let bytes = prefix.network.bytes
        writeBytes(bytes[0..<((prefix.length + 7) / 8)])
    }

    /// Reads prefixes until the buffer is empty. Returns nil if a length exceeds the family's
    /// width or the octets run out (RFC 4271 section 6.3 "Invalid Network Field").
    mutating func readBGPPrefixes(family: IPFamily) -> [IPPrefix]? {
        var prefixes: [IPPrefix] = []
        let width = family.bitWidth / 8
        while readableBytes > 0 {
            guard let bits: UInt8 = readInteger(), Int(bits) <= family.bitWidth else { return nil }
            let count = (Int(bits) + 7) / 8
            guard let octets = readBytes(length: count) else { return nil }
            var full = octets
            full.append(contentsOf: repeatElement(0, count: width - count))
            guard let address = IPAddress(bytes: full),
                let prefix = IPPrefix(address: address, length: Int(bits))
            else { return nil }
            prefixes.append(prefix)
        }
        return prefixes
    }
}
