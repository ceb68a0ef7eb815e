/// Conversion between core/v1 Events (how they are stored) and events.k8s.io/v1 Events, as the
/// real server's conversion functions map the fields.
enum EventConversion {
    /// (core/v1 field, events.k8s.io/v1 field)
    static let fields: [(String, String)] = [
        ("involvedObject", "regarding"), ("related", "related"), ("message", "note"),
        ("reportingComponent", "reportingController"), ("reportingInstance", "reportingInstance"), ("action", "action"),
        ("reason", "reason"), ("type", "type"), ("eventTime", "eventTime"), ("series", "series"),
        ("source", "deprecatedSource"), ("firstTimestamp", "deprecatedFirstTimestamp"),
        ("lastTimestamp", "deprecatedLastTimestamp"), ("count", "deprecatedCount"),
    ]

    static func toV1(_ core: JSONValue) -> JSONValue {
        var v1: JSONValue = ["apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": core["metadata"] ?? .emptyObject,
                             "eventTime": core["eventTime"] ?? .null]
        for (coreField, v1Field) in fields {
            if let value = core[coreField] { v1[v1Field] = value }
        }
        return v1
    }

    static func toCore(_ v1: JSONValue) -> JSONValue {
        var core: JSONValue = ["apiVersion": "v1", "kind": "Event", "metadata": v1["metadata"] ?? .emptyObject]
        for (coreField, v1Field) in fields {
            if let value = v1[v1Field], !value.isNull { core[coreField] = value }
        }
        return core
    }

    /// Field selectors name v1 fields; they select on the stored core fields.
    static func coreFieldSelector(_ selector: String) -> String {
        selector.split(separator: ",", omittingEmptySubsequences: false).map { term -> String in
            var text = String(term)
            for (from, to) in [("regarding.", "involvedObject."), ("reportingController", "reportingComponent"), ("deprecatedSource", "source")]
            where text.hasPrefix(from) {
                text = to + text.dropFirst(from.count)
            }
            return text
        }.joined(separator: ",")
    }
}
