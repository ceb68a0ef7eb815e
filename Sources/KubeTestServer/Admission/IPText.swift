#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Textual IP addresses as the API validates them: parsed with `inet_pton`, printed canonically.
public struct IPText: Sendable, Hashable {
    /// 4 or 16 bytes.
    public let bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }
    public var family: String { isIPv4 ? "IPv4" : "IPv6" }

    public init?(_ text: String) {
        guard !text.isEmpty, text.count <= 45 else { return nil }
        if text.contains(":") {
            var addr = in6_addr()
            guard inet_pton(AF_INET6, text, &addr) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &addr) { Array($0) }
        } else {
            // Go's net.ParseIP rejects leading zeros ("010.0.0.1") since 1.17; inet_pton does too.
            var addr = in_addr()
            guard inet_pton(AF_INET, text, &addr) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &addr) { Array($0) }
        }
    }

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public var text: String {
        var buffer = [CChar](repeating: 0, count: 64)
        var copy = bytes
        let family = isIPv4 ? AF_INET : AF_INET6
        let ok = copy.withUnsafeMutableBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return "" }
        return String(cString: buffer)
    }

    /// The address `offset` positions after `self` (no overflow handling beyond the last byte).
    public func adding(_ offset: UInt64) -> IPText {
        var result = bytes
        var carry = offset
        var i = result.count - 1
        while carry > 0, i >= 0 {
            let sum = UInt64(result[i]) + (carry & 0xFF)
            result[i] = UInt8(sum & 0xFF)
            carry = (carry >> 8) + (sum >> 8)
            i -= 1
        }
        return IPText(bytes: result)
    }

    /// Whether `self` lies inside `prefix`/`length`.
    public func isInside(_ prefix: IPText, length: Int) -> Bool {
        guard prefix.bytes.count == bytes.count else { return false }
        var remaining = length
        for i in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if bytes[i] & mask != prefix.bytes[i] & mask { return false }
            remaining -= bits
        }
        return true
    }
}

/// A CIDR block such as `10.96.0.0/12`.
public struct CIDRText: Sendable, Hashable, CustomStringConvertible {
    public let address: IPText
    public let length: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPText(String(parts[0])), let length = Int(parts[1]),
              length >= 0, length <= address.bytes.count * 8 else { return nil }
        self.address = address
        self.length = length
    }

    public func contains(_ ip: IPText) -> Bool { ip.isInside(address, length: length) }

    /// The number of addresses, capped to fit in a UInt64.
    public var size: UInt64 {
        let hostBits = address.bytes.count * 8 - length
        return hostBits >= 63 ? UInt64(1) << 62 : UInt64(1) << UInt64(hostBits)
    }

    public var description: String { "\(address.text)/\(length)" }
}
