/// Builds request paths and query strings.
///
/// - core group: `/api/v1/namespaces/NS/services/NAME/status`
/// - named groups: `/apis/coordination.k8s.io/v1/namespaces/NS/leases/NAME`
/// - cluster-scoped: `/api/v1/nodes/NAME`; all namespaces: `/api/v1/services`
enum ResourcePath {
    static func path<T: KubeObject>(
        _ type: T.Type, namespace: String?, name: String? = nil, subresource: String? = nil
    ) -> String {
        var path = T.group.isEmpty ? "/api/\(T.version)" : "/apis/\(T.group)/\(T.version)"
        if T.isNamespaced, let namespace, !namespace.isEmpty {
            path += "/namespaces/" + escapePathSegment(namespace)
        }
        path += "/" + T.plural
        if let name {
            path += "/" + escapePathSegment(name)
            if let subresource { path += "/" + subresource }
        }
        return path
    }

    /// `?a=b&c=d`, each value percent-encoded so selectors like `app in (a,b),!x` arrive intact.
    static func query(_ items: [(String, String?)]) -> String {
        let present = items.compactMap { name, value in value.map { (name, $0) } }
        guard !present.isEmpty else { return "" }
        return "?" + present.map { escapeQuery($0) + "=" + escapeQuery($1) }.joined(separator: "&")
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func percentEncode(_ text: String, keeping extra: Set<UInt8>) -> String {
        var output = ""
        for byte in text.utf8 {
            if isUnreserved(byte) || extra.contains(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }

    static func escapePathSegment(_ segment: String) -> String {
        percentEncode(segment, keeping: [UInt8(ascii: ":"), UInt8(ascii: "@")])
    }

    static func escapeQuery(_ text: String) -> String {
        percentEncode(text, keeping: [])
    }
}
