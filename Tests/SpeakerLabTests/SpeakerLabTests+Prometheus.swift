import Foundation
import LBCore
import LBLab
import Testing

/// What a real Prometheus reads from IronLB (issue 6, item 4): the Debian package's server
/// scrapes the lab's lb-controller and three lb-speakers every second, and its HTTP API
/// (/api/v1/targets, /api/v1/query) returns the allocator, layer-2, announcement, membership
/// and config metrics with MetalLB's names and labels and the values the lab's state implies.
extension SpeakerLabTests {
    /// One thing Prometheus must return: a PromQL query and what its instant vector must be.
    /// Adding a metric (e.g. `metallb_bgp_session_up{peer}` once the BGP mode exports it) is one
    /// more entry in `PrometheusLabCheck.expectations`.
    struct PrometheusExpectation: CustomStringConvertible {
        var query: String
        /// Every series the query must return (labels that must be present with these values,
        /// and the value), one entry per series; no other series may be returned.
        var series: [(labels: [String: String], value: (Double) -> Bool, expected: String)]

        var description: String {
            "\(query) = [" + series.map { s in
                "{" + s.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "} \(s.expected)"
            }.joined(separator: ", ") + "]"
        }

        /// Why `samples` do not match, or nil when they do.
        func mismatch(_ samples: [PrometheusServer.Sample]) -> String? {
            var unmatched = samples
            for s in series {
                guard let index = unmatched.firstIndex(where: { sample in
                    s.labels.allSatisfy { sample.labels[$0.key] == $0.value } && s.value(sample.value)
                }) else {
                    return "no series with \(s.labels) and value \(s.expected) in \(samples)"
                }
                unmatched.remove(at: index)
            }
            return unmatched.isEmpty ? nil : "unexpected series \(unmatched)"
        }

        static func one(_ query: String, _ labels: [String: String] = [:], equals value: Double) -> PrometheusExpectation {
            PrometheusExpectation(query: query, series: [(labels, { $0 == value }, "== \(value)")])
        }

        static func each(_ query: String, _ labelSets: [[String: String]], equals value: Double) -> PrometheusExpectation {
            PrometheusExpectation(query: query, series: labelSets.map { ($0, { $0 == value }, "== \(value)") })
        }
    }

    @Test(.timeLimit(.minutes(4)),
          .enabled(if: PrometheusServer.available || SpeakerLabPrerequisites.required,
                   "needs /usr/bin/prometheus (Debian package prometheus; IRONLB_REQUIRE_LAB=1 makes its absence fail)"))
    func prometheusScrapesTheControllerAndSpeakers() throws {
        // The BGP lab: a bgp pool and BIRD as the peer, so the BGP series exist too.
        let (lab, bird) = try Self.startBGPLab()
        defer { lab.destroy() }
        let vip4 = Self.vip4, vip6 = Self.vip6
        try lab.createService("web", ips: [vip4, vip6])
        try lab.createService("routed", ips: [Self.bgpIPv4])
        try Self.waitForPaths(bird, lab, "\(Self.bgpIPv4)/32", "a path from every node") { $0.count == lab.nodeNames.count }
        let owner4 = try lab.waitForOwner(of: vip4)
        let owner6 = try lab.waitForOwner(of: vip6)
        try lab.waitForARPAnswers(vip4, from: try lab.mac(of: owner4))

        let prometheus = try PrometheusServer.start(in: lab.lab, namespace: lab.lab.switchNamespace, jobs: lab.prometheusJobs())

        // Every target is scraped successfully, at the address it was given.
        var targets: [PrometheusServer.Target] = []
        let expectedURLs = Set(try lab.prometheusJobs().flatMap { job in job.targets.map { "http://\($0.address)/metrics" } })
        let allUp = try labPoll(timeout: SpeakerLabFixture.settle) {
            targets = try prometheus.targets()
            return Set(targets.map(\.scrapeURL)) == expectedURLs && targets.allSatisfy { $0.health == "up" }
        }
        #expect(allUp, "targets: \(targets)\n\(prometheus.process.log.suffix(2000))")
        #expect(targets.filter { $0.job == "ironlb-speaker" }.compactMap { $0.labels["lab_node"] }.sorted() == lab.nodeNames)

        // Layer 2: ARP requests from the client are counted by the owner, for the VIP.
        let requests = "metallb_layer2_requests_received{ip=\"\(vip4)\"}"
        let before = try waitForSeries(prometheus, requests, count: 1).first?.value ?? 0
        let probes = 5
        let arping = try lab.lab.arping(vip4, count: probes, interval: 0.05)
        #expect(arping.received == probes, "\(arping.output)")
        // The owner's own /metrics, once it has counted the probes (the announcer hands its
        // counters over in batches); nothing else asks for the VIP, so the value then stays put
        // and Prometheus must come to return exactly it.
        var direct = 0.0
        let counted = try labPoll(timeout: SpeakerLabFixture.settle) {
            direct = PrometheusText.value(try lab.metrics(of: owner4), "metallb_layer2_requests_received", labels: ["ip": vip4]) ?? 0
            return direct >= before + Double(probes)
        }
        #expect(counted, "\(owner4) counted \(direct) ARP requests for \(vip4); \(before) before \(probes) more were answered")

        let expectations = try PrometheusLabCheck.expectations(
            lab: lab, owners: [vip4: owner4, vip6: owner6], service: "default/web", requests: direct, probes: probes,
            bgpIP: Self.bgpIPv4, bgpService: "default/routed")
        var failures: [String] = []
        let converged = try labPoll(timeout: SpeakerLabFixture.settle) {
            failures = try expectations.compactMap { e in try e.mismatch(prometheus.query(e.query)).map { "\(e.query): \($0)" } }
            return failures.isEmpty
        }
        #expect(converged, "Prometheus never returned what the lab implies:\n\(failures.joined(separator: "\n"))")
    }

