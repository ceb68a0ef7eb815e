import LBCore
import Prometheus
import Synchronization

/// The controller's Prometheus metrics. MetalLB's names are kept where MetalLB has one, so
/// existing dashboards keep working; IronLB's own are prefixed `ironlb_`.
public final class ControllerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    private let configLoaded: Gauge
    private let configStale: Gauge
    private let leader: Gauge
    private let pending: Gauge
    private let caughtUp: Gauge
    private let statusWrites: Counter
    private let writeFailures: Counter
    private let poolGauges = Mutex<[String: [Gauge]]>([:])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        configLoaded = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "metallb", subsystem: "k8s_client", metricName: "config_loaded", unitName: "bool",
                helpText: "1 if a valid config has been loaded"))
        configStale = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "metallb", subsystem: "k8s_client", metricName: "config_stale", unitName: "bool",
                helpText: "1 if the config in the ConfigMap is not the one in force (invalid or missing)"))
        leader = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "ironlb", subsystem: "controller", metricName: "leader", unitName: "bool",
                helpText: "1 while this replica holds the leader lease and writes"))
        pending = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "ironlb", subsystem: "controller", metricName: "services_pending", unitName: "count",
                helpText: "LoadBalancer Services IronLB owns that hold no address"))
        caughtUp = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "ironlb", subsystem: "controller", metricName: "caught_up", unitName: "bool",
                helpText: "1 once the leader has reconciled every Service it found when its term began"))
        statusWrites = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "ironlb", subsystem: "controller", metricName: "status_writes", unitName: "total",
                helpText: "Service status and annotation writes"))
        writeFailures = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "ironlb", subsystem: "controller", metricName: "write_failures", unitName: "total",
                helpText: "Writes that failed and were retried later"))
    }

    private func gauge(
        _ ns: String, _ sub: String, _ name: String, _ unit: String, _ labels: [(String, String)], _ help: String
    ) -> Gauge {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: ns, subsystem: sub, metricName: name, unitName: unit, helpText: help),
            labels: labels)
    }

    func setConfig(_ s: ControllerCore.ConfigStatus) {
        configLoaded.set(to: s.loaded ? 1 : 0)
        configStale.set(to: s.stale ? 1 : 0)
    }

    func setLeader(_ leading: Bool) { leader.set(to: leading ? 1 : 0) }
    func setPending(_ n: Int) { pending.set(to: Double(n)) }
    func setCaughtUp(_ v: Bool) { caughtUp.set(to: v ? 1 : 0) }
    func wrote() { statusWrites.increment() }
    func writeFailed() { writeFailures.increment() }

    /// Per-pool address gauges: MetalLB's `metallb_allocator_addresses_total` and
    /// `metallb_allocator_addresses_in_use_total` (all families), plus IronLB's per-family ones.
    /// Gauges of pools that left the config are unregistered.
    func setUsage(_ usage: [PoolUsage]) {
        poolGauges.withLock { gauges in
            var seen = Set<String>()
            for u in usage {
                seen.insert(u.pool)
                let g =
                    gauges[u.pool]
                    ?? [
                        gauge("metallb", "allocator", "addresses", "total", [("pool", u.pool)],
                              "Number of usable IP addresses, per pool"),
                        gauge("metallb", "allocator", "addresses_in_use", "total", [("pool", u.pool)],
                              "Number of IP addresses in use, per pool"),
                        gauge("ironlb", "allocator", "addresses", "", [("pool", u.pool), ("family", "IPv4")],
                              "Usable IP addresses per pool and family"),
                        gauge("ironlb", "allocator", "addresses", "", [("pool", u.pool), ("family", "IPv6")],
                              "Usable IP addresses per pool and family"),
                        gauge("ironlb", "allocator", "addresses_in_use", "", [("pool", u.pool), ("family", "IPv4")],
                              "IP addresses in use per pool and family"),
                        gauge("ironlb", "allocator", "addresses_in_use", "", [("pool", u.pool), ("family", "IPv6")],
                              "IP addresses in use per pool and family"),
                    ]
                gauges[u.pool] = g
                g[0].set(to: u.total.doubleValue)
                g[1].set(to: u.inUse.doubleValue)
                g[2].set(to: u.ipv4.total.doubleValue)
                g[3].set(to: u.ipv6.total.doubleValue)
                g[4].set(to: u.ipv4.inUse.doubleValue)
                g[5].set(to: u.ipv6.inUse.doubleValue)
            }
            for (pool, g) in gauges where !seen.contains(pool) {
                for gauge in g { registry.unregisterGauge(gauge) }
                gauges[pool] = nil
            }
        }
    }
}
