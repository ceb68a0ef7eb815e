import LBCore

extension SpeakerState {
    /// The document a speaker publishes for a layer 2 plan.
    ///
    /// - Parameters:
    ///   - plan: this node's plan; its layer2 entries and its skipped IPs both become `ips`
    ///     (a bgp pool's IPs come from `merge(bgp:sessions:messages:)`).
    ///   - memberAddress: this speaker's membership address (`host:port`), nil before it joins.
    ///   - liveMembers: the speakers the membership protocol sees alive.
    ///   - interfaces: the interfaces the runtime actually announces each IP on, when it knows
    ///     them; an announced IP missing here shows its pool's `interfaces` (empty: every
    ///     interface with an address in the IP's subnet).
    ///   - messages: false leaves every reason's message empty (codes only), for a document too
    ///     big to keep them anyway (`messagesCanFit(ipCount:in:)`).
    public init(
        plan: Layer2Plan, memberAddress: String?, liveMembers: Set<String>, interfaces: [IPAddress: [String]] = [:],
        messages: Bool = true
    ) {
        var ips: [AddressState] = []
        ips.reserveCapacity(plan.entries.count + plan.skipped.count)
        for e in plan.entries {
            var reasons = e.reasons.map { Reason($0, message: messages) }
            if !e.announced && !plan.localNodeKnown { reasons.insert(.nodeNotFound, at: 0) }
            // Elected, but nothing to answer on: the IP is unreachable, and readers must see why.
            if e.announced, let chosen = interfaces[e.ip], chosen.isEmpty { reasons.append(.noInterface) }
            ips.append(
                AddressState(
                    ip: e.ip, pool: e.pool, services: e.services.map(\.description), protocol: .layer2,
                    announced: e.announced, owner: e.owner,
                    interfaces: e.announced ? interfaces[e.ip] ?? e.interfaces : [], reasons: reasons))
        }
        for s in plan.skipped {
            ips.append(
                AddressState(
                    ip: s.ip, pool: s.reason.pool, services: s.services.map(\.description), protocol: nil,
                    announced: false, owner: nil, interfaces: [], reasons: [Reason(s.reason, message: messages)]))
        }
        self.init(node: plan.node, memberAddress: memberAddress, liveMembers: Array(liveMembers), ips: ips)
    }
}

extension SpeakerState.Reason {
    /// An election reason, with its stable code and its description (`message: false`: an
    /// empty message, for a document too big to keep them).
    public init(_ reason: NotAnnouncingReason, message: Bool = true) {
        self.init(code: reason.code, message: message ? reason.description : "")
    }

    /// Why no protocol handles an IP at all, as above.
    public init(_ reason: Layer2SkipReason, message: Bool = true) {
        self.init(code: reason.code, message: message ? reason.description : "")
    }

    /// The node owns the IP but has no interface to announce it on.
    public static let noInterface = SpeakerState.Reason(
        code: "noInterface",
        message: "this node is elected for the IP but has no interface to answer ARP/NDP on: no interface that is "
            + "up, not loopback, not NOARP and not a bridge port or bond member has an address in the IP's subnet "
            + "(or none of the pool's `interfaces` exists here), so the IP is unreachable; add an address in that "
            + "subnet to the node's interface or fix the pool's `interfaces`")

    /// This node is not among the Nodes the speaker knows, so it cannot be elected.
    public static let nodeNotFound = SpeakerState.Reason(
        code: "nodeNotFound",
        message: "the speaker does not see a Node object with this node's name (not in its cache yet, or "
            + "deleted), so the node's labels and conditions are unknown and it announces nothing; check that "
            + "the speaker's node name matches the Node's metadata.name")
}
