/// The timestamp fields of our kinds, normalized the way Go's `metav1.Time` (RFC 3339, seconds, UTC)
/// and `metav1.MicroTime` (exactly six fraction digits, UTC) decode and re-encode them. A value that
/// does not parse is the real server's 400 decode error.
enum TimeFields {
    /// Paths of `metav1.Time` fields per kind; `*` walks every element of a list.
    static func timePaths(_ type: ResourceType) -> [[String]] {
        switch type {
        case .events: return [["firstTimestamp"], ["lastTimestamp"]]
        case .nodes: return [["status", "conditions", "*", "lastHeartbeatTime"], ["status", "conditions", "*", "lastTransitionTime"]]
        case .services, .namespaces: return [["status", "conditions", "*", "lastTransitionTime"]]
        default: return []
        }
    }

    static func microPaths(_ type: ResourceType) -> [[String]] {
        switch type {
        case .leases: return [["spec", "acquireTime"], ["spec", "renewTime"]]
        case .events: return [["eventTime"], ["series", "lastObservedTime"]]
        default: return []
        }
    }

    static func normalize(_ object: inout JSONValue, type: ResourceType) throws(APIError) {
        var failure: String?
        for path in timePaths(type) {
            object = rewrite(object, path: path[...]) { value in
                guard let text = value.stringValue, let date = Timestamp.parse(text) else {
                    failure = failure ?? "parsing time \(value.serialized()) as \"2006-01-02T15:04:05Z07:00\": cannot parse \(value.serialized()) as \"2006\""
                    return value
                }
                return .string(Timestamp.format(date))
            }
        }
        for path in microPaths(type) {
            object = rewrite(object, path: path[...]) { value in
                guard let text = value.stringValue, let date = Timestamp.parse(text, exactMicros: true) else {
                    failure = failure ?? "parsing time \(value.serialized()) as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \(value.serialized()) as \".000000\""
                    return value
                }
                return .string(Timestamp.formatMicro(date))
            }
        }
        if let failure {
            throw APIError.badRequest("\(type.kind) in version \"\(type.version)\" cannot be handled as a \(type.kind): \(failure)")
        }
    }

    private static func rewrite(_ value: JSONValue, path: ArraySlice<String>, _ transform: (JSONValue) -> JSONValue) -> JSONValue {
        guard let head = path.first else {
            return value.isNull ? value : transform(value)
        }
        if head == "*" {
            guard case .array(let items) = value else { return value }
            return .array(items.map { rewrite($0, path: path.dropFirst(), transform) })
        }
        guard case .object(var dict) = value, let child = dict[head] else { return value }
        dict[head] = rewrite(child, path: path.dropFirst(), transform)
        return .object(dict)
    }
}
