/// Syntax rules for the names a config may contain: Kubernetes label keys and values
/// (k8s.io/apimachinery `validation.IsQualifiedName` / `IsValidLabelValue`), namespace names
/// (DNS-1123 labels) and Linux interface names. Each check returns nil when the text is valid, or
/// a reason written to follow the quoted text.
enum NameSyntax {
    /// A label key: an optional DNS-1123 subdomain prefix and `/`, then a name of 1-63
    /// characters `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
    static func labelKeyProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            if parts[0].isEmpty { return "label key prefix before \"/\" must not be empty" }
            if let problem = subdomainProblem(parts[0]) { return "label key prefix \(problem)" }
            name = parts[1]
        default:
            return "a label key may contain at most one \"/\" (prefix/name, like kubernetes.io/hostname)"
        }
        if name.isEmpty { return "label key name must not be empty" }
        if let problem = labelNameProblem(name) { return "label key name \(problem)" }
        return nil
    }

    /// A label value: empty, or 1-63 characters `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
    static func labelValueProblem(_ value: String) -> String? {
        if value.isEmpty { return nil }
        if let problem = labelNameProblem(Substring(value)) { return "label value \(problem)" }
        return nil
    }

    private static func labelNameProblem(_ name: Substring) -> String? {
        let bytes = Array(name.utf8)
        if bytes.count > 63 { return "must be at most 63 characters" }
        guard bytes.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") })
        else { return "may contain only letters, digits, \"-\", \"_\" and \".\"" }
        guard let first = bytes.first, let last = bytes.last, isAlnum(first), isAlnum(last) else {
            return "must start and end with a letter or digit"
        }
        return nil
    }

    /// A DNS-1123 subdomain: at most 253 characters, dot-separated DNS-1123 labels.
    private static func subdomainProblem(_ text: Substring) -> String? {
        if text.utf8.count > 253 { return "must be at most 253 characters" }
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            if let problem = dnsLabelProblem(label) { return "must be a DNS subdomain (lowercase labels separated by dots): \(problem)" }
        }
        return nil
    }

    /// A DNS-1123 label (a namespace name): 1-63 characters, lowercase letters, digits and `-`,
    /// starting and ending with a letter or digit.
    static func dnsLabelProblem<S: StringProtocol>(_ text: S) -> String? {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > 63 { return "must be at most 63 characters" }
        func lowerAlnum(_ b: UInt8) -> Bool {
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
        }
        guard bytes.allSatisfy({ lowerAlnum($0) || $0 == UInt8(ascii: "-") }) else {
            return "may contain only lowercase letters, digits and \"-\""
        }
        guard let first = bytes.first, let last = bytes.last, lowerAlnum(first), lowerAlnum(last) else {
            return "must start and end with a lowercase letter or digit"
        }
        return nil
    }

    /// A Linux interface name as the kernel's `dev_valid_name` accepts it: 1-15 bytes
    /// (IFNAMSIZ 16 with the terminating NUL), not `.` or `..`, no `/`, `:` or whitespace.
    static func interfaceNameProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { return "interface name must not be empty" }
        if bytes.count > 15 { return "interface name must be at most 15 bytes (Linux IFNAMSIZ)" }
        if name == "." || name == ".." { return "\".\" and \"..\" are not interface names" }
        let bad: Set<UInt8> = [UInt8(ascii: "/"), UInt8(ascii: ":"), 0]
        guard bytes.allSatisfy({ !bad.contains($0) && $0 > 0x20 && $0 != 0x7F }) else {
            return "interface name may not contain \"/\", \":\", spaces or control characters"
        }
        return nil
    }

    private static func isAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }
}
