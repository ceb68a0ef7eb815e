import Foundation
import Testing

@testable import KubeAPI

@Suite struct RFC3339Tests {
    @Test(arguments: [
        ("2026-06-14T10:00:00Z", 1_781_431_200.0),
        ("2026-06-14T10:00:00.000000Z", 1_781_431_200.0),
        ("2026-06-14T10:00:00.5Z", 1_781_431_200.5),
        ("2026-06-14T12:00:00+02:00", 1_781_431_200.0),
        ("2026-06-14T05:30:00-04:30", 1_781_431_200.0),
        ("1970-01-01T00:00:00Z", 0.0),
        ("2000-02-29T00:00:00Z", 951_782_400.0),
        ("2026-06-14t10:00:00z", 1_781_431_200.0),
    ])
    func parses(text: String, seconds: Double) {
        #expect(RFC3339.parse(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: [
        "", "2026-06-14", "2026-06-14T10:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-06-14T24:00:00Z", "2026-06-14T10:00:00.Z", "2026-06-14T10:00:00Zjunk", "26-06-14T10:00:00Z",
        "2026-06-14T10:00:00+0200",
    ])
    func refuses(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func formatsSecondsAndMicroseconds() {
        let date = Date(timeIntervalSince1970: 1_781_431_212.345678)
        #expect(RFC3339.format(date) == "2026-06-14T10:00:12Z")
        #expect(RFC3339.format(date, fractionDigits: 6) == "2026-06-14T10:00:12.345678Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        // Truncated, like Go, not rounded up into the next second.
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_781_431_212.9999)) == "2026-06-14T10:00:12Z")
    }

    @Test func microTimeRoundTripsEveryMicrosecondPattern() {
        for micros in [0, 1, 9, 10, 123_456, 999_999, 500_000, 100] {
            let text = "2026-06-14T10:00:12." + String(repeating: "0", count: 6 - String(micros).count) + String(micros) + "Z"
            guard let date = RFC3339.parse(text) else {
                Issue.record("did not parse \(text)")
                continue
            }
            #expect(RFC3339.format(date, fractionDigits: 6) == text)
        }
    }

    @Test func timeTypesDecodeEitherPrecision() throws {
        let times = try KubeJSON.decode([KubeTime].self, from: Data(#"["2026-06-14T10:00:00Z","2026-06-14T10:00:00.123456Z"]"#.utf8))
        #expect(times.map(\.description) == ["2026-06-14T10:00:00Z", "2026-06-14T10:00:00Z"])
        let micro = try KubeJSON.decode([MicroTime].self, from: Data(#"["2026-06-14T10:00:00Z","2026-06-14T10:00:00.123456Z"]"#.utf8))
        #expect(micro.map(\.description) == ["2026-06-14T10:00:00.000000Z", "2026-06-14T10:00:00.123456Z"])
        #expect(throws: DecodingError.self) { try KubeJSON.decode([KubeTime].self, from: Data(#"["yesterday"]"#.utf8)) }
    }
}
