/// The Service `lbctl explain` is asked about: `svc/NAMESPACE/NAME`, or `svc/NAME` with the
/// namespace from `-n` (else the kubeconfig context's). `service/` and `services/` work as
/// `svc/` does, as in kubectl.
struct ServiceReference: Sendable, Hashable, CustomStringConvertible {
    var namespace: String?
    var name: String

    var description: String { "svc/\(namespace.map { "\($0)/" } ?? "")\(name)" }

    static let kinds = ["svc", "service", "services"]

    /// Parses the argument; the error names what was wrong and the accepted forms.
    static func parse(_ text: String) -> Result<ServiceReference, ServiceReferenceError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, kinds.contains(parts[0].lowercased()) else {
            return .failure(ServiceReferenceError("\"\(text)\" is not a Service reference: expected svc/NAMESPACE/NAME or svc/NAME (service/ and services/ work too)"))
        }
        guard parts.count <= 3 else {
            return .failure(ServiceReferenceError("\"\(text)\" has too many parts: expected svc/NAMESPACE/NAME or svc/NAME"))
        }
        let name = parts[parts.count - 1]
        let namespace = parts.count == 3 ? parts[1] : nil
        if let problem = dnsLabelProblem(name, what: "Service name") { return .failure(ServiceReferenceError("\"\(text)\": \(problem)")) }
        if let namespace, let problem = dnsLabelProblem(namespace, what: "namespace") {
            return .failure(ServiceReferenceError("\"\(text)\": \(problem)"))
        }
        return .success(ServiceReference(namespace: namespace, name: name))
    }

    /// Kubernetes names Services and namespaces with DNS labels (RFC 1123): at most 63
    /// characters, lower-case letters, digits and `-`, starting and ending with a letter or digit.
    static func dnsLabelProblem(_ text: String, what: String) -> String? {
        if text.isEmpty { return "the \(what) is empty" }
        if text.count > 63 { return "the \(what) \"\(text)\" is longer than 63 characters" }
        let allowed = text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        if !allowed || text.hasPrefix("-") || text.hasSuffix("-") {
            return "the \(what) \"\(text)\" is not a valid name (lower-case letters, digits and '-', starting and ending with a letter or digit)"
        }
        return nil
    }
}

/// A malformed `explain` argument, worded for the user.
struct ServiceReferenceError: Error, Sendable, Hashable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
