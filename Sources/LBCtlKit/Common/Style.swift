/// ANSI colours for table output, or none. Renderers mark meaning (good, warning, bad), not
/// colours; with `enabled` false every function returns its text unchanged, so the plain table
/// is the coloured one with the escapes removed.
public struct Style: Sendable, Hashable {
    public var enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    public static let plain = Style(enabled: false)
    public static let colored = Style(enabled: true)

    /// All is well: green.
    public func good(_ text: String) -> String { wrap(text, "32") }
    /// Worth a look: yellow.
    public func warning(_ text: String) -> String { wrap(text, "33") }
    /// Broken: red.
    public func bad(_ text: String) -> String { wrap(text, "31") }
    /// Headings: bold.
    public func heading(_ text: String) -> String { wrap(text, "1") }
    /// Secondary detail: dim.
    public func dim(_ text: String) -> String { wrap(text, "2") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// The width `text` takes on a terminal: its characters without ANSI escape sequences.
    static func visibleWidth(_ text: String) -> Int {
        var width = 0
        var inEscape = false
        for c in text.unicodeScalars {
            if inEscape {
                if c == "m" { inEscape = false }
            } else if c == "\u{1B}" {
                inEscape = true
            } else {
                width += 1
            }
        }
        return width
    }
}
