/// One problem found in a configuration: where it is, what was written there, and what was
/// expected instead. Shown to users as is (lbctl, logs, Warning events on the ConfigMap), so every
/// message names the field path, quotes the value and says what would be accepted.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field path, e.g. `address-pools[2].addresses[0]` or `peers[0].hold-time`. Empty for
    /// problems with the document as a whole (YAML syntax, a document that is not a mapping).
    public var path: String
    /// The offending value as written (long values are shortened), or nil when the problem is
    /// a missing value.
    public var value: String?
    /// What was expected, written to follow the path and value: `prefix length "33" must be a
    /// number 0-32 for IPv4`.
    public var expected: String
    /// The 1-based line of the config text the problem was found on, when known.
    public var line: Int?

    public init(path: String, value: String?, expected: String, line: Int? = nil) {
        self.path = path
        self.value = value
        self.expected = expected
        self.line = line
    }

    /// `path: "value": expected (line N)`; parts that are absent are left out.
    public var description: String {
        var parts: [String] = []
        if !path.isEmpty { parts.append(path) }
        if let value { parts.append("\"\(ConfigError.escaped(value))\"") }
        parts.append(expected)
        var text = parts.joined(separator: ": ")
        if let line { text += " (line \(line))" }
        return text
    }

    /// The same error with its line moved by `offset`: used when the config text was found inside
    /// a larger file (a ConfigMap manifest) and lines should count from the top of that file.
    public func shiftingLine(by offset: Int) -> ConfigError {
        var copy = self
        copy.line = line.map { $0 + offset }
        return copy
    }

    /// Longest value quoted in a message; longer ones are cut (a pasted certificate or a fuzzed
    /// megabyte should not flood a log line).
    static let maxValueLength = 120

    /// Shortens `text` for quoting in a message.
    static func shortened(_ text: String) -> String {
        guard text.count > maxValueLength else { return text }
        return String(text.prefix(maxValueLength)) + "..."
    }

    /// Escapes control characters and quotes so a value always prints on one line.
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
