/// The name and label syntax rules of apimachinery's `validation` package, with its messages.
public enum NameRules {
    static func isAlnum(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber) }
    static func isLowerAlnum(_ c: Character) -> Bool { c.isASCII && (c.isLowercase || c.isNumber) }

    /// RFC 1123 label: lower-case alphanumerics and '-', alphanumeric at both ends, at most 63.
    public static func dns1123LabelErrors(_ s: String) -> [String] {
        var errors: [String] = []
        if s.count > 63 { errors.append("must be no more than 63 characters") }
        let ok = !s.isEmpty && s.allSatisfy { isLowerAlnum($0) || $0 == "-" }
            && (s.first.map(isLowerAlnum) ?? false) && (s.last.map(isLowerAlnum) ?? false)
        if !ok {
            errors.append("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
        }
        return errors
    }

    /// RFC 1123 subdomain: dot-separated labels, at most 253 characters.
    public static func dns1123SubdomainErrors(_ s: String) -> [String] {
        var errors: [String] = []
        if s.count > 253 { errors.append("must be no more than 253 characters") }
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        let ok = !s.isEmpty && labels.allSatisfy { label in
            !label.isEmpty && label.allSatisfy { isLowerAlnum($0) || $0 == "-" }
                && (label.first.map(isLowerAlnum) ?? false) && (label.last.map(isLowerAlnum) ?? false)
        }
        if !ok {
            errors.append("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
        }
        return errors
    }

    /// RFC 1035 label (Service names): like an RFC 1123 label but must start with a letter.
    public static func dns1035LabelErrors(_ s: String) -> [String] {
        var errors: [String] = []
        if s.count > 63 { errors.append("must be no more than 63 characters") }
        let ok = !s.isEmpty && s.allSatisfy { isLowerAlnum($0) || $0 == "-" }
            && (s.first.map { $0.isASCII && $0.isLowercase } ?? false) && (s.last.map(isLowerAlnum) ?? false)
        if !ok {
            errors.append("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
        }
        return errors
    }

    /// A qualified name (label and annotation keys): optional DNS subdomain prefix, '/', a name part.
    public static func qualifiedNameErrors(_ s: String) -> [String] {
        var errors: [String] = []
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        var name = s
        if parts.count == 2 {
            let prefix = String(parts[0])
            name = String(parts[1])
            if prefix.isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors += dns1123SubdomainErrors(prefix).map { "prefix part \($0)" }
            }
        } else if parts.count > 2 {
            return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else {
            if name.count > 63 { errors.append("name part must be no more than 63 characters") }
            if !isNamePart(name) {
                errors.append("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
            }
        }
        return errors
    }

    static func isNamePart(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { isAlnum($0) || $0 == "-" || $0 == "_" || $0 == "." }
            && (s.first.map(isAlnum) ?? false) && (s.last.map(isAlnum) ?? false)
    }

    /// A label value: empty, or a name part of at most 63 characters.
    public static func labelValueErrors(_ s: String) -> [String] {
        var errors: [String] = []
        if s.count > 63 { errors.append("must be no more than 63 characters") }
        if !s.isEmpty, !isNamePart(s) {
            errors.append("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
        }
        return errors
    }
}