    /// Polls `query` until it returns `count` series.
    private func waitForSeries(_ prometheus: PrometheusServer, _ query: String, count: Int) throws -> [PrometheusServer.Sample] {
        var samples: [PrometheusServer.Sample] = []
        let ok = try labPoll(timeout: SpeakerLabFixture.settle) {
            samples = try prometheus.query(query)
            return samples.count == count
        }
        if !ok { throw SpeakerLabError.notReady(what: "\(count) series of \(query)", seconds: SpeakerLabFixture.settle, detail: "\(samples)") }
        return samples
    }
}

/// The expectations of `prometheusScrapesTheControllerAndSpeakers`, from the lab's state.
enum PrometheusLabCheck {
    static let controllerJob = "ironlb-controller"
    static let speakerJob = "ironlb-speaker"

    /// The usable addresses of the lab pool, per family, counted by IronLB's own config model
    /// from the fixture's ranges (not by the controller under test).
    static func poolSize() throws -> (ipv4: Double, ipv6: Double) {
        let config = try ConfigParser.parse("""
            address-pools:
            - name: lab
              protocol: layer2
              addresses: ["\(SpeakerLabFixture.poolIPv4)", "\(SpeakerLabFixture.poolIPv6)"]
            """)
        let pool = try #require(config.pools.first)
        return (pool.usableCount(.ipv4).doubleValue, pool.usableCount(.ipv6).doubleValue)
    }

