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
    /// rule is the safe reading of it). IPs outside any pool are returned in
    /// `Layer2Plan.skipped`; IPs of another protocol's pool are left out (`bgpPlan` has them).
    public static func layer2Plan(
        config: Config, services: [SpeakerService], readyEndpoints: [ServiceKey: Set<String>],
        nodes: [SpeakerNode], liveSpeakers: Set<String>, node: String
    ) -> Layer2Plan {
        layer2Plan(
            config: config, shared: sharedIPs(services), readyEndpoints: readyEndpoints, nodes: nodes,
            liveSpeakers: liveSpeakers, node: node)
    }

    /// `layer2Plan` from `sharedIPs(services)` computed once for both plans (the runtime's way).
    static func layer2Plan(
        config: Config, shared: [SharedIP], readyEndpoints: [ServiceKey: Set<String>],
        nodes: [SpeakerNode], liveSpeakers: Set<String>, node: String
    ) -> Layer2Plan {
        let facts = nodes.map { $0.facts(speakerLive: liveSpeakers.contains($0.name)) }
        var entries: [Layer2Plan.Entry] = []
        var skipped: [Layer2Plan.Skipped] = []
        entries.reserveCapacity(shared.count)
        for sharing in shared {
            let ip = sharing.ip
            let keys = sharing.services
            guard let pool = config.pool(containing: ip) else {
                skipped.append(Layer2Plan.Skipped(ip: ip, services: keys, reason: .noPool))
                continue
            }
            // Not recorded as skipped: the BGP plan has its entry, and a line per BGP IP here
            // was megabytes with 10,000 of them.
            guard pool.protocol == .layer2 else { continue }
            var ready: Set<String> = []
            for key in sharing.localServices { ready.formUnion(readyEndpoints[key] ?? []) }
            let input = ElectionInput(
                ip: ip, pool: pool, trafficPolicy: sharing.trafficPolicy, nodesWithReadyEndpoints: ready)
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

    /// One ingress IP of our Services and the Services using it.
    struct SharedIP: Sendable {
        var ip: IPAddress
        /// Sorted, each once.
        var services: [ServiceKey]
        /// Those of `services` with `externalTrafficPolicy: Local`.
        var localServices: [ServiceKey]
        /// `Local` if any sharing Service says so (the safe reading of a mixed, transient state).
        var trafficPolicy: ExternalTrafficPolicy { localServices.isEmpty ? .cluster : .local }
    }

    /// Every ingress IP of our Services, in address order, with the Services using it. A key
    /// listed twice (a caller bug) counts as `Local` if either copy says so, so the result does
    /// not depend on the order of `services`.
    ///
    /// One sorted array of (IP, Service) pairs grouped in a pass: a dictionary per IP, as this
    /// was before, cost about 140 bytes per IP more and as many allocations, on every
    /// recomputation (with 10,000 IPs, megabytes of the speaker's peak memory).
    ///
    /// Takes any collection, so the runtime passes its dictionary's values without an array
    /// copy of them (with 10,000 Services, 800 KB).
    static func sharedIPs(_ services: some Collection<SpeakerService>) -> [SharedIP] {
        var pairs: [(ip: IPAddress, key: ServiceKey, local: Bool)] = []
        pairs.reserveCapacity(services.count)
        for svc in services where svc.isOurs {
            for ip in svc.ingressIPs { pairs.append((ip, svc.key, svc.externalTrafficPolicy == .local)) }
        }
        pairs.sort { $0.ip != $1.ip ? $0.ip < $1.ip : $0.key < $1.key }
        var result: [SharedIP] = []
        result.reserveCapacity(pairs.count)
        var i = 0
        while i < pairs.count {
            let ip = pairs[i].ip
            var keys: [ServiceKey] = []
            var local: [ServiceKey] = []
            while i < pairs.count && pairs[i].ip == ip {
                let key = pairs[i].key
                var isLocal = false
                while i < pairs.count && pairs[i].ip == ip && pairs[i].key == key {
                    isLocal = isLocal || pairs[i].local
                    i += 1
                }
                keys.append(key)
                if isLocal { local.append(key) }
            }
            result.append(SharedIP(ip: ip, services: keys, localServices: local))
        }
        return result
    }
}
