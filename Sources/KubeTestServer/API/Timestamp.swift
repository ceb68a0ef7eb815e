import Foundation

/// RFC 3339 timestamps as the API renders them: `metav1.Time` to the second and `metav1.MicroTime`
/// with exactly six fraction digits, always in UTC.
public enum Timestamp {
    /// `2026-06-14T10:00:00Z`.
    public static func format(_ date: Date) -> String {
        let (civil, _) = components(date)
        return civil + "Z"
    }

    /// `2026-06-14T10:00:00.000000Z`.
    public static func formatMicro(_ date: Date) -> String {
        let (civil, micros) = components(date)
        let digits = String(micros)
        return civil + "." + String(repeating: "0", count: 6 - digits.count) + digits + "Z"
    }

    private static func components(_ date: Date) -> (String, Int) {
        let totalMicros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        var seconds = totalMicros / 1_000_000
        var micros = totalMicros % 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (y, m, d) = civilFromDays(days)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let text = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2))"
        return (text, Int(micros))
    }

    /// Parses RFC 3339 (`Z` or `±hh:mm` offset, optional fraction). With `exactMicros`, the fraction must
    /// be exactly six digits, as Go's `time.Parse(RFC3339Micro)` demands for `MicroTime`.
    public static func parse(_ text: String, exactMicros: Bool = false) -> Date? {
        let c = Array(text.utf8)
        func num(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= c.count else { return nil }
            var v: Int64 = 0
            for i in range {
                guard (48...57).contains(c[i]) else { return nil }
                v = v * 10 + Int64(c[i] - 48)
            }
            return v
        }
        guard c.count >= 20, let y = num(0..<4), c[4] == 45, let mo = num(5..<7), c[7] == 45, let d = num(8..<10),
              c[10] == 84 || c[10] == 116, let h = num(11..<13), c[13] == 58, let mi = num(14..<16), c[16] == 58,
              let s = num(17..<19), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 60
        else { return nil }
        var i = 19
        var fraction = 0.0
        if c[i] == 46 {
            i += 1
            let start = i
            while i < c.count, (48...57).contains(c[i]) { i += 1 }
            let digits = i - start
            guard digits > 0, !exactMicros || digits == 6, let f = Double("0." + String(decoding: c[start..<i], as: UTF8.self))
            else { return nil }
            fraction = f
        } else if exactMicros {
            return nil
        }
        guard i < c.count else { return nil }
        var offset: Int64 = 0
        if c[i] == 90 || c[i] == 122 {
            i += 1
        } else if c[i] == 43 || c[i] == 45 {
            guard let oh = num((i + 1)..<(i + 3)), i + 3 < c.count, c[i + 3] == 58, let om = num((i + 4)..<(i + 6)) else { return nil }
            offset = (oh * 3600 + om * 60) * (c[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == c.count else { return nil }
        let days = daysFromCivil(y, mo, d)
        let seconds = days * 86_400 + h * 3600 + mi * 60 + s - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    // Howard Hinnant's civil-calendar algorithms (public domain).
    private static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// kubectl's `duration.HumanDuration`, used for the Age column of server-side Tables.
    public static func humanDuration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.towardZero))
        if s < -1 { return "<invalid>" }
        if s < 0 { return "0s" }
        if s < 120 { return "\(s)s" }
        let minutes = s / 60
        if minutes < 10 {
            let rest = s % 60
            return rest == 0 ? "\(minutes)m" : "\(minutes)m\(rest)s"
        }
        if minutes < 180 { return "\(minutes)m" }
        let hours = s / 3600
        if hours < 8 {
            let rest = minutes % 60
            return rest == 0 ? "\(hours)h" : "\(hours)h\(rest)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let rest = hours % 24
            return rest == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(rest)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let rest = (hours / 24) % 365
            return rest == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(rest)d"
        }
        return "\(hours / 24 / 365)y"
    }
}
