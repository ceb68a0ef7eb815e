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
