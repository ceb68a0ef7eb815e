/// Cluster IP, IP family and node port assignment for Services, as the real REST storage does it
/// (`pkg/registry/core/service/storage/alloc.go`): requested values are checked against the ranges
/// and against every other Service; missing ones are picked at random from what is free.
struct ServiceAllocation {
    var usedIPs: UseCounts<String>
    var usedNodePorts: UseCounts<Int>
    let network: ClusterNetwork

    /// What every Service but `excluding` holds: the store's running counts, minus what the
    /// excluded Service itself holds (no scan over every Service).
    init(store: ObjectStore, excluding: ObjectKey?, network: ClusterNetwork) {
        self.network = network
        usedIPs = UseCounts(store.serviceIPUse)
        usedNodePorts = UseCounts(store.serviceNodePortUse)
        if let excluding, let own = store.get(.services, excluding) {
            let held = Self.heldValues(of: own)
            for ip in held.ips { usedIPs.remove(ip) }
            for port in held.nodePorts { usedNodePorts.remove(port) }
        }
    }

    /// The cluster IPs (canonical text) and node ports (including the health-check node port) a
    /// stored Service holds.
    static func heldValues(of service: JSONValue) -> (ips: [String], nodePorts: [Int]) {
        var ips: [String] = []
        var ports: [Int] = []
        for ip in service[path: ["spec", "clusterIPs"]]?.arrayValue ?? [] {
            if let text = ip.stringValue, let parsed = IPText(text) { ips.append(parsed.text) }
        }
        for port in service[path: ["spec", "ports"]]?.arrayValue ?? [] {
            if let np = port["nodePort"]?.intValue, np != 0 { ports.append(np) }
        }
        if let hc = service[path: ["spec", "healthCheckNodePort"]]?.intValue, hc != 0 { ports.append(hc) }
        return (ips, ports)
    }

    static func otherFamily(_ family: String) -> String { family == "IPv4" ? "IPv6" : "IPv4" }

