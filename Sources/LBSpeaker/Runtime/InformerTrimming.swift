import KubeAPI

// What the speaker's informers keep of each object: only the fields the decision core and the
// Events it records read. A speaker runs on every node and watches every Service and
// EndpointSlice of the cluster, so each byte cached per object is paid node count times over.
// Nothing the speaker writes is built from these cached copies.

extension KubeAPI.Service {
    /// Identity (for Events), type and class (is it ours), traffic policy and ingress IPs.
    static func trimmedForSpeaker(_ svc: KubeAPI.Service) -> KubeAPI.Service {
        let metadata = ObjectMeta(
            name: svc.metadata.name, namespace: svc.metadata.namespace, uid: svc.metadata.uid,
            resourceVersion: svc.metadata.resourceVersion)
        let spec = ServiceSpec(
            type: svc.spec.type, loadBalancerClass: svc.spec.loadBalancerClass,
            externalTrafficPolicy: svc.spec.externalTrafficPolicy)
        var status = ServiceStatus()
        status.loadBalancer = svc.status.loadBalancer
        return KubeAPI.Service(metadata: metadata, spec: spec, status: status)
    }
}

extension EndpointSlice {
    /// The Service it belongs to (its label), its address type, and per endpoint only the node
    /// and the ready condition (`EndpointReadiness` reads nothing else).
    static func trimmedForSpeaker(_ slice: EndpointSlice) -> EndpointSlice {
        var labels: [String: String] = [:]
        if let service = slice.serviceName { labels[EndpointSlice.serviceNameLabel] = service }
        let metadata = ObjectMeta(
            name: slice.metadata.name, namespace: slice.metadata.namespace, labels: labels, uid: slice.metadata.uid,
            resourceVersion: slice.metadata.resourceVersion)
        let endpoints = slice.endpoints.map { endpoint in
            Endpoint(addresses: [], conditions: EndpointConditions(ready: endpoint.conditions.ready), nodeName: endpoint.nodeName)
        }
        return EndpointSlice(metadata: metadata, addressType: slice.addressType, endpoints: endpoints)
    }
}

extension Lease {
    /// What `SpeakerLease.peer(from:selfName:)` reads: name, holder and the member address. The
    /// other speakers' published state (up to 200 KB each) is for lbctl, not for peers.
    static func trimmedForSpeaker(_ lease: Lease) -> Lease {
        var annotations: [String: String] = [:]
        if let address = lease.metadata.annotations[MemberAddress.annotationKey] {
            annotations[MemberAddress.annotationKey] = address
        }
        let metadata = ObjectMeta(
            name: lease.metadata.name, namespace: lease.metadata.namespace, annotations: annotations,
            uid: lease.metadata.uid, resourceVersion: lease.metadata.resourceVersion)
        var spec = LeaseSpec()
        spec.holderIdentity = lease.spec.holderIdentity
        return Lease(metadata: metadata, spec: spec)
    }
}
