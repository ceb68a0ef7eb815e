/// Checks YAML text for the few inputs that could make the YAML library itself hang or run out
/// of memory, before the text reaches it. Everything else, however malformed, is left to the
/// library and to the parser, which report it as ordinary errors.
///
/// The library bounds nesting (1000 levels) and composes aliases without copying, so deep or
/// alias-heavy documents are safe to compose; `ConfigParser` then walks them with a node budget.
/// The one hazard left is a *complex mapping key* (`? key`, `[a, b]: x`, `*alias : x`): while
/// composing, the library hashes every key to find duplicates, and hashing a key that reaches a
/// "billion laughs" alias structure takes exponential time. Aliases and complex keys are both
/// rare in a load-balancer config and never needed together, so a text that may contain both is
/// refused. The check reads raw characters without tokenizing YAML, so it may refuse a text that
/// only looks like it has both (say a `*` inside a quoted password and a `]:` in a comment), never
/// the other way round.
public enum YAMLInputGuard {
    /// Kubernetes refuses ConfigMaps larger than 1 MiB, so a config can never be larger.
    public static let maxConfigBytes = 1 << 20

    /// A reason to refuse `text` without parsing it, or nil when it is safe to hand to the YAML
    /// library.
    public static func problem(in text: String, maxBytes: Int = maxConfigBytes) -> ConfigError? {
        let bytes = Array(text.utf8)
        if bytes.count > maxBytes {
            return ConfigError(
                path: "", value: nil,
                expected: "the text is \(bytes.count) bytes, more than the \(maxBytes) bytes allowed")
        }
        guard let alias = firstAlias(bytes) else { return nil }
        guard let key = firstComplexKey(bytes) else { return nil }
        return ConfigError(
            path: "", value: nil,
            expected: "YAML aliases (like *\(alias.name) on line \(alias.line)) cannot be used in a document that "
                + "also has complex mapping keys (like the one on line \(key)); write the keys as plain strings",
            line: key)
    }

    private static func isAnchorChar(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }

    /// The first `*name` anywhere (quoted or not), with its line.
    private static func firstAlias(_ bytes: [UInt8]) -> (name: String, line: Int)? {
        var line = 1
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\n") { line += 1 }
            if b == UInt8(ascii: "*"), i + 1 < bytes.count, isAnchorChar(bytes[i + 1]) {
                var j = i + 1
                while j < bytes.count, isAnchorChar(bytes[j]), j - i <= 40 { j += 1 }
                return (String(decoding: bytes[(i + 1)..<j], as: UTF8.self), line)
            }
            i += 1
        }
        return nil
    }

    /// The line of the first thing that may be a complex key: an explicit `?` key indicator (at
    /// the start of a line after indentation and `-`/`?`/`:` indicators, or after `[`, `{`, `,`),
    /// a flow collection followed by `:` (`]:`, `}:`), or an alias followed by `:`.
    private static func firstComplexKey(_ bytes: [UInt8]) -> Int? {
        var line = 1
        var lineIsIndicatorsOnly = true
        var lastNonSpace: UInt8 = UInt8(ascii: " ")
        var inAlias = false
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                if b == UInt8(ascii: "\n") { line += 1 }
                // A flow collection may close on one line and meet its ":" on the next, so
                // `lastNonSpace` carries over; an alias key must sit on its ":"'s line.
                lineIsIndicatorsOnly = true
                inAlias = false
                i += 1
                continue
            }
            if b == UInt8(ascii: "?") {
                let next = i + 1 < bytes.count ? bytes[i + 1] : UInt8(ascii: "\n")
                let atTokenStart =
                    lineIsIndicatorsOnly || lastNonSpace == UInt8(ascii: "[") || lastNonSpace == UInt8(ascii: "{")
                    || lastNonSpace == UInt8(ascii: ",")
                if atTokenStart && (isSpace(next) || next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r")) {
                    return line
                }
            }
            if b == UInt8(ascii: ":") {
                if lastNonSpace == UInt8(ascii: "]") || lastNonSpace == UInt8(ascii: "}") || inAlias {
                    return line
                }
            }
            if b == UInt8(ascii: "*"), i + 1 < bytes.count, isAnchorChar(bytes[i + 1]) {
                inAlias = true
            } else if !isSpace(b) && !isAnchorChar(b) {
                inAlias = false
            }
            if !isSpace(b) {
                if b != UInt8(ascii: "-") && b != UInt8(ascii: "?") && b != UInt8(ascii: ":") {
                    lineIsIndicatorsOnly = false
                }
                lastNonSpace = b
            }
            i += 1
        }
        return nil
    }
}
