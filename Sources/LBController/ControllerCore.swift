import LBCore

/// The controller's decisions, as a pure value: Services and config text in, status changes and
/// events out. No Kubernetes client, no clock, no I/O — the glue (`ServiceController`) feeds it
/// snapshots from informers and carries out what it returns.
///
/// Rules it implements (issue 3, DESIGN.md):
/// - It owns Services of type LoadBalancer whose `loadBalancerClass` matches its own: none when
///   it runs without `--lb-class` (it is then the cluster's default implementation), exactly the
///   given class otherwise — MetalLB's rule, so two implementations never fight over a Service.
/// - Nothing is decided before a valid config has been loaded: Services stay as they are.
/// - Before allocating anything it re-registers the IPs every Service already shows in its
///   status (`registerExisting`), so a restart (or a migration from MetalLB, whose status IPs
///   carry over) never moves or steals an address.
/// - An invalid config is never applied; the last good one stays and `configStatus.stale` is set.
public struct ControllerCore: Sendable {
    /// The class this controller serves (`--lb-class`), or nil for Services without a class.
    public let loadBalancerClass: String?
    /// nil until the first valid config is loaded.
    public private(set) var allocator: Allocator?
    public private(set) var configStatus = ConfigStatus()
    /// Why a Service lost its addresses at the last config change, to explain its next event.
    private var evictionNotes: [ServiceKey: AllocationError] = [:]
    /// Services that are ours but hold no address, with why.
    public private(set) var pending: [ServiceKey: AllocationError] = [:]
    /// Set when addresses were freed: pending Services may fit now and must be tried again.
    private var freedSinceLastCheck = false

    public init(loadBalancerClass: String? = nil) {
        self.loadBalancerClass = loadBalancerClass
    }

    public struct ConfigStatus: Hashable, Sendable {
        /// A valid config has been applied at least once.
        public var loaded = false
        /// The ConfigMap's current content is not in force (invalid or missing).
        public var stale = false
        /// The errors that made it stale, one per line.
        public var errors: [String] = []
    }

    /// What happened when a ConfigMap version was applied.
    public enum ConfigOutcome: Hashable, Sendable {
        /// The first valid config: the caller runs `registerExisting` then reconciles every Service.
        case firstLoad(ControllerEvent)
        /// A new valid config replaced the old one; the caller reconciles every Service (those
        /// listed lost their IPs and will be moved or left pending).
        case applied(evicted: [ServiceKey], event: ControllerEvent)
        /// Same content as what is in force: nothing to do.
        case unchanged
        /// Refused: the last good config stays. The event goes on the ConfigMap.
        case rejected(ControllerEvent)
    }

    public func owns(_ s: ServiceSnapshot) -> Bool {
        s.isLoadBalancer && s.loadBalancerClass == loadBalancerClass
    }

    // MARK: Config

    /// Applies the ConfigMap's `config` text; nil when the ConfigMap or its key is missing.
    public mutating func applyConfig(text: String?) -> ConfigOutcome {
        guard let text else {
            configStatus.stale = true
            configStatus.errors = ["the ConfigMap or its \"config\" key is missing"]
            return .rejected(
                ControllerEvent(
                    .warning, "ConfigMissing",
                    configStatus.loaded
                        ? "config is missing; keeping the last valid config in force"
                        : "config is missing; no addresses will be assigned until a valid config is loaded"))
        }
        let config: Config
        do {
            config = try ConfigParser.parse(text)
        } catch {
            configStatus.stale = true
            configStatus.errors = error.errors.map(\.description)
            let kept = configStatus.loaded ? "the last valid config stays in force" : "no config is in force yet"
            return .rejected(
                ControllerEvent(
                    .warning, "InvalidConfig",
                    "config refused (\(error.errors.count) error\(error.errors.count == 1 ? "" : "s")), \(kept): "
                        + error.errors.map(\.description).joined(separator: "; ")))
        }
        configStatus.stale = false
        configStatus.errors = []
        let summary = "\(config.pools.count) pool\(config.pools.count == 1 ? "" : "s"), \(config.peers.count) peer\(config.peers.count == 1 ? "" : "s")"
        guard var alloc = allocator else {
            allocator = Allocator(config: config)
            configStatus.loaded = true
            return .firstLoad(ControllerEvent(.normal, "ConfigLoaded", "config loaded: \(summary)"))
        }
        if alloc.config == config { return .unchanged }
        allocator = nil  // unique reference while mutating (see `reconcile`)
        let report = alloc.applyConfig(config)
        allocator = alloc
        for (k, why) in report.evicted { evictionNotes[k] = why }
        let evicted = report.evicted.keys.sorted()
        var message = "config applied: \(summary)"
        if !evicted.isEmpty {
            message += "; \(evicted.count) Service\(evicted.count == 1 ? "" : "s") lost their addresses and will be reassigned: "
                + evicted.prefix(10).map(\.description).joined(separator: ", ") + (evicted.count > 10 ? ", ..." : "")
        }
        return .applied(evicted: evicted, event: ControllerEvent(.normal, "ConfigLoaded", message))
    }

    // MARK: Services

