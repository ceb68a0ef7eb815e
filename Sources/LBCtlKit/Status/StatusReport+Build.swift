import Foundation
import KubeAPI
import LBCore

extension StatusReport {
    /// The prefix of the Lease each speaker renews and publishes its state on; the rest of the
    /// name is the node.
    public static let speakerLeasePrefix = "ironlb-speaker-"

    /// Builds the report. A pure function of its inputs: `configText` is the `config` key of the
    /// IronLB ConfigMap (nil when the ConfigMap or the key is absent), `services` every Service
    /// in the cluster, `leases` the Leases in IronLB's namespace (others than the speakers' are
    /// ignored), `now` the time liveness and ages are measured against.
    ///
    /// IronLB serves Services of type LoadBalancer without a `loadBalancerClass`, as the
    /// controller does when run without `--load-balancer-class`.
    public static func build(
        configText: String?, configSource: String, services: [KubeAPI.Service], leases: [Lease], now: Date
    ) -> StatusReport {
        let (configState, config) = readConfig(configText, source: configSource)
        let speakers = readSpeakers(leases, now: now)
        let served = services
            .filter { $0.spec.type == .loadBalancer && $0.spec.loadBalancerClass == nil }
            .sorted { ($0.metadata.namespace ?? "", $0.metadata.name) < ($1.metadata.namespace ?? "", $1.metadata.name) }
        let pools = poolUsage(config, services: served)
        let lines = served.map { serviceLine($0, config: config, configState: configState, pools: pools, speakers: speakers) }
        let report = StatusReport(
            verdict: "", config: configState, pools: pools, services: lines, speakers: speakers.map(\.entry))
        var copy = report
        copy.verdict = verdict(report)
        return copy
    }

    // MARK: Config

    static func readConfig(_ text: String?, source: String) -> (ConfigState, Config?) {
        guard let text else {
            return (ConfigState(state: .missing, source: source, errors: ["\(source) not found or has no config key"]), nil)
        }
        do {
            let config = try ConfigParser.parse(text)
            return (ConfigState(state: .loaded, source: source, errors: []), config)
        } catch {
            return (ConfigState(state: .invalid, source: source, errors: error.errors.map(\.description)), nil)
        }
    }

    // MARK: Pools

    /// In use: the distinct IPs found in Services' status that fall in the pool, so the numbers
    /// are what the cluster shows, exact for any pool size.
    static func poolUsage(_ config: Config?, services: [KubeAPI.Service]) -> [Pool] {
        guard let config else { return [] }
        let ips = Set(services.flatMap { ingressIPs($0).compactMap { IPAddress($0) } })
        return config.pools.map { pool in
            let families = pool.families.sorted().map { family in
                let inUse = ips.filter { $0.family == family && pool.contains($0) }.count
                return FamilyUsage(
                    family: family.rawValue, inUse: AddressCount(UInt128(inUse)).description,
                    total: pool.usableCount(family).description)
            }
            return Pool(name: pool.name, protocol: pool.protocol.rawValue, families: families)
        }
    }

    static func ingressIPs(_ service: KubeAPI.Service) -> [String] {
        service.status.loadBalancer.ingress.compactMap(\.ip)
    }

    // MARK: Services

    static func serviceLine(
        _ service: KubeAPI.Service, config: Config?, configState: ConfigState, pools: [Pool], speakers: [SpeakerRead]
    ) -> ServiceLine {
        let name = "\(service.metadata.namespace ?? "")/\(service.metadata.name)"
        let ips = ingressIPs(service)
        guard !ips.isEmpty else {
            return ServiceLine(
                name: name, state: .pending, ips: [], pool: nil, mode: nil, node: nil,
                reason: pendingReason(service, config: config, configState: configState, pools: pools))
        }
        let addresses = ips.compactMap { IPAddress($0) }
        let annotated = service.metadata.annotations[ServiceAnnotations.assignedPool]
        let containing = addresses.lazy.compactMap { config?.pool(containing: $0) }.first
        let poolName = annotated ?? containing?.name
        let pool = poolName.flatMap { config?.pool(named: $0) }
        var reason: String?
        if config != nil, containing == nil { reason = "IP in no configured pool" }
        let mode = pool?.protocol
        let node = announcer(of: addresses, mode: mode, speakers: speakers, reason: &reason)
        return ServiceLine(
            name: name, state: .served, ips: ips, pool: poolName, mode: mode?.rawValue, node: node, reason: reason)
    }

