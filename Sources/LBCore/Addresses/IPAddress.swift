/// The two address families. Raw values match Kubernetes' `spec.ipFamilies` strings.
public enum IPFamily: String, Sendable, Hashable, CaseIterable, Codable, Comparable, CustomStringConvertible {
    case ipv4 = "IPv4"
    case ipv6 = "IPv6"

    /// Number of bits in an address of this family.
    public var bitWidth: Int { self == .ipv4 ? 32 : 128 }

    /// The largest address value of this family (all ones).
    public var maxValue: UInt128 { self == .ipv4 ? UInt128(UInt32.max) : UInt128.max }

    public var description: String { rawValue }

    public static func < (lhs: IPFamily, rhs: IPFamily) -> Bool { lhs == .ipv4 && rhs == .ipv6 }
}

/// Why an address, prefix or range could not be parsed. The message quotes the input and says
/// what was expected, so it can be shown to a user as is.
public struct AddressParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let input: String
    public let reason: String

    public init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }

    public var description: String { "\"\(input)\": \(reason)" }
}

/// An IPv4 or IPv6 address. The value is a `UInt128` (IPv4 in the low 32 bits), so arithmetic
/// is exact across the whole IPv6 space.
///
/// It is stored as two `UInt64` halves with the family after them: 17 bytes with 8-byte
/// alignment, a stride of 24. A stored `UInt128` has 16-byte alignment, which made the stride 32
/// and an `IPPrefix` 48; every table keyed by address (plans, sets, a peer's routes) is made of
/// these, so with 10,000 Service IPs the layout alone was megabytes of the speaker's memory.
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    private let high: UInt64
    private let low: UInt64
    public let family: IPFamily

    /// The address as an unsigned integer in host order (IPv4 uses the low 32 bits).
    public var value: UInt128 { UInt128(high) << 64 | UInt128(low) }

    private init(family: IPFamily, unchecked value: UInt128) {
        self.high = UInt64(truncatingIfNeeded: value >> 64)
        self.low = UInt64(truncatingIfNeeded: value)
        self.family = family
    }

    public init(ipv4 value: UInt32) {
        self.init(family: .ipv4, unchecked: UInt128(value))
    }

    public init(ipv6 value: UInt128) {
        self.init(family: .ipv6, unchecked: value)
    }

    /// Builds an address from a family and a value; nil when the value does not fit the family.
    public init?(family: IPFamily, value: UInt128) {
        guard value <= family.maxValue else { return nil }
        self.init(family: family, unchecked: value)
    }

    /// Builds an address from its network-order bytes (4 or 16 of them).
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        var v: UInt128 = 0
        for b in bytes { v = (v << 8) | UInt128(b) }
        self.init(family: bytes.count == 4 ? .ipv4 : .ipv6, unchecked: v)
    }

    /// Parses a textual address; nil if it is not one. Use `parse(_:)` for the reason.
    public init?(_ text: String) {
        guard let a = try? IPAddress.parse(text) else { return nil }
        self = a
    }

    /// Parses an IPv4 dotted quad or an IPv6 address (RFC 4291 section 2.2, including `::` and a
    /// trailing dotted quad). Zone indices (`%eth0`) are refused: a LoadBalancer IP has none.
    public static func parse(_ text: String) throws(AddressParseError) -> IPAddress {
        if text.isEmpty { throw AddressParseError(input: text, reason: "empty address") }
        if text.contains(":") {
            return IPAddress(ipv6: try parseIPv6(text))
        }
        return IPAddress(ipv4: try parseIPv4(text, whole: text))
    }

    /// Network-order bytes (4 for IPv4, 16 for IPv6).
    public var bytes: [UInt8] {
        let n = family == .ipv4 ? 4 : 16
        return (0..<n).map { i in UInt8(truncatingIfNeeded: value >> UInt128(8 * (n - 1 - i))) }
    }

    /// The address `delta` places further on, or nil if that leaves the family's space.
    public func advanced(by delta: UInt128) -> IPAddress? {
        let (sum, overflow) = value.addingReportingOverflow(delta)
        guard !overflow, sum <= family.maxValue else { return nil }
        return IPAddress(family: family, value: sum)
    }

    /// The address `delta` places before this one, or nil if that leaves the family's space.
    public func retreated(by delta: UInt128) -> IPAddress? {
        guard delta <= value else { return nil }
        return IPAddress(family: family, value: value - delta)
    }

    /// Orders IPv4 before IPv6, then by value.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family < rhs.family }
        return (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// Canonical text: dotted quad for IPv4, RFC 5952 for IPv6.
    public var description: String {
        switch family {
        case .ipv4: return IPAddress.formatIPv4(UInt32(truncatingIfNeeded: value))
        case .ipv6: return IPAddress.formatIPv6(value)
        }
    }

    /// True for an IPv4 address whose last octet is 0 or 255: MetalLB's `avoid-buggy-ips` skips
    /// them because some old client stacks treat them as network/broadcast addresses whatever the
    /// real prefix length.
    public var isBuggyIPv4: Bool {
        family == .ipv4 && (value & 0xFF == 0 || value & 0xFF == 0xFF)
    }

    // MARK: Codable as a string

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        do {
            self = try IPAddress.parse(s)
        } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

// MARK: - Parsing and formatting

extension IPAddress {
    static func parseIPv4(_ text: Substring, whole: String) throws(AddressParseError) -> UInt32 {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            throw AddressParseError(
                input: whole, reason: "not an IPv4 address: expected four decimal octets like 192.0.2.10")
        }
        var v: UInt32 = 0
        for (i, p) in parts.enumerated() {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw AddressParseError(
                    input: whole, reason: "octet \(i + 1) \"\(p)\" is not a decimal number 0-255")
            }
            if p.count > 1 && p.first == "0" {
                throw AddressParseError(
                    input: whole,
                    reason: "octet \(i + 1) \"\(p)\" has a leading zero (ambiguous: octal or decimal?)")
            }
            guard let o = UInt32(p), o <= 255 else {
                throw AddressParseError(input: whole, reason: "octet \(i + 1) is \(p), must be 0-255")
            }
            v = (v << 8) | o
        }
        return v
    }

    static func parseIPv4(_ text: String, whole: String) throws(AddressParseError) -> UInt32 {
        try parseIPv4(Substring(text), whole: whole)
    }

    static func parseIPv6(_ text: String) throws(AddressParseError) -> UInt128 {
        if text.contains("%") {
            throw AddressParseError(input: text, reason: "zone indices (%...) are not allowed here")
        }
        let pieces = IPAddress.splitOnDoubleColon(text)
        guard pieces.count <= 2 else {
            throw AddressParseError(input: text, reason: "\"::\" may appear only once in an IPv6 address")
        }

        func groups(_ s: String, allowTrailingIPv4: Bool) throws(AddressParseError) -> [UInt16] {
            if s.isEmpty { return [] }
            let fields = s.split(separator: ":", omittingEmptySubsequences: false)
            var out: [UInt16] = []
            for (i, f) in fields.enumerated() {
                if f.contains(".") {
                    guard allowTrailingIPv4, i == fields.count - 1 else {
                        throw AddressParseError(
                            input: text, reason: "an embedded IPv4 address may only be the last part")
                    }
                    let v4 = try parseIPv4(f, whole: text)
                    out.append(UInt16(v4 >> 16))
                    out.append(UInt16(v4 & 0xFFFF))
                    continue
                }
                guard !f.isEmpty else {
                    throw AddressParseError(input: text, reason: "empty group (a single \":\" out of place)")
                }
                guard f.count <= 4, let g = UInt16(f, radix: 16), f.allSatisfy({ $0.isHexDigit }) else {
                    throw AddressParseError(
                        input: text, reason: "group \"\(f)\" is not 1-4 hexadecimal digits")
                }
                out.append(g)
            }
            return out
        }

        let all: [UInt16]
        if pieces.count == 2 {
            let head = try groups(pieces[0], allowTrailingIPv4: false)
            let tail = try groups(pieces[1], allowTrailingIPv4: true)
            guard head.count + tail.count <= 7 else {
                throw AddressParseError(input: text, reason: "too many groups for an IPv6 address with \"::\"")
            }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            all = try groups(pieces[0], allowTrailingIPv4: true)
            guard all.count == 8 else {
                throw AddressParseError(
                    input: text, reason: "an IPv6 address needs 8 groups (or \"::\"), found \(all.count)")
            }
        }
        var v: UInt128 = 0
        for g in all { v = (v << 16) | UInt128(g) }
        return v
    }

    /// Splits on every "::" (Foundation-free `components(separatedBy:)`).
    static func splitOnDoubleColon(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var chars = text.makeIterator()
        var pendingColon = false
        while let c = chars.next() {
            if c == ":" {
                if pendingColon {
                    out.append(current)
                    current = ""
                    pendingColon = false
                } else {
                    pendingColon = true
                }
            } else {
                if pendingColon { current.append(":"); pendingColon = false }
                current.append(c)
            }
        }
        if pendingColon { current.append(":") }
        out.append(current)
        return out
    }

    static func formatIPv4(_ v: UInt32) -> String {
        "\(v >> 24).\((v >> 16) & 0xFF).\((v >> 8) & 0xFF).\(v & 0xFF)"
    }

    /// RFC 5952 section 4: lowercase hex, no leading zeros, the longest run of two or more zero
    /// groups (the first on a tie) shortened to "::". Section 5: IPv4-mapped addresses
    /// (::ffff:0:0/96) are written with a trailing dotted quad.
    static func formatIPv6(_ v: UInt128) -> String {
        if v >> 32 == 0xFFFF {
            return "::ffff:" + formatIPv4(UInt32(truncatingIfNeeded: v))
        }
        let g = (0..<8).map { i in UInt16(truncatingIfNeeded: v >> UInt128(16 * (7 - i))) }
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if g[i] == 0 {
                var j = i
                while j < 8 && g[j] == 0 { j += 1 }
                if j - i > bestLen { bestStart = i; bestLen = j - i }
                i = j
            } else {
                i += 1
            }
        }
        if bestLen < 2 { bestStart = -1 }
        func hex(_ range: Range<Int>) -> String {
            g[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLen)..<8)
    }
}
