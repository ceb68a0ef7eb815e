import KubeAPI
import LBCore

/// What lbctl reads from a Kubernetes Service, the way the controller reads it (its
/// `SnapshotMapping`), so the allocator can be asked the controller's question offline.
enum ServiceFacts {
    /// `namespace/name`.
    static func key(_ service: KubeAPI.Service) -> ServiceKey {
        ServiceKey(namespace: service.metadata.namespace ?? "default", name: service.metadata.name)
    }

    /// IronLB serves Services of type LoadBalancer without a `loadBalancerClass`, as the
    /// controller does when run without `--lb-class`.
    static func isServedByIronLB(_ service: KubeAPI.Service) -> Bool {
        service.spec.type == .loadBalancer && service.spec.loadBalancerClass == nil
    }

    /// The IPs in `status.loadBalancer.ingress`, as written.
    static func ingressIPs(_ service: KubeAPI.Service) -> [String] {
        service.status.loadBalancer.ingress.compactMap(\.ip)
    }

    /// The allocator's view of the Service, or why it refuses the Service's annotations.
    static func request(_ service: KubeAPI.Service) -> Result<ServiceRequest, AllocationError> {
        let key = key(service)
        return ServiceRequest.from(
            namespace: key.namespace, name: key.name, annotations: service.metadata.annotations,
            loadBalancerIP: service.spec.loadBalancerIP,
            ports: service.spec.ports.map { p in
                LBCore.ServicePort(p.port, LBCore.PortProtocol(rawValue: p.protocol?.rawValue ?? "TCP") ?? .tcp)
            },
            externalTrafficPolicy: service.spec.externalTrafficPolicy == .local ? .local : .cluster,
            selector: service.spec.selector,
            ipFamilies: service.spec.ipFamilies.compactMap { LBCore.IPFamily(rawValue: $0.rawValue) },
            ipFamilyPolicy: service.spec.ipFamilyPolicy.flatMap { LBCore.IPFamilyPolicy(rawValue: $0.rawValue) })
    }

    /// The allocator as the controller holds it: every served Service's status IPs registered,
    /// the ones IronLB recorded (`ironlb.dev/assigned-pool`) first, as `registerExisting` does.
    static func allocator(_ config: Config, services: [KubeAPI.Service]) -> Allocator {
        var allocator = Allocator(config: config)
        let ordered = services.filter(isServedByIronLB).sorted { a, b in
            let ra = a.metadata.annotations[ServiceAnnotations.assignedPool] != nil
            let rb = b.metadata.annotations[ServiceAnnotations.assignedPool] != nil
            return ra != rb ? ra : key(a) < key(b)
        }
        for service in ordered {
            let ips = ingressIPs(service).compactMap { IPAddress($0) }
            guard !ips.isEmpty, case .success(let request) = request(service) else { continue }
            _ = allocator.register(request, ips: ips)
        }
        return allocator
    }

    /// What the controller would answer for a Service without IPs, asked now: the refusal, or the
    /// assignment it would make (then the Service waits on the controller, not on its config).
    static func diagnose(_ service: KubeAPI.Service, allocator: Allocator) -> Result<Assignment, AllocationError> {
        var copy = allocator
        switch request(service) {
        case .failure(let error): return .failure(error)
        case .success(let request): return copy.assign(request)
        }
    }
}
