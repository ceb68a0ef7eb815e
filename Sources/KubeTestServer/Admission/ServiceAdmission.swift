/// Create, update and status-update preparation for Services: defaults, the status split, the
/// values the server keeps (`patchAllocatedValues`) or drops on a type change, validation, allocation.
enum ServiceAdmission {
    static func prepareForCreate(_ service: inout JSONValue, context: AdmissionContext) throws(APIError) {
        ServiceDefaults.apply(&service)
        service["status"] = ["loadBalancer": .emptyObject]
        var errors = ServiceValidation.validateSpec(service, old: nil)
        if errors.isEmpty {
            var spec = service["spec"]?.objectValue ?? [:]
            var allocation = ServiceAllocation(store: context.store, excluding: nil, network: context.network)
            allocation.assignClusterIPs(&spec, old: nil, errors: &errors)
            if errors.isEmpty { allocation.assignNodePorts(&spec, old: nil, errors: &errors) }
            service["spec"] = .object(spec)
        }
        try throwIfInvalid(errors, service)
    }

    static func prepareForUpdate(_ service: inout JSONValue, old: JSONValue, context: AdmissionContext) throws(APIError) {
        ServiceDefaults.apply(&service)
        service["status"] = old["status"]
        var spec = service["spec"]?.objectValue ?? [:]
        let oldSpec = old["spec"]?.objectValue ?? [:]
        keepAllocatedNodePorts(&spec, old: oldSpec)
        dropTypeDependentFields(&spec, old: oldSpec)
        service["spec"] = .object(spec)
        var errors = ServiceValidation.validateSpec(service, old: old)
        if errors.isEmpty {
            var allocation = ServiceAllocation(store: context.store, excluding: ObjectKey(of: old), network: context.network)
            allocation.assignClusterIPs(&spec, old: oldSpec, errors: &errors)
            if errors.isEmpty { allocation.assignNodePorts(&spec, old: oldSpec, errors: &errors) }
            service["spec"] = .object(spec)
        }
        // The status is not validated here: a spec update (say LoadBalancer -> ClusterIP) keeps the old
        // ingress, which only a /status write may change (ValidateServiceUpdate skips status).
        try throwIfInvalid(errors, service)
    }

    static func prepareForStatusUpdate(_ service: inout JSONValue, old: JSONValue) throws(APIError) {
        service["spec"] = old["spec"]
        ServiceDefaults.applyStatusDefaults(&service)
        try throwIfInvalid(ServiceValidation.validateStatus(service), service)
    }

    private static func throwIfInvalid(_ errors: [FieldError], _ service: JSONValue) throws(APIError) {
        guard !errors.isEmpty else { return }
        throw APIError.invalid(kind: "Service", name: service[path: ["metadata", "name"]]?.stringValue ?? "", errors: errors)
    }

    /// A PUT that omits node ports keeps the ones allocated before, matched by port name.
    private static func keepAllocatedNodePorts(_ spec: inout [String: JSONValue], old: [String: JSONValue]) {
        guard ServiceAllocation.needsNodePorts(old), ServiceAllocation.needsNodePorts(spec),
              var ports = spec["ports"]?.arrayValue else { return }
        let oldPorts = old["ports"]?.arrayValue ?? []
        let usedByNew = Set(ports.compactMap { $0["nodePort"]?.intValue }.filter { $0 != 0 })
        var byName: [String: Int] = [:]
        for port in oldPorts { byName[port["name"]?.stringValue ?? ""] = port["nodePort"]?.intValue ?? 0 }
        for i in ports.indices where (ports[i]["nodePort"]?.intValue ?? 0) == 0 {
            let value = byName[ports[i]["name"]?.stringValue ?? ""] ?? 0
            if value != 0, !usedByNew.contains(value) { ports[i]["nodePort"] = .int(value) }
        }
        spec["ports"] = .array(ports)
        if spec["type"] == "LoadBalancer", spec["externalTrafficPolicy"] == "Local",
           (spec["healthCheckNodePort"]?.intValue ?? 0) == 0, let hc = old["healthCheckNodePort"] {
            spec["healthCheckNodePort"] = hc
        }
    }

    /// `dropTypeDependentFields`: fields that only make sense for the old type are cleared when the
    /// client left them as they were, so that changing `type` alone works.
    private static func dropTypeDependentFields(_ spec: inout [String: JSONValue], old: [String: JSONValue]) {
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        if ServiceAllocation.needsNodePorts(old), !ServiceAllocation.needsNodePorts(spec),
           var ports = spec["ports"]?.arrayValue {
            let oldNodePorts = (old["ports"]?.arrayValue ?? []).map { $0["nodePort"]?.intValue ?? 0 }
            let newNodePorts = ports.map { $0["nodePort"]?.intValue ?? 0 }
            if Set(newNodePorts.filter { $0 != 0 }).isSubset(of: Set(oldNodePorts)) {
                for i in ports.indices { ports[i]["nodePort"] = nil }
                spec["ports"] = .array(ports)
            }
        }
        let wantsHealthCheck = type == "LoadBalancer" && spec["externalTrafficPolicy"] == "Local"
        if !wantsHealthCheck, spec["healthCheckNodePort"] == old["healthCheckNodePort"] { spec["healthCheckNodePort"] = nil }
        if type != "LoadBalancer" {
            if spec["allocateLoadBalancerNodePorts"] == old["allocateLoadBalancerNodePorts"] {
                spec["allocateLoadBalancerNodePorts"] = nil
            }
            if spec["loadBalancerClass"] == old["loadBalancerClass"] { spec["loadBalancerClass"] = nil }
        }
        if type != "NodePort", type != "LoadBalancer", spec["externalTrafficPolicy"] == old["externalTrafficPolicy"] {
            spec["externalTrafficPolicy"] = nil
        }
        if type == "ExternalName" {
            for key in ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy"]
            where spec[key] == old[key] {
                spec[key] = nil
            }
        }
    }
}
