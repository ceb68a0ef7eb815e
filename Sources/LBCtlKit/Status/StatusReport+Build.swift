import Foundation
import KubeAPI
import LBCore

extension StatusReport {
    /// Builds the report. A pure function of the snapshot: liveness and ages are measured
    /// against `snapshot.now`. `namespace`, when given, limits the Services listed (pool usage
    /// still counts every Service).
    public static func build(_ snapshot: ClusterSnapshot, namespace: String? = nil) -> StatusReport {
        let (configState, config) = readConfig(snapshot)
        let speakers = SpeakerReading.read(snapshot.leases, now: snapshot.now)
        let served = snapshot.services.filter(ServiceFacts.isServedByIronLB)
            .sorted { ServiceFacts.key($0) < ServiceFacts.key($1) }
        let pools = poolUsage(config, services: served)
        let allocator = config.map { ServiceFacts.allocator($0, services: served) }
        let lines = served
            .filter { namespace == nil || $0.metadata.namespace == namespace }
            .map { service in
                serviceLine(
                    service, config: config, configState: configState, allocator: allocator, speakers: speakers,
                    events: snapshot.events(
                        kind: "Service", namespace: ServiceFacts.key(service).namespace, name: service.metadata.name))
            }
        var report = StatusReport(
            verdict: "", healthy: false, config: configState, pools: pools, services: lines,
            speakers: speakers.map(speaker))
        (report.verdict, report.healthy) = verdict(report)
        return report
    }

    // MARK: Config

    static func readConfig(_ snapshot: ClusterSnapshot) -> (ConfigState, Config?) {
        let source = snapshot.configSource
        let lastEvent = snapshot.configEvents.first
            .map { "\($0.reason ?? "Event"): \($0.message ?? "")" }
        guard let text = snapshot.configText else {
            return (
                ConfigState(
                    state: .missing, source: source, stale: true, errors: ["\(source) not found or has no config key"],
                    lastEvent: lastEvent), nil
            )
        }
        do {
            let config = try ConfigParser.parse(text)
            return (ConfigState(state: .loaded, source: source, stale: false, errors: [], lastEvent: lastEvent), config)
        } catch {
            return (
                ConfigState(
                    state: .invalid, source: source, stale: true, errors: error.errors.map(\.description),
                    lastEvent: lastEvent), nil
            )
        }
    }

    // MARK: Pools

    /// In use: the distinct IPs found in Services' status that fall in the pool, so the numbers
    /// are what the cluster shows, exact for any pool size.
    static func poolUsage(_ config: Config?, services: [KubeAPI.Service]) -> [Pool] {
        guard let config else { return [] }
        let ips = Set(services.flatMap { ServiceFacts.ingressIPs($0).compactMap { IPAddress($0) } })
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

    // MARK: Services

    static func serviceLine(
        _ service: KubeAPI.Service, config: Config?, configState: ConfigState, allocator: Allocator?,
        speakers: [SpeakerReading], events: [KubeAPI.Event]
    ) -> ServiceLine {
        let name = ServiceFacts.key(service).description
        let ips = ServiceFacts.ingressIPs(service)
        guard !ips.isEmpty else {
            return ServiceLine(
                name: name, state: .pending, ips: [], pool: nil, mode: nil, node: nil, peers: nil,
                reason: pendingReason(service, configState: configState, allocator: allocator, events: events))
        }
        let addresses = ips.compactMap { IPAddress($0) }
        let annotated = service.metadata.annotations[ServiceAnnotations.assignedPool]
        let containing = addresses.lazy.compactMap { config?.pool(containing: $0) }.first
        let poolName = annotated ?? containing?.name
        let pool = poolName.flatMap { config?.pool(named: $0) }
        var notes: [String] = []
        if config != nil, containing == nil { notes.append("IP in no configured pool") }
        let view = AnnouncementView(addresses: addresses, mode: pool?.protocol, speakers: speakers)
        notes += view.notes
        return ServiceLine(
            name: name, state: .served, ips: ips, pool: poolName, mode: pool?.protocol.rawValue, node: view.node,
            peers: view.peers, reason: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    /// Why a Service has no IP: the config when it is not loaded; else the controller's latest
    /// `AllocationFailed` event; else what the allocator answers for it now.
    static func pendingReason(
        _ service: KubeAPI.Service, configState: ConfigState, allocator: Allocator?, events: [KubeAPI.Event]
    ) -> String {
        switch configState.state {
        case .missing: return "no IronLB config (\(configState.source))"
        case .invalid:
            let n = configState.errors.count
            return "IronLB config is invalid (\(n) \(n == 1 ? "error" : "errors"))"
        case .loaded: break
        }
        if let event = events.first(where: { $0.reason == "AllocationFailed" }), let message = event.message {
            return message
        }
        guard let allocator else { return "no IronLB config" }
        switch ServiceFacts.diagnose(service, allocator: allocator) {
        case .failure(let error): return error.description
        case .success(let a):
            return "not assigned yet, though pool \"\(a.pool)\" has room (\(a.ips.map(\.description).joined(separator: ", "))); "
                + "check that the IronLB controller is running"
        }
    }

    // MARK: Speakers

    static func speaker(_ reading: SpeakerReading) -> Speaker {
        var notes: [String] = []
        if let problem = reading.stateProblem { notes.append(problem) }
        let sessions = reading.state?.bgpPeers
        for peer in sessions ?? [] where !peer.isEstablished {
            notes.append("bgp \(peer.name) \(peer.state)" + (peer.lastError.map { ": \($0)" } ?? ""))
        }
        return Speaker(
            node: reading.node, live: reading.live, lastRenewal: reading.lastRenewal,
            lastRenewalAgeSeconds: reading.lastRenewalAgeSeconds,
            announced: reading.state.map { $0.ips.filter(\.announced).count + ($0.omitted?.announced ?? 0) },
            bgpSessionsUp: sessions.map { $0.filter(\.isEstablished).count },
            bgpSessionsTotal: sessions.map(\.count),
            members: reading.state?.liveMembers ?? [], note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    // MARK: Verdict

    static func verdict(_ report: StatusReport) -> (String, Bool) {
        let pending = report.services.filter { $0.state == .pending }.count
        let total = report.services.count
        var parts: [String] = []
        var healthy = true
        if total == 0 {
            parts.append("no LoadBalancer services")
        } else if pending == 0 {
            parts.append(total == 1 ? "1 service served" : "all \(total) services served")
        } else {
            healthy = false
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
        let split = report.services.filter { $0.node == AnnouncementView.splitView }.count
        if split > 0 { parts.append("\(split) split view") }
        let unannounced = report.services.filter { $0.state == .served && $0.node == AnnouncementView.nobody }.count
        if unannounced > 0 { parts.append("\(unannounced) \(unannounced == 1 ? "service" : "services") not announced") }
        let down = report.speakers.reduce(0) { $0 + (($1.bgpSessionsTotal ?? 0) - ($1.bgpSessionsUp ?? 0)) }
        if down > 0 { parts.append("\(down) bgp \(down == 1 ? "session" : "sessions") down") }
        if parts.count > 1 { healthy = false }
        return (parts.joined(separator: "; "), healthy)
    }
}
