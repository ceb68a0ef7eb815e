import LBCore

/// The speaker's layer 2 decision: a pure function from the cluster's state (as this speaker sees
/// it) to a `Layer2Plan`. It does no I/O and keeps no state, so the runtime simply recomputes it
/// on every change of its inputs and announces the difference; and every speaker, given the same
/// inputs, reaches the same owner for every IP without talking to the others.
///
/// Cost: O(S + I * N log N) for S Service IPs, I distinct IPs and N nodes (one election per IP;
/// pool look-up is linear in the number of configured ranges). 1,000 IPs on 100 nodes is well
/// under the time of one API watch event.
public enum SpeakerCore {
    /// Decides, for every IP of every Service IronLB handles, which node announces it in layer 2
    /// mode, and whether `node` does.
    ///
    /// - Parameters:
    ///   - config: the config in force; an IP's pool decides its protocol, interfaces and
    ///     node-selectors.
    ///   - services: all Services the speaker knows; those not ours (`isOurs == false`) are
    ///     ignored, as are Services without ingress IPs.
    ///   - readyEndpoints: nodes with a ready endpoint, per Service (see
    ///     `EndpointReadiness.readyNodes(from:)`); read only for `externalTrafficPolicy: Local`.
    ///   - nodes: the cluster's Nodes. A node absent here never announces.
    ///   - liveSpeakers: names of the nodes whose speaker the membership protocol sees alive
    ///     (including this node's own when it has joined).
    ///   - node: this speaker's node name.
    ///
    /// An IP shared by several Services is one election: with `Local`, a node with a ready
    /// endpoint of any sharing Service that has `Local` qualifies (the allocator only lets
    /// Services with the same policy share, so mixed policies are a transient state; the Local
    /// rule is the safe reading of it). IPs outside any pool, or in a non-layer2 pool, are
    /// returned in `Layer2Plan.skipped` with the reason.
    public static func layer2Plan(
        config: Config, services: [SpeakerService], readyEndpoints: [ServiceKey: Set<String>],
        nodes: [SpeakerNode], liveSpeakers: Set<String>, node: String
    ) -> Layer2Plan {
        let sharers = sharersByIP(services)
        let facts = nodes.map { $0.facts(speakerLive: liveSpeakers.contains($0.name)) }
        var entries: [Layer2Plan.Entry] = []
        var skipped: [Layer2Plan.Skipped] = []
        entries.reserveCapacity(sharers.count)
        for (ip, sharing) in sharers {
            let keys = sharing.keys.sorted()
            guard let pool = config.pool(containing: ip) else {
                skipped.append(Layer2Plan.Skipped(ip: ip, services: keys, reason: .noPool))
                continue
            }
            guard pool.protocol == .layer2 else {
                skipped.append(
                    Layer2Plan.Skipped(ip: ip, services: keys, reason: .notLayer2(pool: pool.name, protocol: pool.protocol)))
                continue
            }
            let local = sharing.filter { $0.value == .local }.keys
            var ready: Set<String> = []
            for key in local { ready.formUnion(readyEndpoints[key] ?? []) }
            let input = ElectionInput(
                ip: ip, pool: pool, trafficPolicy: local.isEmpty ? .cluster : .local, nodesWithReadyEndpoints: ready)
            let result = Election.elect(input, nodes: facts)
            entries.append(
                Layer2Plan.Entry(
                    ip: ip, pool: pool.name, interfaces: pool.interfaces, services: keys,
                    trafficPolicy: input.trafficPolicy, owner: result.owner, ranking: result.ranking,
                    announced: result.announces(node), reasons: result.reasons(for: node)))
        }
        return Layer2Plan(
            node: node, localNodeKnown: nodes.contains { $0.name == node }, entries: entries, skipped: skipped)
    }

    /// Every ingress IP of our Services, with the Services using it and their traffic policy.
    /// A key listed twice (a caller bug) counts as `Local` if either copy says so, so the result
    /// does not depend on the order of `services`.
    static func sharersByIP(_ services: [SpeakerService]) -> [IPAddress: [ServiceKey: ExternalTrafficPolicy]] {
        var result: [IPAddress: [ServiceKey: ExternalTrafficPolicy]] = [:]
        result.reserveCapacity(services.count)
        for svc in services where svc.isOurs {
            for ip in svc.ingressIPs {
                let previous = result[ip]?[svc.key]
                result[ip, default: [:]][svc.key] = previous == .local ? .local : svc.externalTrafficPolicy
            }
        }
        return result
    }
}
