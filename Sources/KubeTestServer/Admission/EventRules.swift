/// Core/v1 Event validation (`ValidateEventCreate`, legacy and `eventTime` styles).
enum EventRules {
    static func validate(_ event: JSONValue) -> [FieldError] {
        var errors: [FieldError] = []
        let namespace = event[path: ["metadata", "namespace"]]?.stringValue ?? ""
        let involvedNamespace = event[path: ["involvedObject", "namespace"]]?.stringValue ?? ""
        if involvedNamespace.isEmpty {
            if !namespace.isEmpty, namespace != "default" {
                errors.append(.invalid("involvedObject.namespace", .string(involvedNamespace), "does not match event.namespace"))
            }
        } else if involvedNamespace != namespace {
            errors.append(.invalid("involvedObject.namespace", .string(involvedNamespace), "does not match event.namespace"))
        }
        let eventTime = event["eventTime"]
        if let eventTime, !eventTime.isNull {
            // New-style events must name who reports them.
            if (event["reportingComponent"]?.stringValue ?? "").isEmpty {
                errors.append(.required("reportingController", "must be specified"))
            }
            if (event["reportingInstance"]?.stringValue ?? "").isEmpty {
                errors.append(.required("reportingInstance", "must be specified"))
            }
            if (event["action"]?.stringValue ?? "").isEmpty { errors.append(.required("action", "must be specified")) }
            if (event["reason"]?.stringValue ?? "").isEmpty { errors.append(.required("reason", "must be specified")) }
            if !["Normal", "Warning"].contains(event["type"]?.stringValue ?? "") {
                errors.append(.invalid("type", event["type"] ?? "", "has invalid value: \(event["type"]?.stringValue ?? "")"))
            }
        }
        if (event["message"]?.stringValue?.utf8.count ?? 0) > 4096 {
            errors.append(FieldError(.tooLong, "message", "must have at most 4096 bytes"))
        }
        return errors
    }
}
