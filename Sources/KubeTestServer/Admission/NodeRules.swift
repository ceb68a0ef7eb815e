/// Node validation: the parts a load balancer's tests touch (taints, addresses, conditions).
enum NodeRules {
    static func validate(_ node: JSONValue) -> [FieldError] {
        var errors: [FieldError] = []
        for (i, taint) in (node[path: ["spec", "taints"]]?.arrayValue ?? []).enumerated() {
            let key = taint["key"]?.stringValue ?? ""
            if key.isEmpty { errors.append(.required("spec.taints[\(i)].key")) }
            for message in key.isEmpty ? [] : NameRules.qualifiedNameErrors(key) {
                errors.append(.invalid("spec.taints[\(i)].key", .string(key), message))
            }
            let effect = taint["effect"]?.stringValue ?? ""
            if !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(effect) {
                errors.append(.notSupported("spec.taints[\(i)].effect", .string(effect), ["NoExecute", "NoSchedule", "PreferNoSchedule"]))
            }
        }
        for (i, cidr) in (node[path: ["spec", "podCIDRs"]]?.arrayValue ?? []).enumerated() where CIDRText(cidr.stringValue ?? "") == nil {
            errors.append(.invalid("spec.podCIDRs[\(i)]", cidr, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"))
        }
        let addressTypes = ["Hostname", "InternalIP", "ExternalIP", "InternalDNS", "ExternalDNS"]
        for (i, address) in (node[path: ["status", "addresses"]]?.arrayValue ?? []).enumerated() {
            if !addressTypes.contains(address["type"]?.stringValue ?? "") {
                errors.append(.notSupported("status.addresses[\(i)].type", address["type"], addressTypes.sorted()))
            }
        }
        return errors
    }
}
