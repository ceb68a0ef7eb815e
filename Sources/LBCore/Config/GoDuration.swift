/// Durations written the way Go's `time.ParseDuration` reads them, because MetalLB v0.12 read
/// `hold-time` and `keepalive-time` with it: a sequence of decimal numbers, each with an optional
/// fraction and a unit (`ns`, `us`/`µs`, `ms`, `s`, `m`, `h`), like `90s`, `1m30s`, `1.5h` or `300ms`,
/// with an optional sign. A bare `0` needs no unit; any other number does (`90` is refused: Go
/// refuses it, and silently picking seconds would hide a typo).
public enum GoDuration {
    /// Why a duration could not be read; `reason` is written to follow the quoted input.
    public struct ParseError: Error, Sendable, Equatable {
        public let input: String
        public let reason: String
    }

    /// Nanoseconds per unit. `µs` appears twice: U+00B5 (micro sign) and U+03BC (Greek mu), as in Go.
    private static let units: [String: UInt64] = [
        "ns": 1, "us": 1_000, "\u{00B5}s": 1_000, "\u{03BC}s": 1_000, "ms": 1_000_000,
        "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    /// The limit Go's `time.Duration` (an int64 of nanoseconds) imposes: about 292 years.
    private static let limit = UInt64(1) << 63

    /// Parses `text` into nanoseconds (negative when written with `-`).
    public static func parseNanoseconds(_ text: String) throws(ParseError) -> Int64 {
        var s = Substring.UnicodeScalarView(text.unicodeScalars)
        func fail(_ reason: String) -> ParseError { ParseError(input: text, reason: reason) }

        var negative = false
        if let c = s.first, c == "-" || c == "+" {
            negative = c == "-"
            s = s.dropFirst()
        }
        if String(s) == "0" { return 0 }
        if s.isEmpty { throw fail("not a duration: expected a number and a unit like 90s or 1m30s") }

        var total: UInt64 = 0
        while !s.isEmpty {
            guard let c = s.first, c == "." || isDigit(c) else {
                throw fail("not a duration: expected a number and a unit like 90s or 1m30s")
            }
            // The whole part.
            var whole: UInt64 = 0
            var sawWhole = false
            while let c = s.first, isDigit(c) {
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(c.value - 48))
                if o1 || o2 || a > limit { throw fail("duration out of range (at most about 292 years)") }
                whole = a
                sawWhole = true
                s = s.dropFirst()
            }
            // The fraction: digits past what fits are dropped, as Go does.
            var fraction: UInt64 = 0
            var scale: Double = 1
            var sawFraction = false
            if s.first == "." {
                s = s.dropFirst()
                var overflowed = false
                while let c = s.first, isDigit(c) {
                    sawFraction = true
                    if !overflowed {
                        let (m, o1) = fraction.multipliedReportingOverflow(by: 10)
                        let (a, o2) = m.addingReportingOverflow(UInt64(c.value - 48))
                        if o1 || o2 || a > limit {
                            overflowed = true
                        } else {
                            fraction = a
                            scale *= 10
                        }
                    }
                    s = s.dropFirst()
                }
            }
            if !sawWhole && !sawFraction {
                throw fail("not a duration: expected a number and a unit like 90s or 1m30s")
            }
            // The unit: everything up to the next number.
            var unitText = ""
            while let c = s.first, c != ".", !isDigit(c) {
                unitText.unicodeScalars.append(c)
                s = s.dropFirst()
            }
            if unitText.isEmpty { throw fail("missing unit in duration (write e.g. 90s, 1m30s or 500ms)") }
            guard let unit = units[unitText] else {
                throw fail("unknown unit \"\(unitText)\" in duration (use ns, us, ms, s, m or h)")
            }
            guard whole <= limit / unit else { throw fail("duration out of range (at most about 292 years)") }
            var value = whole * unit
            if fraction > 0 {
                let extra = Double(fraction) * (Double(unit) / scale)
                guard extra < Double(limit) else { throw fail("duration out of range (at most about 292 years)") }
                value += UInt64(extra)
                if value > limit { throw fail("duration out of range (at most about 292 years)") }
            }
            let (sum, overflow) = total.addingReportingOverflow(value)
            total = sum
            if overflow || total > limit { throw fail("duration out of range (at most about 292 years)") }
        }
        if negative { return total == limit ? Int64.min : -Int64(total) }
        guard total < limit else { throw fail("duration out of range (at most about 292 years)") }
        return Int64(total)
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }
}
