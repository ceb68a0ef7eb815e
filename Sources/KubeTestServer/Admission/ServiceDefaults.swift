/// `SetDefaults_Service`: the defaults the API server applies to every Service it decodes.
enum ServiceDefaults {
    static func apply(_ service: inout JSONValue) {
        var spec = service["spec"]?.objectValue ?? [:]
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        if spec["type"] == nil || spec["type"] == .string("") { spec["type"] = "ClusterIP" }
        if (spec["sessionAffinity"]?.stringValue ?? "").isEmpty { spec["sessionAffinity"] = "None" }
        if spec["sessionAffinity"] == "ClientIP", spec["sessionAffinityConfig"]?[path: ["clientIP", "timeoutSeconds"]] == nil {
            spec["sessionAffinityConfig"] = ["clientIP": ["timeoutSeconds": 10800]]
        }
        if var ports = spec["ports"]?.arrayValue {
            for i in ports.indices {
                guard var port = ports[i].objectValue else { continue }
                if (port["protocol"]?.stringValue ?? "").isEmpty { port["protocol"] = "TCP" }
                let target = port["targetPort"]
                if target == nil || target == .int(0) || target == .string("") || target == .null {
                    port["targetPort"] = port["port"]
                }
                ports[i] = .object(port)
            }
            spec["ports"] = .array(ports)
        }
        if type == "NodePort" || type == "LoadBalancer", (spec["externalTrafficPolicy"]?.stringValue ?? "").isEmpty {
            spec["externalTrafficPolicy"] = "Cluster"
        }
        if type != "ExternalName", (spec["internalTrafficPolicy"]?.stringValue ?? "").isEmpty {
            spec["internalTrafficPolicy"] = "Cluster"
        }
        if type == "LoadBalancer", spec["allocateLoadBalancerNodePorts"] == nil || spec["allocateLoadBalancerNodePorts"] == .null {
            spec["allocateLoadBalancerNodePorts"] = true
        }
        service["spec"] = .object(spec)
        applyStatusDefaults(&service)
    }

    /// Since Kubernetes 1.30 (LoadBalancerIPMode) every ingress entry with an `ip` gets `ipMode: VIP`.
    static func applyStatusDefaults(_ service: inout JSONValue) {
        guard var ingress = service[path: ["status", "loadBalancer", "ingress"]]?.arrayValue else { return }
        for i in ingress.indices {
            guard var entry = ingress[i].objectValue else { continue }
            if !(entry["ip"]?.stringValue ?? "").isEmpty, entry["ipMode"] == nil || entry["ipMode"] == .null {
                entry["ipMode"] = "VIP"
            }
            ingress[i] = .object(entry)
        }
        service[path: ["status", "loadBalancer", "ingress"]] = .array(ingress)
    }
}
