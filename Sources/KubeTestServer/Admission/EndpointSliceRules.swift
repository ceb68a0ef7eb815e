/// `ValidateEndpointSlice` (discovery.k8s.io/v1).
enum EndpointSliceRules {
    static let addressTypes = ["FQDN", "IPv4", "IPv6"]

    static func validate(_ slice: JSONValue, old: JSONValue?) -> [FieldError] {
        var errors: [FieldError] = []
        let addressType = slice["addressType"]?.stringValue ?? ""
        if addressType.isEmpty {
            errors.append(.required("addressType"))
        } else if !addressTypes.contains(addressType) {
            errors.append(.notSupported("addressType", .string(addressType), addressTypes))
        }
        if let old, let before = old["addressType"], before != slice["addressType"] {
            errors.append(.invalid("addressType", slice["addressType"], "field is immutable"))
        }
        let endpoints = slice["endpoints"]?.arrayValue ?? []
        if endpoints.count > 1000 { errors.append(FieldError(.tooMany, "endpoints", value: "\(endpoints.count)", "must have at most 1000 items")) }
        for (i, endpoint) in endpoints.enumerated() {
            let addresses = endpoint["addresses"]?.arrayValue ?? []
            if addresses.isEmpty {
                errors.append(.required("endpoints[\(i)].addresses", "must contain at least 1 address"))
            } else if addresses.count > 100 {
                errors.append(FieldError(.tooMany, "endpoints[\(i)].addresses", value: "\(addresses.count)", "must have at most 100 items"))
            }
            for (j, address) in addresses.enumerated() {
                let text = address.stringValue ?? ""
                let path = "endpoints[\(i)].addresses[\(j)]"
                switch addressType {
                case "IPv4":
                    if IPText(text)?.isIPv4 != true { errors.append(.invalid(path, .string(text), "must be a valid IPv4 address")) }
                case "IPv6":
                    if let ip = IPText(text), !ip.isIPv4 {} else { errors.append(.invalid(path, .string(text), "must be a valid IPv6 address")) }
                case "FQDN":
                    for message in NameRules.dns1123SubdomainErrors(text) { errors.append(.invalid(path, .string(text), message)) }
                default: break
                }
            }
            if let node = endpoint["nodeName"]?.stringValue {
                for message in NameRules.dns1123SubdomainErrors(node) {
                    errors.append(.invalid("endpoints[\(i)].nodeName", .string(node), message))
                }
            }
        }
        var names = Set<String>()
        for (i, port) in (slice["ports"]?.arrayValue ?? []).enumerated() {
            let name = port["name"]?.stringValue ?? ""
            if names.contains(name) { errors.append(.duplicate("ports[\(i)].name", .string(name))) }
            names.insert(name)
            if let number = port["port"], !number.isNull, !(0...65535).contains(number.intValue ?? -1) {
                errors.append(.invalid("ports[\(i)].port", number, "must be between 0 and 65535, inclusive"))
            }
            if let proto = port["protocol"], !proto.isNull, !["TCP", "UDP", "SCTP"].contains(proto.stringValue ?? "") {
                errors.append(.notSupported("ports[\(i)].protocol", proto, ["SCTP", "TCP", "UDP"]))
            }
        }
        return errors
    }
}