    /// Fills in `clusterIP`, `clusterIPs`, `ipFamilies` and `ipFamilyPolicy`.
    mutating func assignClusterIPs(_ spec: inout [String: JSONValue], old: [String: JSONValue]?, errors: inout [FieldError]) {
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        if type == "ExternalName" {
            for key in ["clusterIP", "clusterIPs"] {
                if let value = spec[key], value != .null, value != .string(""), value != .array([]),
                   value != old?[key] {
                    errors.append(.forbidden("spec.\(key)", "may not be set for ExternalName services"))
                }
            }
            for key in ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"] { spec[key] = nil }
            return
        }
        var single = spec["clusterIP"]?.stringValue ?? ""
        var listed = (spec["clusterIPs"]?.arrayValue ?? []).map { $0.stringValue ?? "" }
        var familiesCopiedFromOld = false
        var oldIPs: [String] = []
        if let old, old["type"] != "ExternalName" {
            oldIPs = (old["clusterIPs"]?.arrayValue ?? []).compactMap(\.stringValue)
            if oldIPs.isEmpty, let ip = old["clusterIP"]?.stringValue, !ip.isEmpty { oldIPs = [ip] }
            if single.isEmpty, listed.isEmpty {
                listed = oldIPs
                single = oldIPs.first ?? ""
                familiesCopiedFromOld = true
            } else if single.isEmpty {
                single = listed.first ?? ""
            } else if listed.isEmpty {
                listed = oldIPs.first == single ? oldIPs : [single]
                familiesCopiedFromOld = oldIPs.first == single
            }
            if spec["ipFamilies"] == nil || spec["ipFamilies"] == .array([]) { spec["ipFamilies"] = old["ipFamilies"] }
            if spec["ipFamilyPolicy"] == nil || spec["ipFamilyPolicy"] == .null { spec["ipFamilyPolicy"] = old["ipFamilyPolicy"] }
            if let first = oldIPs.first, !first.isEmpty, listed.first != first {
                errors.append(FieldError(.invalid, "spec.clusterIPs[0]", value: goStrings(listed), "may not change once set"))
                return
            }
        }
        if listed.isEmpty, !single.isEmpty { listed = [single] }
        if !single.isEmpty, let first = listed.first, first != single {
            errors.append(FieldError(.invalid, "spec.clusterIPs", value: goStrings(listed), "first value must match `clusterIP`"))
            return
        }
        let headless = listed.first == "None"
        var ipFamiliesOfRequest: [String] = []
        if !headless {
            for (i, text) in listed.enumerated() {
                guard let ip = IPText(text) else {
                    errors.append(.invalid("spec.clusterIPs[\(i)]", .string(text), "must be empty, 'None', or a valid IP address"))
                    return
                }
                if ipFamiliesOfRequest.contains(ip.family) {
                    errors.append(FieldError(.invalid, "spec.clusterIPs[\(i)]", value: goStrings(listed),
                                             "may specify no more than one IP for each IP family"))
                    return
                }
                ipFamiliesOfRequest.append(ip.family)
            }
        }
        var families = (spec["ipFamilies"]?.arrayValue ?? []).compactMap(\.stringValue)
        for (i, family) in ipFamiliesOfRequest.enumerated() where i < families.count && families[i] != family {
            errors.append(.invalid("spec.ipFamilies[\(i)]", .string(families[i]), "does not match IP family of `clusterIPs[\(i)]`"))
            return
        }
        if families.count < ipFamiliesOfRequest.count { families = ipFamiliesOfRequest }
        let policy = spec["ipFamilyPolicy"]?.stringValue ?? (families.count == 2 ? "RequireDualStack" : "SingleStack")
        if policy == "SingleStack", familiesCopiedFromOld, families.count == 2 {
            // Downgrading to single-stack drops the secondary family and IP (the real server does this too).
            families = [families[0]]
            listed = Array(listed.prefix(1))
        }
        if policy == "SingleStack", families.count > 1 || listed.count > 1 {
            errors.append(.invalid("spec.ipFamilyPolicy", .string(policy),
                                   "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"))
            return
        }
        if families.isEmpty { families = [network.primaryFamily] }
        if policy != "SingleStack", families.count == 1 {
            let other = Self.otherFamily(families[0])
            if network.cidr(family: other) != nil {
                families.append(other)
            } else if policy == "RequireDualStack" {
                errors.append(.invalid("spec.ipFamilyPolicy", .string(policy), "this cluster is not configured for dual-stack services"))
                return
            }
        }
        spec["ipFamilies"] = .array(families.map { .string($0) })
        spec["ipFamilyPolicy"] = .string(policy)
        if headless {
            spec["clusterIP"] = "None"
            spec["clusterIPs"] = ["None"]
            return
        }
        var ips: [String] = []
        for (i, family) in families.enumerated() {
            if i < listed.count {
                let text = IPText(listed[i])?.text ?? listed[i]
                if !oldIPs.contains(listed[i]) {
                    guard let cidr = network.cidr(family: family), let ip = IPText(text), cidr.contains(ip) else {
                        let range = network.cidr(family: family)?.description ?? "<none>"
                        errors.append(FieldError(.invalid, "spec.clusterIPs", value: goStrings(listed),
                            "failed to allocate IP \(listed[i]): the provided IP (\(listed[i])) is not in the valid range. The range of valid IPs is \(range)"))
                        return
                    }
                    if usedIPs.contains(text) {
                        errors.append(FieldError(.invalid, "spec.clusterIPs", value: goStrings(listed),
                                                 "failed to allocate IP \(listed[i]): provided IP is already allocated"))
                        return
                    }
                }
                usedIPs.insert(text)
                ips.append(text)
            } else {
                guard let ip = allocateIP(family: family) else {
                    errors.append(.invalid("spec.clusterIPs", nil, "failed to allocate a serviceIP: range is full"))
                    return
                }
                ips.append(ip)
            }
        }
        spec["clusterIP"] = .string(ips[0])
        spec["clusterIPs"] = .array(ips.map { .string($0) })
    }

    private mutating func allocateIP(family: String) -> String? {
        guard let cidr = network.cidr(family: family) else { return nil }
        let size = cidr.size
        guard size > 4 else { return nil }
        // Skip the network address and the first host (the `kubernetes` Service's address).
        let span = min(size - 3, 1 << 20)
        let start = UInt64.random(in: 0..<span)
        for step in 0..<span {
            let offset = 2 + (start + step) % span
            let candidate = cidr.address.adding(offset).text
            if !usedIPs.contains(candidate) {
                usedIPs.insert(candidate)
                return candidate
            }
        }
        return nil
    }

