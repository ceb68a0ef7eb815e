/// An inclusive range of addresses of one family, `first...last`. Pools are lists of these (a
/// CIDR is just a range that happens to be aligned).
public struct IPRange: Hashable, Sendable, CustomStringConvertible, Codable {
    public let first: IPAddress
    public let last: IPAddress

    public var family: IPFamily { first.family }

    /// nil unless both ends are of one family and `first <= last`.
    public init?(first: IPAddress, last: IPAddress) {
        guard first.family == last.family, first.value <= last.value else { return nil }
        self.first = first
        self.last = last
    }

    init(uncheckedFirst first: IPAddress, last: IPAddress) {
        self.first = first
        self.last = last
    }

    /// Parses a pool entry the way MetalLB v0.12 does: a CIDR (`192.0.2.0/24`) or a range
    /// `A-B` (spaces around the dash allowed, both ends of one family, `A <= B`).
    public static func parse(_ text: String) throws(AddressParseError) -> IPRange {
        if text.contains("/") {
            return try IPPrefix.parse(text).range
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw AddressParseError(
                input: text, reason: "expected a CIDR (192.0.2.0/24) or a range (192.0.2.10-192.0.2.20)")
        }
        let a: IPAddress, b: IPAddress
        do {
            a = try IPAddress.parse(parts[0].trimmingSpaces)
            b = try IPAddress.parse(parts[1].trimmingSpaces)
        } catch {
            throw AddressParseError(input: text, reason: "bad range end \(error.description)")
        }
        guard a.family == b.family else {
            throw AddressParseError(input: text, reason: "range ends are of different families (\(a.family) and \(b.family))")
        }
        guard a.value <= b.value else {
            throw AddressParseError(input: text, reason: "range start \(a) is after its end \(b)")
        }
        return IPRange(uncheckedFirst: a, last: b)
    }

    /// Exact number of addresses, `last - first + 1` (2^128 for the whole IPv6 space).
    public var count: AddressCount {
        AddressCount(last.value - first.value) + AddressCount(1)
    }

    public func contains(_ address: IPAddress) -> Bool {
        address.family == family && address.value >= first.value && address.value <= last.value
    }

    public func contains(_ other: IPRange) -> Bool {
        contains(other.first) && contains(other.last)
    }

    public func overlaps(_ other: IPRange) -> Bool {
        other.family == family && other.first.value <= last.value && first.value <= other.last.value
    }

    /// The number of IPv4 addresses in this range ending in .0 or .255 (zero for IPv6), computed
    /// arithmetically, never by walking the range.
    public var buggyIPv4Count: AddressCount {
        guard family == .ipv4 else { return .zero }
        // Count x in [a, b] with x % 256 == r, for r in {0, 255}.
        func countResidue(_ r: UInt128) -> UInt128 {
            let a = first.value, b = last.value
            // numbers <= n with x % 256 == r: n < r ? 0 : (n - r) / 256 + 1
            func upTo(_ n: UInt128) -> UInt128 { n < r ? 0 : (n - r) / 256 + 1 }
            return upTo(b) - (a == 0 ? 0 : upTo(a - 1))
        }
        return AddressCount(countResidue(0) + countResidue(255))
    }

    /// The smallest list of CIDR prefixes that covers exactly this range, in address order.
    public var prefixes: [IPPrefix] {
        var out: [IPPrefix] = []
        var start = first.value
        let end = last.value
        let bits = family.bitWidth
        while true {
            // Largest aligned block starting at `start` that does not pass `end`.
            var hostBits = start == 0 ? bits : min(bits, start.trailingZeroBitCount)
            while hostBits > 0 {
                let size: UInt128 = hostBits == 128 ? UInt128.max : (UInt128(1) << UInt128(hostBits)) - 1
                let (blockEnd, overflow) = start.addingReportingOverflow(size)
                if !overflow && blockEnd <= end { break }
                hostBits -= 1
            }
            out.append(IPPrefix(address: IPAddress(family: family, value: start)!, length: bits - hostBits)!)
            let size: UInt128 = hostBits == 128 ? UInt128.max : (UInt128(1) << UInt128(hostBits)) - 1
            let blockEnd = start + size
            if blockEnd >= end { break }
            start = blockEnd + 1
        }
        return out
    }

    /// `A-B`, or the CIDR text when the range is exactly one prefix.
    public var description: String {
        let p = prefixes
        if p.count == 1 { return p[0].description }
        return "\(first)-\(last)"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        do {
            self = try IPRange.parse(s)
        } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
