import Foundation

/// RFC 3339 timestamps as the API server writes them: `2026-06-14T10:00:00Z` for `metav1.Time` and
/// `2026-06-14T10:00:00.000000Z` for `metav1.MicroTime`. Parsing accepts both forms (any number of
/// fractional digits, `Z` or a numeric offset) because servers and other clients are not consistent.
///
/// Hand-written rather than `ISO8601DateFormatter`: that type is not `Sendable`, and a pure function
/// is easy to test exhaustively.
public enum RFC3339 {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; `t` and `z` are accepted in lower case too.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0

        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
        func expect(_ characters: UInt8...) -> Bool {
            guard index < bytes.count, characters.contains(bytes[index]) else { return false }
            index += 1
            return true
        }

        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
            let day = digits(2), expect(UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")),
            let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
            let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60,
            second <= 60
        else { return nil }

        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }

        var offsetSeconds = 0
        if expect(UInt8(ascii: "Z"), UInt8(ascii: "z")) {
            offsetSeconds = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = digits(2), expect(UInt8(ascii: ":")), let offsetMinutes = digits(2),
                offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }

        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Formats in UTC with `fractionDigits` digits after the seconds (0 for `Time`, 6 for `MicroTime`);
    /// the fraction is truncated, as Go does. At most 6 digits.
    public static func format(_ date: Date, fractionDigits: Int = 0) -> String {
        // Work in whole microseconds (rounded to nearest, which absorbs Double noise), then truncate.
        let digits = min(max(fractionDigits, 0), 6)
        let micros = Int((date.timeIntervalSince1970 * 1_000_000).rounded())
        let whole = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fractionMicros = micros - whole * 1_000_000
        var divisor = 1
        for _ in digits..<6 { divisor *= 10 }
        let scaled = fractionMicros / divisor
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let secondsOfDay = whole - days * 86_400
        let (year, month, day) = civilFromDays(days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondsOfDay / 3600, 2) + ":"
            + pad(secondsOfDay / 60 % 60, 2) + ":" + pad(secondsOfDay % 60, 2)
        if digits > 0 {
            text += "." + pad(scaled, digits)
        }
        return text + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysFromCivil` (Howard Hinnant's `civil_from_days`).
    private static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// `metav1.Time`: an instant written with whole seconds (`2026-06-14T10:00:00Z`).
public struct KubeTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var date: Date

    public init(_ date: Date) { self.date = date }
    public static func now() -> KubeTime { KubeTime(Date()) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected an RFC 3339 timestamp like 2026-06-14T10:00:00Z, got \"\(text)\"")
        }
        self.date = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(RFC3339.format(date))
    }

    public var description: String { RFC3339.format(date) }
    public static func < (lhs: KubeTime, rhs: KubeTime) -> Bool { lhs.date < rhs.date }
}

/// `metav1.MicroTime`: an instant written with microseconds (`2026-06-14T10:00:00.000000Z`), used by
/// Leases and `Event.eventTime`.
public struct MicroTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var date: Date

    public init(_ date: Date) { self.date = date }
    public static func now() -> MicroTime { MicroTime(Date()) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected an RFC 3339 timestamp like 2026-06-14T10:00:00.000000Z, got \"\(text)\"")
        }
        self.date = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(RFC3339.format(date, fractionDigits: 6))
    }

    public var description: String { RFC3339.format(date, fractionDigits: 6) }
    public static func < (lhs: MicroTime, rhs: MicroTime) -> Bool { lhs.date < rhs.date }
}
