/// Per-IP election: which node answers ARP/NDP for an IP (layer2), or which nodes advertise it
/// (BGP). A pure function of (IP, eligible live nodes): every speaker runs it on the same facts
/// and reaches the same answer without talking to the others, so no lock or leader is needed
/// and a failover costs only the time to notice the failure.
///
/// Ranking is rendezvous (highest-random-weight) hashing: each eligible node gets the weight
/// `hash(node, IP)` and the heaviest wins. Compared with "sort nodes, take IP mod n", it moves
/// only the IPs of a node that leaves (about 1/n of them) and moves nothing when a non-owner
/// comes or goes, which keeps neighbour caches and connections undisturbed; and IPs spread
/// evenly over the nodes. The cost, O(nodes) per IP, is negligible for real cluster sizes.
public enum Election {
    /// Nodes with this label (any value) never announce, as for Kubernetes' own cloud providers.
    public static let excludeLabel = "node.kubernetes.io/exclude-from-external-load-balancers"

    /// Which nodes may announce `input.ip` and why the others may not. The order of `nodes`
    /// does not matter. Checks, in order: speaker live, network available, not excluded by
    /// label, selected by the pool, and (`Local` only) a ready endpoint on the node.
    public static func eligibleNodes(_ input: ElectionInput, nodes: [NodeFacts]) -> Eligibility {
        var seen: [String: Int] = [:]
        for n in nodes { seen[n.name, default: 0] += 1 }
        var eligible: [String] = []
        var reasons: [String: [NotAnnouncingReason]] = [:]
        for (name, count) in seen where count > 1 { reasons[name] = [.duplicateNodeName] }
        for node in nodes where seen[node.name] == 1 {
            let failed = check(node, input)
            if failed.isEmpty { eligible.append(node.name) } else { reasons[node.name] = failed }
        }
        return Eligibility(eligible: eligible.sorted(), reasons: reasons)
    }

    /// The layer2 election: the eligible node with the highest rendezvous weight for the IP
    /// announces it; every other node gets the reason it does not.
    public static func elect(_ input: ElectionInput, nodes: [NodeFacts]) -> ElectionResult {
        let e = eligibleNodes(input, nodes: nodes)
        let ranking = rank(ip: input.ip, nodes: e.eligible)
        var reasons = e.reasons
        if let winner = ranking.first {
            for loser in ranking.dropFirst() { reasons[loser] = [.notElected(winner: winner)] }
        }
        return ElectionResult(ip: input.ip, owner: ranking.first, ranking: ranking, reasons: reasons)
    }

    /// `nodes` ordered best first for `ip`: by descending weight, ties (a 2^-64 event) broken by
    /// name so that the order is total and the same on every speaker.
    public static func rank(ip: IPAddress, nodes: [String]) -> [String] {
        nodes.map { (name: $0, weight: RendezvousHash.weight(node: $0, ip: ip)) }
            .sorted { a, b in a.weight != b.weight ? a.weight > b.weight : a.name < b.name }
            .map(\.name)
    }

    /// The rendezvous weight of (`node`, `ip`); exposed for `lbctl explain` and tests.
    public static func weight(node: String, ip: IPAddress) -> UInt64 {
        RendezvousHash.weight(node: node, ip: ip)
    }

    /// Every eligibility rule `node` fails for `input`, most basic first.
    static func check(_ node: NodeFacts, _ input: ElectionInput) -> [NotAnnouncingReason] {
        var failed: [NotAnnouncingReason] = []
        if !node.speakerLive { failed.append(.speakerNotLive) }
        if node.networkUnavailable { failed.append(.networkUnavailable) }
        if node.labels[excludeLabel] != nil { failed.append(.excludedByLabel) }
        let selectors = input.pool.nodeSelectors
        if !selectors.matchesAny(node.labels) {
            let unmet = selectors.compactMap { $0.firstMismatch(node.labels) }.joined(separator: "; ")
            failed.append(.notSelectedByPool(pool: input.pool.name, selectorMismatch: unmet))
        }
        if input.trafficPolicy == .local && !input.nodesWithReadyEndpoints.contains(node.name) {
            failed.append(.noReadyLocalEndpoint)
        }
        return failed
    }
}
