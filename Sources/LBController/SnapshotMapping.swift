import KubeAPI
import LBCore

/// The only place that reads a Kubernetes `Service` for the controller: it copies what the
/// decision core needs into a `ServiceSnapshot` (plain LBCore values).
extension ServiceSnapshot {
    public init(_ svc: KubeAPI.Service) {
        let key = ServiceKey(namespace: svc.metadata.namespace ?? "default", name: svc.metadata.name)
        var ips: [IPAddress] = []
        var foreign = false
        for entry in svc.status.loadBalancer.ingress {
            if let text = entry.ip, let ip = IPAddress(text), entry.hostname == nil, entry.ports.isEmpty {
                if !ips.contains(ip) { ips.append(ip) } else { foreign = true }
            } else {
                foreign = true
            }
        }
        self.init(
            key: key,
            uid: svc.metadata.uid ?? "",
            isLoadBalancer: svc.spec.type == .loadBalancer,
            loadBalancerClass: svc.spec.loadBalancerClass,
            annotations: svc.metadata.annotations,
            loadBalancerIP: svc.spec.loadBalancerIP,
            ports: svc.spec.ports.map { p in
                LBCore.ServicePort(p.port, LBCore.PortProtocol(rawValue: p.protocol?.rawValue ?? "TCP") ?? .tcp)
            },
            externalTrafficPolicy: svc.spec.externalTrafficPolicy == .local ? .local : .cluster,
            selector: svc.spec.selector,
            ipFamilies: svc.spec.ipFamilies.compactMap { LBCore.IPFamily(rawValue: $0.rawValue) },
            ipFamilyPolicy: svc.spec.ipFamilyPolicy.flatMap { LBCore.IPFamilyPolicy(rawValue: $0.rawValue) },
            statusIPs: ips,
            statusHasForeignEntries: foreign)
    }
}

extension LoadBalancerStatus {
    /// What IronLB writes: one entry per IP with `ipMode: VIP` (what the API server would add
    /// anyway since 1.30), IPv4 first.
    static func ironLB(_ ips: [IPAddress]) -> LoadBalancerStatus {
        LoadBalancerStatus(ingress: ips.sorted().map { LoadBalancerIngress(ip: $0.description, ipMode: .vip) })
    }
}

extension KubeAPI.Service {
    /// The Service as the controller's informer caches it: what `ServiceSnapshot(_:)` reads, plus
    /// the identity a write or an Event names (namespace, name, uid, resourceVersion). Everything
    /// else (cluster IPs, labels, port names, node ports, unknown fields) is dropped, which halves
    /// the cache at 10,000 Services. Nothing the controller sends is built from a cached object:
    /// status goes out as a patch, and a conflict re-reads the whole Service.
    static func trimmedForController(_ svc: KubeAPI.Service) -> KubeAPI.Service {
        var metadata = ObjectMeta(
            name: svc.metadata.name, namespace: svc.metadata.namespace, annotations: svc.metadata.annotations,
            uid: svc.metadata.uid, resourceVersion: svc.metadata.resourceVersion)
        metadata.deletionTimestamp = svc.metadata.deletionTimestamp
        let spec = ServiceSpec(
            type: svc.spec.type,
            ports: svc.spec.ports.map { KubeAPI.ServicePort(protocol: $0.protocol, port: $0.port) },
            selector: svc.spec.selector, loadBalancerIP: svc.spec.loadBalancerIP,
            loadBalancerClass: svc.spec.loadBalancerClass, externalTrafficPolicy: svc.spec.externalTrafficPolicy,
            ipFamilies: svc.spec.ipFamilies, ipFamilyPolicy: svc.spec.ipFamilyPolicy)
        var status = ServiceStatus()
        status.loadBalancer = svc.status.loadBalancer
        return KubeAPI.Service(metadata: metadata, spec: spec, status: status)
    }
}
