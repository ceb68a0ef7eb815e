/// A number of addresses, exact over the whole IPv6 space and beyond.
///
/// A `UInt128` cannot hold 2^128 (the size of `::/0`), and totals that add IPv4 and IPv6 pools can
/// exceed it too, so the count carries 64 more bits. It is never negative: subtraction saturates
/// at zero (a count of free addresses cannot go below none).
public struct AddressCount: Hashable, Sendable, Comparable, CustomStringConvertible, Codable,
    ExpressibleByIntegerLiteral
{
    public private(set) var high: UInt64
    public private(set) var low: UInt128

    public static let zero = AddressCount(0)

    public init(_ value: UInt128) {
        self.high = 0
        self.low = value
    }

    public init(high: UInt64, low: UInt128) {
        self.high = high
        self.low = low
    }

    public init(integerLiteral value: UInt64) { self.init(UInt128(value)) }

    /// The number of addresses in a block of `bits` host bits: 2^bits (bits 0...128).
    public static func powerOfTwo(_ bits: Int) -> AddressCount {
        precondition((0...128).contains(bits), "host bits must be 0...128")
        if bits == 128 { return AddressCount(high: 1, low: 0) }
        return AddressCount(UInt128(1) << UInt128(bits))
    }

    public static func + (lhs: AddressCount, rhs: AddressCount) -> AddressCount {
        let (lo, carry) = lhs.low.addingReportingOverflow(rhs.low)
        return AddressCount(high: lhs.high &+ rhs.high &+ (carry ? 1 : 0), low: lo)
    }

    public static func += (lhs: inout AddressCount, rhs: AddressCount) { lhs = lhs + rhs }

    /// Saturating subtraction: never below zero.
    public static func - (lhs: AddressCount, rhs: AddressCount) -> AddressCount {
        if lhs <= rhs { return .zero }
        let (lo, borrow) = lhs.low.subtractingReportingOverflow(rhs.low)
        return AddressCount(high: lhs.high - rhs.high - (borrow ? 1 : 0), low: lo)
    }

    public static func -= (lhs: inout AddressCount, rhs: AddressCount) { lhs = lhs - rhs }

    public static func < (lhs: AddressCount, rhs: AddressCount) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }

    /// The value if it fits in a `UInt128`.
    public var exactUInt128: UInt128? { high == 0 ? low : nil }

    /// An approximation for places that need a floating-point number (Prometheus gauges).
    public var doubleValue: Double { Double(high) * 0x1p128 + Double(low) }

    /// Exact decimal digits.
    public var description: String {
        // Long division of the 192-bit number by 10^19, one 64-bit limb at a time.
        var limbs: [UInt64] = [high, UInt64(truncatingIfNeeded: low >> 64), UInt64(truncatingIfNeeded: low)]
        let chunk: UInt64 = 10_000_000_000_000_000_000
        var parts: [UInt64] = []
        while limbs.contains(where: { $0 != 0 }) {
            var rem: UInt128 = 0
            for i in limbs.indices {
                let cur = (rem << 64) | UInt128(limbs[i])
                limbs[i] = UInt64(cur / UInt128(chunk))
                rem = cur % UInt128(chunk)
            }
            parts.append(UInt64(rem))
        }
        guard let last = parts.popLast() else { return "0" }
        var s = String(last)
        for p in parts.reversed() {
            let d = String(p)
            s += String(repeating: "0", count: 19 - d.count) + d
        }
        return s
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = AddressCount(decimal: s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a decimal count: \(s)")
        }
        self = v
    }

    /// Encoded as a decimal string: JSON numbers lose precision past 2^53.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// Parses a decimal string (ASCII digits only: no sign, no separators, no spaces); nil for
    /// anything else or for a value that does not fit (2^192 or more).
    public init?(decimal: String) {
        guard !decimal.isEmpty else { return nil }
        var high: UInt64 = 0
        var low: UInt128 = 0
        for byte in decimal.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            // (high, low) = (high, low) * 10 + digit, refusing any carry out of the top limb.
            let (lowCarry, lowTimes10) = low.multipliedFullWidth(by: 10)
            let (newLow, digitCarry) = lowTimes10.addingReportingOverflow(UInt128(byte - UInt8(ascii: "0")))
            let (highTimes10, o1) = high.multipliedReportingOverflow(by: 10)
            let (newHigh, o2) = highTimes10.addingReportingOverflow(UInt64(lowCarry) + (digitCarry ? 1 : 0))
            guard !o1, !o2 else { return nil }
            high = newHigh
            low = newLow
        }
        self.init(high: high, low: low)
    }
}
