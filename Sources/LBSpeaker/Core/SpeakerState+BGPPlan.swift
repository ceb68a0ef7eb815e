import LBCore

extension SpeakerState {
    /// Adds what the BGP plan says to a document built from the layer 2 plan: every IP of a bgp
    /// pool gets its BGP entry (advertised or not, why not, the prefix, the peers it goes to),
    /// replacing any line the document had for it, and `bgpPeers` lists the sessions.
    ///
    /// - Parameters:
    ///   - bgp: the BGP plan computed from the same inputs as the layer 2 plan.
    ///   - sessions: the state of each session this node runs, sorted or not; nil (or empty with
    ///     no selected peer) leaves `bgpPeers` absent.
    ///   - messages: false leaves the reasons' messages empty, as in `init(plan:...)`.
    public mutating func merge(bgp: BGPPlan, sessions: [PeerState]?, messages: Bool = true) {
        let established = (sessions ?? []).filter(\.isEstablished).map(\.name).sorted()
        // Built only when there is something to merge: the layer 2 plan leaves bgp pools' IPs
        // out, so this guards a document that already had them, and a layer-2-only speaker
        // publishing 1,000 IPs should not index them on every change for nothing.
        var byIP: [IPAddress: Int] = [:]
        if !bgp.entries.isEmpty {
            for (i, entry) in ips.enumerated() { byIP[entry.ip] = i }
            ips.reserveCapacity(ips.count + bgp.entries.count)
        }
        for e in bgp.entries {
            var reasons = e.reasons.map { Reason($0, message: messages) }
            if !e.advertised && !bgp.localNodeKnown { reasons.insert(.nodeNotFound, at: 0) }
            if e.advertised && established.isEmpty {
                reasons.append(bgp.selectedPeers.isEmpty ? .noPeerForNode : .noSessionEstablished)
            }
            let state = AddressState(
                ip: e.ip, pool: e.pool, services: e.services.map(\.description), protocol: .bgp,
                announced: e.advertised, owner: nil, interfaces: [], reasons: reasons,
                peers: e.advertised ? established : [], prefix: e.prefixes.first?.description)
            if let i = byIP[e.ip] { ips[i] = state } else { ips.append(state) }
        }
        if let sessions, !sessions.isEmpty || !bgp.selectedPeers.isEmpty {
            bgpPeers = sessions
        }
        normalize()
    }
}

extension SpeakerState.Reason {
    /// The node would advertise the IP, but no configured peer selects it.
    public static let noPeerForNode = SpeakerState.Reason(
        code: "noPeerForNode",
        message: "this node is eligible, but no BGP peer in the config selects it (check the peers' "
            + "node-selectors against this node's labels), so the prefix reaches no router from here")

    /// The node advertises the IP, but none of its sessions is up.
    public static let noSessionEstablished = SpeakerState.Reason(
        code: "noSessionEstablished",
        message: "this node is eligible, but none of its BGP sessions is Established, so no router has the "
            + "route from here yet; see the peers' last error in `lbctl status`")
}
