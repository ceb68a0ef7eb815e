/// The facts about a Service that decide whether it may share an IP with another.
public struct SharingProfile: Hashable, Sendable {
    public var sharingKey: String?
    public var ports: [ServicePort]
    public var externalTrafficPolicy: ExternalTrafficPolicy
    public var selector: [String: String]

    public init(
        sharingKey: String?, ports: [ServicePort], externalTrafficPolicy: ExternalTrafficPolicy,
        selector: [String: String]
    ) {
        self.sharingKey = sharingKey
        self.ports = ports
        self.externalTrafficPolicy = externalTrafficPolicy
        self.selector = selector
    }

    public init(_ request: ServiceRequest) {
        self.init(
            sharingKey: request.sharingKey, ports: request.ports,
            externalTrafficPolicy: request.externalTrafficPolicy, selector: request.selector)
    }
}

/// When two Services may use the same IP (MetalLB's rules, kept so shared Services migrate
/// unchanged):
/// 1. both carry a sharing key (`allow-shared-ip`) and the keys are equal;
/// 2. no (port, protocol) is exposed by both: the node could not tell their traffic apart;
/// 3. both have the same `externalTrafficPolicy`: one IP is announced by one set of nodes;
/// 4. under `Local`, both select the same pods: the announcing node must have endpoints of both.
public enum SharingRules {
    /// nil when `a` and `b` may share; otherwise why not, in words a user can act on.
    public static func incompatibility(_ a: SharingProfile, _ b: SharingProfile) -> String? {
        guard let ka = a.sharingKey, let kb = b.sharingKey else {
            return "both Services need the same allow-shared-ip annotation to share an IP"
        }
        guard ka == kb else {
            return "their allow-shared-ip keys differ (\"\(ka)\" and \"\(kb)\")"
        }
        if a.externalTrafficPolicy != b.externalTrafficPolicy {
            return "their externalTrafficPolicy differs (\(a.externalTrafficPolicy.rawValue) and \(b.externalTrafficPolicy.rawValue))"
        }
        if a.externalTrafficPolicy == .local && a.selector != b.selector {
            return "with externalTrafficPolicy Local, Services sharing an IP must have the same pod selector"
        }
        let pa = Set(a.ports)
        let clash = b.ports.filter { pa.contains($0) }
        if !clash.isEmpty {
            let list = Set(clash).sorted { ($0.port, $0.protocol.rawValue) < ($1.port, $1.protocol.rawValue) }
            return "both expose \(list.map(\.description).joined(separator: ", "))"
        }
        return nil
    }
}