    static func needsNodePorts(_ spec: [String: JSONValue]?) -> Bool {
        guard let spec else { return false }
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        return type == "NodePort" || (type == "LoadBalancer" && spec["allocateLoadBalancerNodePorts"] != .bool(false))
    }

    /// Checks requested node ports and allocates missing ones (and `healthCheckNodePort`).
    mutating func assignNodePorts(_ spec: inout [String: JSONValue], old: [String: JSONValue]?, errors: inout [FieldError]) {
        let oldPorts = Set((old?["ports"]?.arrayValue ?? []).compactMap { $0["nodePort"]?.intValue })
            .union([old?["healthCheckNodePort"]?.intValue].compactMap { $0 })
        var ports = spec["ports"]?.arrayValue ?? []
        let needs = Self.needsNodePorts(spec)
        var mine: [Int: Int] = [:]  // port number -> node port, shared across protocols
        for i in ports.indices {
            guard var port = ports[i].objectValue else { continue }
            let requested = port["nodePort"]?.intValue ?? 0
            if requested != 0 {
                if !checkNodePort(requested, field: "spec.ports[\(i)].nodePort", owned: oldPorts, errors: &errors) { continue }
                if let number = port["port"]?.intValue { mine[number] = requested }
                usedNodePorts.insert(requested)
            } else if needs {
                if let number = port["port"]?.intValue, let shared = mine[number] {
                    port["nodePort"] = .int(shared)
                } else if let allocated = allocateNodePort() {
                    port["nodePort"] = .int(allocated)
                    if let number = port["port"]?.intValue { mine[number] = allocated }
                } else {
                    errors.append(.invalid("spec.ports[\(i)].nodePort", nil, "failed to allocate a nodePort: range is full"))
                }
            }
            ports[i] = .object(port)
        }
        if spec["ports"] != nil { spec["ports"] = .array(ports) }
        let wantsHealthCheck = spec["type"] == "LoadBalancer" && spec["externalTrafficPolicy"] == "Local"
        if wantsHealthCheck {
            let requested = spec["healthCheckNodePort"]?.intValue ?? 0
            if requested != 0 {
                if checkNodePort(requested, field: "spec.healthCheckNodePort", owned: oldPorts, errors: &errors) {
                    usedNodePorts.insert(requested)
                }
            } else if let allocated = allocateNodePort() {
                spec["healthCheckNodePort"] = .int(allocated)
            }
        }
    }

    private func checkNodePort(_ port: Int, field: String, owned: Set<Int>, errors: inout [FieldError]) -> Bool {
        let range = network.nodePortRange
        if !range.contains(port) {
            errors.append(.invalid(field, .int(port),
                "provided port is not in the valid range. The range of valid ports is \(range.lowerBound)-\(range.upperBound)"))
            return false
        }
        if usedNodePorts.contains(port), !owned.contains(port) {
            errors.append(.invalid(field, .int(port), "provided port is already allocated"))
            return false
        }
        return true
    }

    private mutating func allocateNodePort() -> Int? {
        let range = network.nodePortRange
        let span = range.count
        let start = Int.random(in: 0..<span)
        for step in 0..<span {
            let candidate = range.lowerBound + (start + step) % span
            if !usedNodePorts.contains(candidate) {
                usedNodePorts.insert(candidate)
                return candidate
            }
        }
        return nil
    }

    /// Go's `%#v` of a string slice: `[]string{"a", "b"}`.
    func goStrings(_ values: [String]) -> String {
        "[]string{" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "}"
    }
}

/// A multiset with `Set`'s `contains`/`insert` vocabulary, for values several objects may hold.
/// It reads through to the store's running counts and keeps its own changes apart, so building one
/// for a request never copies the store's table (a copy per create made 10,000 creates quadratic).
struct UseCounts<T: Hashable> {
    private let base: [T: Int]
    private var delta: [T: Int] = [:]

    init(_ counts: [T: Int]) { self.base = counts }

    func contains(_ value: T) -> Bool { (base[value] ?? 0) + (delta[value] ?? 0) > 0 }

    mutating func insert(_ value: T) { delta[value, default: 0] += 1 }

    mutating func remove(_ value: T) {
        guard contains(value) else { return }
        delta[value, default: 0] -= 1
    }
}
