import Foundation
import LBCore
import LBLab

/// Observing the lab: the speakers' published states, agreement on owners, ARP probes, metrics
/// and log tails for failure messages. Every wait is bounded by `settle`.
extension SpeakerLabFixture {
    // MARK: Speaker states (from the Leases)

    /// The state each speaker published on its Lease, by node name.
    func states() throws -> [String: SpeakerState] {
        let result = try kubectl(["get", "leases", "-n", Self.namespace, "-l", "app.kubernetes.io/component=speaker",
                                  "-o", "json"])
        guard let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw SpeakerLabError.unexpected("kubectl get leases printed no JSON object: \(result.stdout)")
        }
        var states: [String: SpeakerState] = [:]
        for item in list["items"] as? [[String: Any]] ?? [] {
            let metadata = item["metadata"] as? [String: Any]
            let annotations = metadata?["annotations"] as? [String: String] ?? [:]
            guard let text = annotations[SpeakerState.annotationKey] else { continue }
            let state = try SpeakerState.decode(Data(text.utf8))
            states[state.node] = state
        }
        return states
    }

    /// Waits until the speakers of `nodes` all publish exactly `members` as live.
    func waitForMembers(_ members: [String], on nodes: [String]) throws {
        var last: [String: [String]] = [:]
        let ok = try labPoll(timeout: Self.settle) {
            try checkSpeakersRunning(nodes)
            let states = try states()
            last = states.mapValues(\.liveMembers)
            return nodes.allSatisfy { states[$0]?.liveMembers == members.sorted() }
        }
        if !ok {
            throw SpeakerLabError.notReady(what: "speakers \(nodes) seeing members \(members)", seconds: Self.settle,
                                           detail: "published: \(last)\n\(logTails())")
        }
    }

    /// Throws (with its log) if the speaker of one of `nodes` has exited.
    func checkSpeakersRunning(_ nodes: [String]) throws {
        for name in nodes {
            guard let speaker = speakers[name] else { throw SpeakerLabError.unexpected("no speaker on \(name)") }
            if !speaker.isRunning {
                throw SpeakerLabError.unexpected(
                    "the speaker on \(name) \(speaker.exitStatus.map { "\($0)" } ?? "exited"): \(speaker.log.suffix(3000))")
            }
        }
    }

    /// What the speakers of `nodes` agree on for `ip`, or nil while they do not: the owner
    /// every one of them computes (nil: nobody), with exactly that node announcing it, and every
    /// one seeing `nodes` as the live members.
    func agreedOwner(of ip: String, among nodes: [String], states: [String: SpeakerState]) -> String?? {
        guard let address = IPAddress(ip) else { return nil }
        var owners: Set<String?> = []
        for name in nodes {
            guard let state = states[name], state.liveMembers == nodes.sorted() else { return nil }
            let entry = state.ips.first { $0.ip == address }
            owners.insert(entry?.owner)
            if (entry?.announced ?? false) != (entry?.owner == name && entry?.owner != nil) { return nil }
        }
        guard owners.count == 1, let owner = owners.first else { return nil }
        return .some(owner)
    }

    /// Waits until the speakers of `nodes` (default: all) agree that `ip` has an owner for which
    /// `accept` holds, and returns it.
    func waitForOwner(
        of ip: String, among nodes: [String]? = nil, where accept: (String) -> Bool = { _ in true }
    ) throws -> String {
        let nodes = nodes ?? nodeNames
        var owner: String?
        var last = ""
        let ok = try labPoll(timeout: Self.settle) {
            try checkSpeakersRunning(nodes)
            let states = try states()
            last = describe(ip, states)
            guard case .some(.some(let agreed)) = agreedOwner(of: ip, among: nodes, states: states), accept(agreed) else {
                return false
            }
            owner = agreed
            return true
        }
        guard ok, let owner else {
            throw SpeakerLabError.notReady(what: "an agreed owner of \(ip) among \(nodes)", seconds: Self.settle,
                                           detail: "\(last)\n\(logTails())")
        }
        return owner
    }

    /// Waits until the speakers of `nodes` (default: all) agree that nobody announces `ip`.
    func waitForNoOwner(of ip: String, among nodes: [String]? = nil) throws {
        let nodes = nodes ?? nodeNames
        var last = ""
        let ok = try labPoll(timeout: Self.settle) {
            let states = try states()
            last = describe(ip, states)
            guard case .some(.none) = agreedOwner(of: ip, among: nodes, states: states) else { return false }
            return true
        }
        if !ok {
            throw SpeakerLabError.notReady(what: "no owner of \(ip) among \(nodes)", seconds: Self.settle, detail: last)
        }
    }

    /// One line per node: members, and the entry for `ip`.
    func describe(_ ip: String, _ states: [String: SpeakerState]) -> String {
        let address = IPAddress(ip)
        return states.sorted { $0.key < $1.key }.map { name, state in
            let entry = state.ips.first { $0.ip == address }
            let text = entry.map {
                "announced=\($0.announced) owner=\($0.owner ?? "-") interfaces=\($0.interfaces) reasons=\($0.reasons.map(\.code))"
            } ?? "no entry"
            return "\(name): members=\(state.liveMembers) \(ip): \(text)"
        }.joined(separator: "; ")
    }

    // MARK: Probing

    /// Polls arping from the client until a probe is answered only by `mac`; the last result.
    @discardableResult
    func waitForARPAnswers(_ ip: String, from mac: String, network: Int = 0) throws -> ARPingResult {
        var last: ARPingResult?
        let ok = try labPoll(timeout: Self.settle) {
            let result = try lab.arping(ip, network: network, count: 2, interval: 0.05)
            last = result
            return result.received > 0 && result.replyingMACs == [mac]
        }
        guard ok, let last else {
            throw SpeakerLabError.notReady(what: "arping \(ip) answered by \(mac) only", seconds: Self.settle,
                                           detail: last?.output ?? "no arping result")
        }
        return last
    }

    /// Polls arping from the client until nobody answers `ip`.
    func waitForARPSilence(_ ip: String, network: Int = 0) throws {
        var last: ARPingResult?
        let ok = try labPoll(timeout: Self.settle) {
            let result = try lab.arping(ip, network: network, count: 2, interval: 0.05)
            last = result
            return result.received == 0
        }
        if !ok {
            throw SpeakerLabError.notReady(what: "nobody answering ARP for \(ip)", seconds: Self.settle,
                                           detail: last?.output ?? "")
        }
    }

    // MARK: Metrics

    /// The speaker's /metrics text, fetched with curl from the switch namespace (the metrics
    /// endpoint listens on the node's lab address).
    func metrics(of name: String) throws -> String {
        let node = try host(name)
        let result = try lab.run(in: lab.switchNamespace, "curl",
                                 ["-sS", "--max-time", "10", "http://\(node.primary.ipv4):\(Self.metricsPort)/metrics"],
                                 timeout: 30)
        try result.check()
        return result.stdout
    }

    // MARK: Diagnostics

    /// The last lines of every process log, for failure messages.
    func logTails(lines: Int = 25) -> String {
        var parts: [String] = []
        for name in speakers.keys.sorted() {
            guard let speaker = speakers[name] else { continue }
            parts.append("--- speaker \(name) (\(speaker.isRunning ? "running" : "\(speaker.exitStatus.map { "\($0)" } ?? "?")")):\n"
                + speaker.log.split(separator: "\n").suffix(lines).joined(separator: "\n"))
        }
        if let controller {
            parts.append("--- controller:\n" + controller.log.split(separator: "\n").suffix(lines / 2).joined(separator: "\n"))
        }
        return parts.joined(separator: "\n")
    }
}