    static func expectations(
        lab: SpeakerLabFixture, owners: [String: String], service: String, requests: Double, probes: Int,
        bgpIP: String, bgpService: String
    ) throws -> [SpeakerLabTests.PrometheusExpectation] {
        typealias E = SpeakerLabTests.PrometheusExpectation
        let nodes = lab.nodeNames
        let speakers = nodes.map { ["job": speakerJob, "lab_node": $0] }
        let controller = ["job": controllerJob]
        let size = try poolSize()
        let inUse4 = Double(owners.keys.filter { !$0.contains(":") }.count)
        let inUse6 = Double(owners.keys.filter { $0.contains(":") }.count)
        var list: [E] = [
            .each("up", speakers + [controller], equals: 1),
            // The controller: config and allocator (MetalLB's names, plus IronLB's per family).
            .one("metallb_k8s_client_config_loaded_bool", controller, equals: 1),
            .one("metallb_k8s_client_config_stale_bool", controller, equals: 0),
            .one("metallb_allocator_addresses_total{pool=\"lab\"}", controller, equals: size.ipv4 + size.ipv6),
            .one("metallb_allocator_addresses_in_use_total{pool=\"lab\"}", controller, equals: inUse4 + inUse6),
            .one("ironlb_allocator_addresses{pool=\"lab\",family=\"IPv4\"}", controller, equals: size.ipv4),
            .one("ironlb_allocator_addresses{pool=\"lab\",family=\"IPv6\"}", controller, equals: size.ipv6),
            .one("ironlb_allocator_addresses_in_use{pool=\"lab\",family=\"IPv4\"}", controller, equals: inUse4),
            .one("ironlb_allocator_addresses_in_use{pool=\"lab\",family=\"IPv6\"}", controller, equals: inUse6),
            .one("ironlb_controller_leader_bool", controller, equals: 1),
            // The speakers: config in force, everyone sees everyone.
            .each("ironlb_speaker_config_stale", speakers, equals: 0),
            .each("ironlb_speaker_members", speakers, equals: Double(nodes.count)),
        ]
        // Announcements: exactly one series per VIP, from its owner, naming it, with value 1.
        for (ip, owner) in owners.sorted(by: { $0.key < $1.key }) {
            list.append(.one("metallb_speaker_announced{ip=\"\(ip)\"}",
                             ["job": speakerJob, "lab_node": owner, "node": owner, "protocol": "layer2", "service": service],
                             equals: 1))
        }
        // Layer 2: the owner counted every probe (and Prometheus has its latest value); it
        // answered them all.
        let vip4 = owners.keys.first { !$0.contains(":") } ?? ""
        let owner4 = owners[vip4] ?? ""
        list.append(.one("metallb_layer2_requests_received{ip=\"\(vip4)\"}", ["job": speakerJob, "lab_node": owner4],
                         equals: requests))
        list.append(E(query: "metallb_layer2_responses_sent{ip=\"\(vip4)\"}",
                      series: [(["job": speakerJob, "lab_node": owner4], { $0 >= Double(probes) }, ">= \(probes)")]))
        // BGP: every speaker has both sessions to BIRD up, has the bgp Service's /32 advertised
        // on the IPv4 session (BIRD's IPv6 session carries no IPv4 family) with nothing pending,
        // and says it announces the IP with protocol "bgp".
        let peer4 = "\(lab.lab.networks[0].switchIPv4):179"
        let peer6 = "[\(lab.lab.networks[0].switchIPv6)]:179"
        list.append(.each("metallb_bgp_session_up{peer=\"\(peer4)\"}", speakers, equals: 1))
        list.append(.each("metallb_bgp_session_up{peer=\"\(peer6)\"}", speakers, equals: 1))
        list.append(.each("metallb_bgp_announced_prefixes_total{peer=\"\(peer4)\"}", speakers, equals: 1))
        list.append(.each("metallb_bgp_pending_prefixes_total{peer=\"\(peer4)\"}", speakers, equals: 0))
        list.append(E(query: "metallb_bgp_updates_total{peer=\"\(peer4)\"}",
                      series: speakers.map { ($0, { $0 >= 1 }, ">= 1") }))
        list.append(.each("metallb_speaker_announced{ip=\"\(bgpIP)\",protocol=\"bgp\"}",
                          nodes.map { ["job": speakerJob, "lab_node": $0, "node": $0, "service": bgpService] }, equals: 1))
        list.append(.one("metallb_allocator_addresses_in_use_total{pool=\"routed\"}", controller, equals: 1))
        return list
    }
}

extension SpeakerLabFixture {
    /// The controller's metrics address: where `bringUp` starts it (switch IPv4, port 7473).
    var controllerMetricsAddress: String { "\(lab.networks[0].switchIPv4):7473" }

    /// The speaker of `name`'s metrics address (its lab IPv4, `metricsPort`).
    func speakerMetricsAddress(_ name: String) throws -> String { "\(try host(name).primary.ipv4):\(Self.metricsPort)" }

    /// Prometheus scrape jobs for the lab: the controller, and each speaker labelled `lab_node`
    /// (not `node`, which `metallb_speaker_announced` carries itself).
    func prometheusJobs() throws -> [PrometheusServer.Job] {
        [
            PrometheusServer.Job(name: PrometheusLabCheck.controllerJob, targets: [(controllerMetricsAddress, [:])]),
            PrometheusServer.Job(name: PrometheusLabCheck.speakerJob,
                                 targets: try nodeNames.map { (try speakerMetricsAddress($0), ["lab_node": $0]) }),
        ]
    }
}
