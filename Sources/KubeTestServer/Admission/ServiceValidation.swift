/// `ValidateService` and `ValidateServiceStatusUpdate`: the checks of the real API server that matter
/// to a load-balancer controller, with its field paths and messages.
enum ServiceValidation {
    static let types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]

    static func validateSpec(_ service: JSONValue, old: JSONValue?) -> [FieldError] {
        var errors: [FieldError] = []
        let spec = service["spec"] ?? .emptyObject
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        let clusterIP = spec["clusterIP"]?.stringValue ?? ""
        let headless = clusterIP == "None"
        if !types.contains(type) {
            errors.append(.notSupported("spec.type", spec["type"], types))
        }
        if !["None", "ClientIP"].contains(spec["sessionAffinity"]?.stringValue ?? "") {
            errors.append(.notSupported("spec.sessionAffinity", spec["sessionAffinity"], ["ClientIP", "None"]))
        }
        if type == "ExternalName" {
            let name = spec["externalName"]?.stringValue ?? ""
            if name.isEmpty {
                errors.append(.required("spec.externalName"))
            } else {
                for message in NameRules.dns1123SubdomainErrors(name.hasSuffix(".") ? String(name.dropLast()) : name) {
                    errors.append(.invalid("spec.externalName", .string(name), message))
                }
            }
        }
        let ports = spec["ports"]?.arrayValue ?? []
        if ports.isEmpty, !headless, type != "ExternalName" {
            errors.append(.required("spec.ports"))
        }
        var names = Set<String>()
        var seen = Set<String>()
        var nodePorts = Set<String>()
        for (i, port) in ports.enumerated() {
            let path = "spec.ports[\(i)]"
            let name = port["name"]?.stringValue ?? ""
            if ports.count > 1, name.isEmpty { errors.append(.required("\(path).name")) }
            if !name.isEmpty {
                for message in NameRules.dns1123LabelErrors(name) { errors.append(.invalid("\(path).name", .string(name), message)) }
                if names.contains(name) { errors.append(.duplicate("\(path).name", .string(name))) }
                names.insert(name)
            }
            let number = port["port"]?.intValue ?? 0
            if !(1...65535).contains(number) {
                errors.append(.invalid("\(path).port", port["port"] ?? 0, "must be between 1 and 65535, inclusive"))
            }
            let proto = port["protocol"]?.stringValue ?? ""
            if !["TCP", "UDP", "SCTP"].contains(proto) {
                errors.append(.notSupported("\(path).protocol", port["protocol"], ["SCTP", "TCP", "UDP"]))
            }
            switch port["targetPort"] {
            case .number?:
                let t = port["targetPort"]?.intValue ?? 0
                if !(1...65535).contains(t) {
                    errors.append(.invalid("\(path).targetPort", port["targetPort"], "must be between 1 and 65535, inclusive"))
                }
            case .string(let s)?:
                if s.count > 15 || s.isEmpty || !s.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
                    || !s.contains(where: { $0.isLetter }) {
                    errors.append(.invalid("\(path).targetPort", .string(s),
                        "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"))
                }
            default: break
            }
            let key = "\(number)/\(proto)"
            if seen.contains(key) {
                errors.append(FieldError(.duplicate, path, value:
                    "core.ServicePort{Name:\"\", Protocol:\"\(proto)\", AppProtocol:(*string)(nil), Port:\(number), TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}", ""))
            }
            seen.insert(key)
            if let nodePort = port["nodePort"]?.intValue, nodePort != 0 {
                if type == "ClusterIP" || type == "ExternalName" {
                    errors.append(.forbidden("\(path).nodePort", "may not be used when `type` is '\(type)'"))
                }
                let npKey = "\(nodePort)/\(proto)"
                if nodePorts.contains(npKey) { errors.append(.duplicate("\(path).nodePort", .int(nodePort))) }
                nodePorts.insert(npKey)
            }
        }
        let external = type == "NodePort" || type == "LoadBalancer"
        if let etp = spec["externalTrafficPolicy"], etp != .string("") {
            if !external {
                errors.append(.invalid("spec.externalTrafficPolicy", etp, "may only be set for externally-accessible services"))
            } else if !["Cluster", "Local"].contains(etp.stringValue ?? "") {
                errors.append(.notSupported("spec.externalTrafficPolicy", etp, ["Cluster", "Local"]))
            }
        }
        if let itp = spec["internalTrafficPolicy"], !["Cluster", "Local"].contains(itp.stringValue ?? "") {
            errors.append(.notSupported("spec.internalTrafficPolicy", itp, ["Cluster", "Local"]))
        }
        if let hc = spec["healthCheckNodePort"]?.intValue, hc != 0,
           !(type == "LoadBalancer" && spec["externalTrafficPolicy"] == "Local") {
            errors.append(.invalid("spec.healthCheckNodePort", .int(hc),
                                   "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
        }
        if type != "LoadBalancer" {
            if spec["allocateLoadBalancerNodePorts"] != nil, spec["allocateLoadBalancerNodePorts"] != .null {
                errors.append(.forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"))
            }
            if let cls = spec["loadBalancerClass"], cls != .null {
                errors.append(.forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"))
            }
            if let ranges = spec["loadBalancerSourceRanges"]?.arrayValue, !ranges.isEmpty {
                errors.append(.forbidden("spec.loadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'"))
            }
        }
        if let cls = spec["loadBalancerClass"]?.stringValue {
            for message in NameRules.qualifiedNameErrors(cls) {
                errors.append(.invalid("spec.loadBalancerClass", .string(cls), message))
            }
        }
        if let old, old[path: ["spec", "type"]] == "LoadBalancer", type == "LoadBalancer",
           old[path: ["spec", "loadBalancerClass"]] != spec["loadBalancerClass"] {
            errors.append(.invalid("spec.loadBalancerClass", spec["loadBalancerClass"] ?? .null, "may not change once set"))
        }
        for (i, range) in (spec["loadBalancerSourceRanges"]?.arrayValue ?? []).enumerated()
        where CIDRText(range.stringValue ?? "") == nil {
            errors.append(.invalid("spec.loadBalancerSourceRanges[\(i)]", range,
                                   "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"))
        }
        if let lbIP = spec["loadBalancerIP"]?.stringValue, !lbIP.isEmpty, type == "LoadBalancer", IPText(lbIP) == nil {
            errors.append(.invalid("spec.loadBalancerIP", .string(lbIP), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
        }
        for (i, ip) in (spec["externalIPs"]?.arrayValue ?? []).enumerated() where IPText(ip.stringValue ?? "") == nil {
            errors.append(.invalid("spec.externalIPs[\(i)]", ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
        }
        for (key, value) in (spec["selector"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            for message in NameRules.qualifiedNameErrors(key) { errors.append(.invalid("spec.selector", .string(key), message)) }
            for message in NameRules.labelValueErrors(value.stringValue ?? "") {
                errors.append(.invalid("spec.selector", value, message))
            }
        }
        if let policy = spec["ipFamilyPolicy"], policy != .null,
           !["SingleStack", "PreferDualStack", "RequireDualStack"].contains(policy.stringValue ?? "") {
            errors.append(.notSupported("spec.ipFamilyPolicy", policy, ["PreferDualStack", "RequireDualStack", "SingleStack"]))
        }
        var families = Set<String>()
        for (i, family) in (spec["ipFamilies"]?.arrayValue ?? []).enumerated() {
            if !["IPv4", "IPv6"].contains(family.stringValue ?? "") {
                errors.append(.notSupported("spec.ipFamilies[\(i)]", family, ["IPv4", "IPv6"]))
            } else if families.contains(family.stringValue ?? "") {
                errors.append(.duplicate("spec.ipFamilies[\(i)]", family))
            }
            families.insert(family.stringValue ?? "")
        }
        return errors
    }

    /// `ValidateLoadBalancerStatus` with the 1.30+ ipMode rules.
    static func validateStatus(_ service: JSONValue) -> [FieldError] {
        var errors: [FieldError] = []
        let ingress = service[path: ["status", "loadBalancer", "ingress"]]?.arrayValue ?? []
        let type = service[path: ["spec", "type"]]?.stringValue ?? "ClusterIP"
        if type != "LoadBalancer", !ingress.isEmpty {
            return [.forbidden("status.loadBalancer.ingress", "may only be used when `spec.type` is 'LoadBalancer'")]
        }
        for (i, entry) in ingress.enumerated() {
            let path = "status.loadBalancer.ingress[\(i)]"
            let ip = entry["ip"]?.stringValue ?? ""
            if !ip.isEmpty, IPText(ip) == nil {
                errors.append(.invalid("\(path).ip", .string(ip), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
            }
            let mode = entry["ipMode"]
            if mode == nil || mode == .null {
                if !ip.isEmpty { errors.append(.required("\(path).ipMode", "must be specified when `ip` is set")) }
            } else if ip.isEmpty {
                errors.append(.forbidden("\(path).ipMode", "may not be specified when `ip` is not set"))
            } else if !["VIP", "Proxy"].contains(mode?.stringValue ?? "") {
                errors.append(.notSupported("\(path).ipMode", mode, ["Proxy", "VIP"]))
            }
            if let host = entry["hostname"]?.stringValue, !host.isEmpty {
                for message in NameRules.dns1123SubdomainErrors(host) {
                    errors.append(.invalid("\(path).hostname", .string(host), message))
                }
                if IPText(host) != nil {
                    errors.append(.invalid("\(path).hostname", .string(host), "must be a DNS name, not an IP address"))
                }
            }
            for (j, port) in (entry["ports"]?.arrayValue ?? []).enumerated() {
                let number = port["port"]?.intValue ?? 0
                if !(1...65535).contains(number) {
                    errors.append(.invalid("\(path).ports[\(j)].port", port["port"] ?? 0, "must be between 1 and 65535, inclusive"))
                }
                if !["TCP", "UDP", "SCTP"].contains(port["protocol"]?.stringValue ?? "") {
                    errors.append(.notSupported("\(path).ports[\(j)].protocol", port["protocol"], ["SCTP", "TCP", "UDP"]))
                }
            }
        }
        for (i, condition) in (service[path: ["status", "conditions"]]?.arrayValue ?? []).enumerated() {
            if (condition["type"]?.stringValue ?? "").isEmpty { errors.append(.required("status.conditions[\(i)].type")) }
            if !["True", "False", "Unknown"].contains(condition["status"]?.stringValue ?? "") {
                errors.append(.notSupported("status.conditions[\(i)].status", condition["status"], ["False", "True", "Unknown"]))
            }
        }
        return errors
    }
}
