import LBCore
import LBNet
import LBProtocols
import Prometheus
import Synchronization

/// The speaker's Prometheus metrics. MetalLB's names and labels are kept where MetalLB has the
/// metric (`metallb_layer2_*{ip}`, `metallb_speaker_announced{ip,node,protocol,service}`), so
/// existing dashboards keep working; IronLB's own are prefixed `ironlb_speaker_`.
public final class SpeakerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    private let members: Gauge
    private let configStale: Gauge
    private let failovers: Counter
    private let drops: [MembershipDropReason: Counter]
    private let lastTransport = Mutex(MembershipTransportCounters())
    private let perIP = Mutex<[IPAddress: IPCounters]>([:])
    /// `metallb_speaker_announced`: kept here as a sorted array and rendered at each scrape, not
    /// as registry gauges. swift-prometheus copies a metric family's whole table on every gauge
    /// added or removed, so 10,000 announced IPs cost O(n^2) copies (seconds of CPU, and tens of
    /// MB of churn, per change); here a change costs one sort. Keeping the rendered text as well
    /// (or a set) was about 2 MB with 10,000 series; a render takes a few milliseconds.
    private let announced = Mutex<(keys: [AnnouncedKey], node: String)>(([], ""))
    /// `ironlb_speaker_layer2_drops_total{reason}`, created when a reason first occurs.
    private let layer2Drops = Mutex<[String: Counter]>([:])
    /// The `metallb_bgp_*{peer}` series per peer label, with the update count last recorded.
    private let bgpSeries = Mutex<[String: BGPSeries]>([:])

    private struct BGPSeries {
        var up: Gauge
        var updates: Counter
        var announced: Gauge
        var pending: Gauge
        var lastUpdates: Int
    }

    private struct IPCounters {
        var requests: Counter
        var responses: Counter
        var gratuitous: Counter
        var foreign: Counter
    }

    /// One `metallb_speaker_announced` series, ordered as the exposition lists them.
    struct AnnouncedKey: Sendable, Hashable, Comparable {
        var ip: IPAddress
        var service: ServiceKey
        var `protocol`: PoolProtocol

        init(ip: IPAddress, service: ServiceKey, protocol: PoolProtocol = .layer2) {
            self.ip = ip
            self.service = service
            self.protocol = `protocol`
        }

        static func < (a: AnnouncedKey, b: AnnouncedKey) -> Bool {
            (a.ip, a.service, a.protocol.rawValue) < (b.ip, b.service, b.protocol.rawValue)
        }
    }

    /// Registers every unlabelled metric (and the drop counters for every reason, at 0) in
    /// `registry`; per-IP series appear when an IP first has activity.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        members = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "ironlb", subsystem: "speaker", metricName: "members", unitName: "",
                helpText: "Speakers the membership protocol sees alive, this one included"))
        configStale = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "ironlb", subsystem: "speaker", metricName: "config_stale", unitName: "",
                helpText: "1 if the last ConfigMap was rejected (invalid or missing) and an older config is in force"))
        failovers = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "ironlb", subsystem: "speaker", metricName: "failovers", unitName: "total",
                helpText: "Peers declared dead by the failure detector (each one moves that peer's IPs)"))
        var drops: [MembershipDropReason: Counter] = [:]
        for reason in MembershipDropReason.allCases {
            drops[reason] = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "ironlb", subsystem: "speaker", metricName: "membership_drops", unitName: "total",
                    helpText: "Membership datagrams that changed nothing, per reason (forged, replayed, stray, ...)"),
                labels: [("reason", reason.rawValue)])
        }
        self.drops = drops
    }

    func setMembers(_ count: Int) { members.set(to: Double(count)) }
    func setConfigStale(_ stale: Bool) { configStale.set(to: stale ? 1 : 0) }

    /// Adds the transport's counter increments since the last call.
    func record(_ counters: MembershipTransportCounters) {
        lastTransport.withLock { last in
            let newFailovers = counters.failovers - last.failovers
            if newFailovers > 0 { failovers.increment(by: Int64(newFailovers)) }
            for (reason, count) in counters.drops {
                let d = count - last.drops[reason, default: 0]
                if d > 0 { drops[reason]?.increment(by: Int64(d)) }
            }
            last = counters
        }
    }

    /// Adds layer 2 counter increments.
    func record(_ activity: Layer2Activity) {
        guard !activity.isEmpty else { return }
        perIP.withLock { table in
            func counters(_ ip: IPAddress) -> IPCounters {
                if let c = table[ip] { return c }
                let labels = [("ip", ip.description)]
                let c = IPCounters(
                    requests: registry.makeCounter(
                        descriptor: MetricNameDescriptor(
                            namespace: "metallb", subsystem: "layer2", metricName: "requests_received", unitName: "",
                            helpText: "Number of layer2 requests received for owned IPs"),
                        labels: labels),
                    responses: registry.makeCounter(
                        descriptor: MetricNameDescriptor(
                            namespace: "metallb", subsystem: "layer2", metricName: "responses_sent", unitName: "",
                            helpText: "Number of layer2 responses sent for owned IPs"),
                        labels: labels),
                    gratuitous: registry.makeCounter(
                        descriptor: MetricNameDescriptor(
                            namespace: "metallb", subsystem: "layer2", metricName: "gratuitous_sent", unitName: "",
                            helpText: "Number of gratuitous layer2 packets sent for owned IPs"),
                        labels: labels),
                    foreign: registry.makeCounter(
                        descriptor: MetricNameDescriptor(
                            namespace: "ironlb", subsystem: "speaker", metricName: "foreign_answers", unitName: "total",
                            helpText: "Frames in which another MAC claimed an IP this node announces"),
                        labels: labels))
                table[ip] = c
                return c
            }
            for (ip, n) in activity.requestsReceived { counters(ip).requests.increment(by: Int64(n)) }
            for (ip, n) in activity.responsesSent { counters(ip).responses.increment(by: Int64(n)) }
            for (ip, n) in activity.gratuitousSent { counters(ip).gratuitous.increment(by: Int64(n)) }
            for (ip, n) in activity.foreignAnswers { counters(ip).foreign.increment(by: Int64(n)) }
        }
        // Until now the announcers counted drops per reason but nothing exported them, so garbage
        // on the wire was invisible in /metrics (issue 4: malformed frames are "counted").
        layer2Drops.withLock { table in
            for (reason, n) in activity.drops where n > 0 {
                let counter =
                    table[reason]
                    ?? registry.makeCounter(
                        descriptor: MetricNameDescriptor(
                            namespace: "ironlb", subsystem: "speaker", metricName: "layer2_drops", unitName: "total",
                            helpText: "ARP/NDP frames received and not answered, per reason (malformed, badChecksum, targetNotOwned, ...)"),
                        labels: [("reason", reason)])
                table[reason] = counter
                counter.increment(by: Int64(n))
            }
        }
    }

    /// Drops the per-IP layer 2 series (`metallb_layer2_*{ip}`, foreign answers) of IPs no
    /// Service uses any more, so deleted Services do not leave series behind until a restart.
    func retainLayer2Series(for ips: Set<IPAddress>) {
        perIP.withLock { table in
            for (ip, counters) in table where !ips.contains(ip) {
                registry.unregisterCounter(counters.requests)
                registry.unregisterCounter(counters.responses)
                registry.unregisterCounter(counters.gratuitous)
                registry.unregisterCounter(counters.foreign)
                table[ip] = nil
            }
        }
    }

    /// Sets `metallb_speaker_announced` to 1 for exactly `announced` (one series per IP and
    /// Service using it); series no longer announced disappear.
    /// Series given twice count once.
    func setAnnounced(_ keys: [AnnouncedKey], node: String) {
        var keys = keys
        keys.sort()
        var unique = keys.isEmpty ? 0 : 1
        for i in keys.indices.dropFirst() where keys[i] != keys[unique - 1] {
            keys[unique] = keys[i]
            unique += 1
        }
        keys.removeLast(keys.count - unique)
        announced.withLock { state in
            state.keys = keys.isEmpty ? [] : keys
            state.node = node
        }
    }

    /// The exposition text of `metallb_speaker_announced` (MetalLB's name, help and labels);
    /// `sorted` in exposition order.
    static func renderAnnounced(_ sorted: [AnnouncedKey], node: String) -> [UInt8] {
        guard !sorted.isEmpty else { return [] }
        // Written as bytes: a String converted at the end was a second copy of the whole text
        // at every scrape (a megabyte with 10,000 series).
        let header = "# HELP metallb_speaker_announced Services being announced from this node. This is desired state, it "
            + "does not guarantee that the routing protocols have converged.\n# TYPE metallb_speaker_announced gauge\n"
        let nodeLabel = escapeLabel(node)
        var out: [UInt8] = []
        out.reserveCapacity(header.utf8.count + sorted.count * (100 + nodeLabel.utf8.count))
        out.append(contentsOf: header.utf8)
        for key in sorted {
            let line = "metallb_speaker_announced{ip=\"\(key.ip)\",node=\"\(nodeLabel)\",protocol=\"\(key.protocol.rawValue)\","
                + "service=\"\(escapeLabel(key.service.description))\"} 1\n"
            out.append(contentsOf: line.utf8)
        }
        return out
    }

    /// A label value escaped as the exposition format requires (backslash, quote, newline).
    static func escapeLabel(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    /// The series kept outside the registry, in exposition format (`ObservabilityServer`'s
    /// `extraMetrics`).
    public func extraExposition() -> [UInt8] {
        // Rendered outside the lock, from the array the lock hands out (shared, not copied).
        let (keys, node) = announced.withLock { ($0.keys, $0.node) }
        return Self.renderAnnounced(keys, node: node)
    }

    /// Everything this speaker exports: the registry's series and the ones kept outside it.
    public func emitToString() -> String {
        String(decoding: registry.emitToBuffer() + extraExposition(), as: UTF8.self)
    }

    /// Sets the BGP series from the session reports (MetalLB's names and `peer` label,
    /// `ADDRESS:PORT`); a peer no longer configured loses its series.
    func record(_ reports: [BGPSessionReport]) {
        bgpSeries.withLock { table in
            var seen: Set<String> = []
            for report in reports {
                let label = report.label
                seen.insert(label)
                var series =
                    table[label]
                    ?? BGPSeries(
                        up: registry.makeGauge(
                            descriptor: MetricNameDescriptor(
                                namespace: "metallb", subsystem: "bgp", metricName: "session_up", unitName: "",
                                helpText: "BGP session state (1 is up, 0 is down)"),
                            labels: [("peer", label)]),
                        updates: registry.makeCounter(
                            descriptor: MetricNameDescriptor(
                                namespace: "metallb", subsystem: "bgp", metricName: "updates", unitName: "total",
                                helpText: "Number of BGP UPDATE messages sent"),
                            labels: [("peer", label)]),
                        announced: registry.makeGauge(
                            descriptor: MetricNameDescriptor(
                                namespace: "metallb", subsystem: "bgp", metricName: "announced_prefixes", unitName: "total",
                                helpText: "Number of prefixes currently being advertised on the BGP session"),
                            labels: [("peer", label)]),
                        pending: registry.makeGauge(
                            descriptor: MetricNameDescriptor(
                                namespace: "metallb", subsystem: "bgp", metricName: "pending_prefixes", unitName: "total",
                                helpText: "Number of prefixes that should be advertised on the BGP session"),
                            labels: [("peer", label)]),
                        lastUpdates: 0)
                series.up.set(to: report.isEstablished ? 1 : 0)
                series.announced.set(to: Double(report.prefixesAdvertised))
                series.pending.set(to: Double(report.pendingPrefixes))
                let delta = report.updatesSent - series.lastUpdates
                if delta > 0 { series.updates.increment(by: Int64(delta)) }
                series.lastUpdates = max(series.lastUpdates, report.updatesSent)
                table[label] = series
            }
            for (label, series) in table where !seen.contains(label) {
                registry.unregisterGauge(series.up)
                registry.unregisterCounter(series.updates)
                registry.unregisterGauge(series.announced)
                registry.unregisterGauge(series.pending)
                table[label] = nil
            }
        }
    }
}
