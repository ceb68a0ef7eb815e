import Testing

@testable import LBCore

/// `GoDuration` against the behaviour of Go's `time.ParseDuration` (cases from its documentation
/// and test table).
@Suite struct ConfigGoDurationTests {
    /// (text, nanoseconds)
    @Test(arguments: [
        ("0", Int64(0)), ("-0", 0), ("+0", 0), ("5s", 5_000_000_000), ("30s", 30_000_000_000),
        ("1478s", 1_478_000_000_000), ("-5s", -5_000_000_000), ("+5s", 5_000_000_000), ("5.0s", 5_000_000_000),
        ("5.6s", 5_600_000_000), ("5.s", 5_000_000_000), (".5s", 500_000_000), ("1.004s", 1_004_000_000),
        ("100.00100s", 100_001_000_000), ("10ns", 10), ("11us", 11_000), ("12µs", 12_000), ("12μs", 12_000),
        ("13ms", 13_000_000), ("14s", 14_000_000_000), ("15m", 900_000_000_000), ("16h", 57_600_000_000_000),
        ("3h30m", 12_600_000_000_000), ("10.5s4m", 250_500_000_000), ("1m30s", 90_000_000_000),
        ("1h2m3s4ms5us6ns", 3_723_004_005_006), ("1.5h", 5_400_000_000_000), ("0.3333333333333333333h", 1_200_000_000_000),
        ("9223372036854775807ns", Int64.max), ("-9223372036854775808ns", Int64.min),
    ])
    func parses(_ text: String, _ nanoseconds: Int64) throws {
        #expect(try GoDuration.parseNanoseconds(text) == nanoseconds)
    }

    /// (text, fragment of the reason)
    @Test(arguments: [
        ("", "not a duration"), ("3", "missing unit"), ("90", "missing unit"), ("-", "not a duration"), ("s", "not a duration"),
        (".", "not a duration"), ("-.", "not a duration"), (".s", "not a duration"), ("+.s", "not a duration"),
        ("1d", "unknown unit \"d\""), ("1sec", "unknown unit \"sec\""), ("1 s", "unknown unit \" s\""),
        ("9223372036854775808ns", "out of range"), ("9223372036854775.808us", "out of range"),
        ("3000000h", "out of range"), ("99999999999999999999999999s", "out of range"),
        ("5000000h5000000h", "out of range"),
    ])
    func refuses(_ text: String, _ fragment: String) {
        #expect {
            _ = try GoDuration.parseNanoseconds(text)
        } throws: { error in
            guard let e = error as? GoDuration.ParseError else { return false }
            return e.reason.contains(fragment) && e.input == text
        }
    }
}