    /// Why a Service has no IP, as far as the cluster's objects tell: the config, the pool it
    /// asks for, or full pools; otherwise a pointer to its events.
    static func pendingReason(_ service: KubeAPI.Service, config: Config?, configState: ConfigState, pools: [Pool]) -> String {
        switch configState.state {
        case .missing: return "no IronLB config (\(configState.source))"
        case .invalid:
            let n = configState.errors.count
            return "IronLB config is invalid (\(n) \(n == 1 ? "error" : "errors"))"
        case .loaded: break
        }
        guard let config else { return "no IronLB config" }
        if config.pools.isEmpty { return "no address pools configured" }
        if case .success(let wanted?) = ServiceAnnotations.value(ServiceAnnotations.addressPool, in: service.metadata.annotations) {
            guard let pool = config.pool(named: wanted) else { return "asks for pool \"\(wanted)\", which is not configured" }
            if isFull(pool.name, pools) { return "pool \"\(wanted)\" is full" }
        } else if config.pools.filter(\.autoAssign).allSatisfy({ isFull($0.name, pools) }) {
            return "every auto-assign pool is full"
        }
        return "no IP assigned yet; see its events (kubectl describe service -n \(service.metadata.namespace ?? "") \(service.metadata.name))"
    }

    static func isFull(_ pool: String, _ pools: [Pool]) -> Bool {
        guard let usage = pools.first(where: { $0.name == pool }) else { return false }
        return usage.families.allSatisfy { $0.inUse == $0.total }
    }

    /// Who announces `addresses`, per the live speakers' published states. Layer 2: one node,
    /// or `split view` when speakers claim it twice or name different owners. BGP: every node
    /// that advertises it.
    static func announcer(of addresses: [IPAddress], mode: PoolProtocol?, speakers: [SpeakerRead], reason: inout String?) -> String? {
        let states = speakers.filter(\.entry.live).compactMap(\.state)
        guard !states.isEmpty else { return nil }
        var nodes: [String] = []
        var split = false
        for ip in addresses {
            let entries = states.compactMap { state in state.ips.first { $0.ip == ip }.map { (state.node, $0) } }
            let announcing = entries.filter { $0.1.announced }.map(\.0).sorted()
            if mode == .layer2 {
                let owners = Set(entries.compactMap { $0.1.owner })
                if announcing.count > 1 || owners.count > 1 { split = true }
            }
            for n in announcing where !nodes.contains(n) { nodes.append(n) }
        }
        if split {
            let note = "speakers disagree on the announcing node"
            reason = reason.map { "\($0); \(note)" } ?? note
            return "split view"
        }
        return nodes.isEmpty ? "none" : nodes.sorted().joined(separator: ",")
    }

    // MARK: Speakers

    /// A speaker's report entry with its decoded state, kept for the Service lines.
    struct SpeakerRead {
        var entry: Speaker
        var state: SpeakerState?
    }

    static func readSpeakers(_ leases: [Lease], now: Date) -> [SpeakerRead] {
        leases
            .filter { $0.metadata.name.hasPrefix(speakerLeasePrefix) }
            .sorted { $0.metadata.name < $1.metadata.name }
            .map { lease in
                let node = String(lease.metadata.name.dropFirst(speakerLeasePrefix.count))
                let renew = lease.spec.renewTime?.date
                var live = false
                if let renew, let duration = lease.spec.leaseDurationSeconds {
                    live = renew.addingTimeInterval(TimeInterval(duration)) > now
                }
                var entry = Speaker(
                    node: node, live: live, lastRenewal: lease.spec.renewTime?.description,
                    lastRenewalAgeSeconds: renew.map { max(0, Int(now.timeIntervalSince($0).rounded(.down))) },
                    announced: nil, members: [], note: nil)
                var state: SpeakerState?
                if let text = lease.metadata.annotations[SpeakerState.annotationKey] {
                    do {
                        let decoded = try SpeakerState.decode(text)
                        state = decoded
                        entry.announced = decoded.ips.filter(\.announced).count + (decoded.omitted?.announced ?? 0)
                        entry.members = decoded.liveMembers
                    } catch {
                        entry.note = "unreadable \(SpeakerState.annotationKey) annotation: \(error)"
                    }
                } else {
                    entry.note = "no \(SpeakerState.annotationKey) annotation"
                }
                return SpeakerRead(entry: entry, state: state)
            }
    }

    // MARK: Verdict

    static func verdict(_ report: StatusReport) -> String {
        let pending = report.services.filter { $0.state == .pending }.count
        let total = report.services.count
        var parts: [String] = []
        if total == 0 {
            parts.append("no LoadBalancer services")
        } else if pending == 0 {
            parts.append(total == 1 ? "1 service served" : "all \(total) services served")
        } else {
            parts.append("\(pending) \(pending == 1 ? "service" : "services") pending")
        }
        switch report.config.state {
        case .loaded: break
        case .missing: parts.append("config missing")
        case .invalid: parts.append("config invalid")
        }
        let dead = report.speakers.filter { !$0.live }.count
        if report.speakers.isEmpty {
            parts.append("no speakers")
        } else if dead > 0 {
            parts.append("\(dead) \(dead == 1 ? "speaker" : "speakers") not live")
        }
        let split = report.services.filter { $0.node == "split view" }.count
        if split > 0 { parts.append("\(split) split view") }
        return parts.joined(separator: "; ")
    }
}