    /// Re-registers the addresses Services already show, before anything is allocated. Call it
    /// once after the first config load with every Service. Conflicting or invalid ones are left
    /// for `reconcile`, which reassigns them and says why.
    public mutating func registerExisting(_ services: [ServiceSnapshot]) {
        guard var alloc = allocator else { return }
        allocator = nil  // unique reference while mutating (see `reconcile`)
        // Services IronLB recorded as its own go first: on a conflict the address stays with them.
        let ordered = services.sorted { a, b in
            let ra = a.recordedPool != nil, rb = b.recordedPool != nil
            return ra != rb ? ra : a.key < b.key
        }
        for s in ordered where owns(s) && !s.statusIPs.isEmpty {
            guard case .success(let req) = s.request() else { continue }
            _ = alloc.register(req, ips: s.statusIPs)
        }
        allocator = alloc
    }

    /// Decides what one Service needs. Idempotent: feeding the same snapshot again after its
    /// decision was written yields a no-op.
    public mutating func reconcile(_ s: ServiceSnapshot) -> ServiceDecision {
        guard var alloc = allocator else { return ServiceDecision(key: s.key) }
        // Take the allocator out while mutating it: with a second reference left in `allocator`,
        // every mutation would copy all of its tables (copy-on-write), O(Services) per call.
        allocator = nil
        defer { allocator = alloc }
        let key = s.key
        let note = evictionNotes.removeValue(forKey: key)
        let previous = alloc.assignment(for: key)?.ips

        guard owns(s) else {
            pending[key] = nil
            if previous != nil { freedSinceLastCheck = true }
            alloc.release(key)
            let wasOurs = previous != nil || s.recordedPool != nil
            guard wasOurs else { return ServiceDecision(key: key) }
            var d = ServiceDecision(key: key, poolAnnotation: s.recordedPool != nil ? .some(nil) : nil)
            if !s.statusIPs.isEmpty || s.statusHasForeignEntries {
                d.status = .set([])
                let why =
                    s.isLoadBalancer
                    ? "its loadBalancerClass is \(s.loadBalancerClass.map { "\"\($0)\"" } ?? "unset")"
                    : "it is no longer of type LoadBalancer"
                d.events.append(
                    ControllerEvent(.normal, "IPReleased", "released \(list(s.statusIPs)): \(why), so IronLB no longer handles it"))
            }
            return d
        }

        let request: ServiceRequest
        switch s.request() {
        case .success(let r): request = r
        case .failure(let e):
            if previous != nil { freedSinceLastCheck = true }
            alloc.release(key)
            return failed(s, e)
        }

        switch alloc.assign(request, existing: s.statusIPs) {
        case .success(let a):
            pending[key] = nil
            var d = ServiceDecision(key: key)
            if Set(a.ips) != Set(s.statusIPs) || s.statusHasForeignEntries { d.status = .set(a.ips) }
            if s.recordedPool != a.pool { d.poolAnnotation = .some(a.pool) }
            let before = previous ?? s.statusIPs
            if let previous, Set(previous) != Set(a.ips) { freedSinceLastCheck = true }
            if before.isEmpty {
                d.events.append(ControllerEvent(.normal, "IPAllocated", "assigned \(list(a.ips)) from pool \"\(a.pool)\""))
            } else if Set(before) != Set(a.ips) {
                var msg = "changed \(list(before)) to \(list(a.ips)) from pool \"\(a.pool)\""
                if let note { msg += ": \(note)" } else if previous == nil {
                    msg += ": the addresses in its status could not be kept"
                }
                d.events.append(ControllerEvent(.normal, "IPChanged", msg))
            }
            return d
        case .failure(let e):
            if previous != nil { freedSinceLastCheck = true }
            var e2 = e
            if let note, case .noPoolAvailable = e { e2 = .invalidRequest("\(note); and no other pool can serve it: \(e)") }
            return failed(s, e2)
        }
    }

    /// Frees everything a deleted Service held.
    public mutating func serviceDeleted(_ key: ServiceKey) {
        if allocator?.assignment(for: key) != nil { freedSinceLastCheck = true }
        allocator?.release(key)
        pending[key] = nil
        evictionNotes[key] = nil
    }

    /// A refusal: clear what the Service shows and say why. The same refusal again (nothing
    /// changed) writes nothing, so a pending Service does not repeat its event on every resync.
    /// The pending Services to reconcile again because addresses were freed since the last call
    /// (MetalLB's "reprocess all" after a release, limited to the Services that can gain from it).
    public mutating func pendingToRetry() -> [ServiceKey] {
        guard freedSinceLastCheck else { return [] }
        freedSinceLastCheck = false
        return pending.keys.sorted()
    }

    private mutating func failed(_ s: ServiceSnapshot, _ e: AllocationError) -> ServiceDecision {
        let repeated = pending[s.key] == e
        pending[s.key] = e
        var d = ServiceDecision(key: s.key, poolAnnotation: s.recordedPool != nil ? .some(nil) : nil)
        if !s.statusIPs.isEmpty || s.statusHasForeignEntries {
            d.status = .set([])
            d.events.append(ControllerEvent(.warning, "AllocationFailed", "cleared \(list(s.statusIPs)): \(e)"))
        } else if !repeated {
            d.events.append(ControllerEvent(.warning, "AllocationFailed", e.description))
        }
        return d
    }

    private func list(_ ips: [IPAddress]) -> String {
        ips.isEmpty ? "no IPs" : ips.map(\.description).joined(separator: ", ")
    }
}
