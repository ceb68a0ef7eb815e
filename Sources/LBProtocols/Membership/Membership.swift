import NIOCore

/// The speakers' failure detector: who is live, decided from authenticated UDP heartbeats.
/// A pure state machine with an injected clock: the shell feeds it time (`tick`), datagrams
/// (`receive`) and the peer list (`setPeers`), and carries out the actions it returns.
///
/// Protocol: every member sends a small heartbeat to every other member each `interval` and
/// considers a peer dead after `deadAfter` without a fresh, authentic message *from that peer
/// itself* (no second-hand rumours, so a liar or a stale relay cannot keep a dead node alive).
/// A member shutting down sends `leave`, so its IPs move at once instead of after `deadAfter`.
///
/// All-to-all heartbeats cost O(n^2) datagrams per interval: at 10 nodes that is 900 small
/// datagrams a second for the whole cluster, at 50 nodes 24,500 (about 50 KB/s sent per node),
/// which is still little, and it buys the fastest and simplest detection there is, with no
/// indirect probes to reason about. Past roughly 64 nodes, switch to SWIM (probe one random
/// peer per interval, indirect probes through k others, gossip piggybacked on the probes):
/// O(n) traffic, at the cost of detection in a few protocol periods instead of one window.
///
/// Security: every message is authenticated (`MembershipCodec`) and carries the sender's
/// name, the receiver's name, the sender's incarnation and a sequence number, and echoes the
/// receiver's incarnation. A forged message fails the MAC; a replayed or duplicated one fails
/// the sequence check; one captured on its way to another node fails the receiver check; a
/// recording replayed after the receiver restarted echoes an old incarnation and is not taken
/// as proof of life. What a key holder says is trusted: the key is the cluster's trust root.
/// One limit remains: an attacker who intercepts a peer's newest heartbeat (so it never
/// arrives) and delivers it later can extend that peer's life once, by at most `deadAfter`.
public struct Membership: Sendable {
    public let selfName: String
    /// This speaker's incarnation: larger at every start (the shell passes wall-clock
    /// milliseconds at process start; peers refuse anything older than what they have seen).
    public let incarnation: UInt64
    public let config: MembershipConfig

    let codec: MembershipCodec
    var records: [String: PeerRecord] = [:]
    /// Freshness state of peers taken out of the list, so that a node whose Lease flaps out
    /// and back cannot be revived by a replay of its earlier messages. Bounded: see `forget`.
    var forgotten: [String: PeerRecord] = [:]
    var forgottenOrder: [String] = []
    /// Last sequence number used; every datagram sent gets the next one.
    var sequence: UInt64 = 0
    var nextHeartbeat: Duration?
    var lastTick: Duration?
    /// No peer is declared dead before this time (see `tick`).
    var graceUntil: Duration?
    public private(set) var hasLeft = false
    /// The live set last reported by `.membershipChanged`.
    var reportedLive: Set<String>
    /// This node's current view, sent in every heartbeat.
    public private(set) var view: MemberView

    /// Recent peer events, oldest first, at most `config.eventHistory`.
    public private(set) var events: [MembershipEvent] = []
    /// Dropped datagrams per reason (never reset: a Prometheus counter).
    public private(set) var dropCounts: [MembershipDropReason: Int] = [:]
    /// Datagrams accepted, handshakes included.
    public private(set) var acceptedCount = 0

    /// - Parameters:
    ///   - selfName: this node's name (1-253 bytes).
    ///   - incarnation: at least 1, larger than any this node used before.
    ///   - key: the shared secret (at least 16 bytes); `previousKeys` are still accepted
    ///     during a rotation.
    public init(
        selfName: String, incarnation: UInt64, key: [UInt8], previousKeys: [[UInt8]] = [],
        config: MembershipConfig = MembershipConfig()
    ) throws(MembershipSetupError) {
        try config.validate()
        guard MembershipCodec.isValidName(selfName) else { throw .invalidName(selfName) }
        guard incarnation > 0 else { throw .zeroIncarnation }
        self.selfName = selfName
        self.incarnation = incarnation
        self.config = config
        self.codec = try MembershipCodec(key: key, previousKeys: previousKeys)
        self.reportedLive = [selfName]
        self.view = MemberView(of: [selfName])
    }

    // MARK: - Queries

    /// Members considered live: this node (until it leaves) and every alive or suspect peer.
    public var liveMembers: Set<String> {
        var live = Set(records.values.filter { $0.state.status.isLive }.map(\.state.name))
        if !hasLeft { live.insert(selfName) }
        return live
    }

    /// A snapshot of every peer, sorted by name.
    public var peers: [PeerState] { records.values.map(\.state).sorted { $0.name < $1.name } }

    /// Live peers whose last reported view differs from ours: a partition, or a change still
    /// propagating (views settle within about one interval).
    public var peersWithDifferentView: [String] {
        records.values.filter { $0.state.status.isLive && $0.state.view != nil && $0.state.view != view }
            .map(\.state.name).sorted()
    }

    /// When the shell should call `tick` next: the next heartbeat, or the moment a peer turns
    /// suspect or dead, whichever comes first; nil after leaving. Sleeping until then (or until
    /// a datagram arrives) makes detection exact without polling.
    public var nextDeadline: Duration? {
        guard !hasLeft else { return nil }
        guard let hb = nextHeartbeat else { return .zero }
        var next = hb
        for r in records.values where r.state.status.isLive {
            guard let heard = r.state.lastHeard else { continue }
            let due = r.state.status == .alive ? heard + config.suspectAfter : heard + config.deadAfter
            next = min(next, max(due, graceUntil ?? due))
        }
        return next
    }

    // MARK: - Inputs

    /// Replaces the peer list (from the per-node Leases; this node's own entry is ignored).
    /// New peers start `unknown` and get a heartbeat at once, so joining takes two round trips
    /// (learn each other's incarnation, then confirm) rather than an interval. Names that cannot go on the wire are ignored (a Kubernetes
    /// node name never is one).
    public mutating func setPeers(_ peers: [String: PeerAddress], now: Duration) -> [MembershipAction] {
        var actions: [MembershipAction] = []
        for name in records.keys.sorted() where peers[name] == nil {
            guard let r = records.removeValue(forKey: name) else { continue }
            record(.removed, name, r.state.incarnation, now)
            forget(r)
        }
        for (name, address) in peers.sorted(by: { $0.key < $1.key })
        where name != selfName && MembershipCodec.isValidName(name) {
            if records[name] == nil {
                if forgotten[name] != nil { forgottenOrder.removeAll { $0 == name } }
                var r = forgotten.removeValue(forKey: name) ?? PeerRecord(name: name, address: address)
                r.state = PeerState(name: name, address: address, incarnation: r.state.incarnation)
                records[name] = r
                if !hasLeft && nextHeartbeat != nil { actions.append(message(.heartbeat, to: r.state)) }
            } else {
                records[name]?.state.address = address
            }
        }
        return actions + liveChange()
    }

    /// Advances time: sends the heartbeats that are due and declares silent peers suspect or
    /// dead. Does nothing after `leave`.
    ///
    /// If this call comes more than `deadAfter` after the previous one, this process itself
    /// was stalled (CPU starvation, a paused container, a suspended VM): the peers' heartbeats
    /// are likely waiting unread in the socket buffer, so no peer is declared dead for one more
    /// interval, which gives the shell time to read them. Otherwise a stall of this node would
    /// make it drop every other node and announce every IP.
    public mutating func tick(now: Duration) -> [MembershipAction] {
        guard !hasLeft else { return [] }
        if let last = lastTick, now - last > config.deadAfter { graceUntil = now + config.interval }
        lastTick = now
        var actions: [MembershipAction] = []
        if nextHeartbeat.map({ now >= $0 }) ?? true {
            actions = messageToAll(.heartbeat)
            // Keep the cadence when ticks are a little late; never burst to catch up.
            let next = (nextHeartbeat ?? now) + config.interval
            nextHeartbeat = next > now ? next : now + config.interval
        }
        if graceUntil.map({ now >= $0 }) ?? true {
            for name in records.keys.sorted() { expire(name, now) }
        }
        return actions + liveChange()
    }

    /// Handles one datagram. Dropped ones change nothing but a counter.
    public mutating func receive(_ datagram: ByteBuffer, now: Duration) -> ReceiveResult {
        let result = handle(datagram, now: now)
        if let reason = result.dropReason { dropCounts[reason, default: 0] += 1 } else { acceptedCount += 1 }
        return result
    }

    /// `receive` for a plain byte array.
    public mutating func receive(_ bytes: [UInt8], now: Duration) -> ReceiveResult {
        receive(ByteBuffer(bytes: bytes), now: now)
    }

    /// Leaves the membership for good (graceful shutdown): `config.leaveCopies` copies of
    /// `leave` to every peer, each with its own sequence number so that any one copy counts.
    /// Afterwards no heartbeat is sent and this node is no longer in `liveMembers`; a restart
    /// is a new `Membership` with a higher incarnation.
    public mutating func leave(now: Duration) -> [MembershipAction] {
        guard !hasLeft else { return [] }
        hasLeft = true
        var actions: [MembershipAction] = []
        for _ in 0..<config.leaveCopies {
            actions += messageToAll(.leave)
        }
        return actions + liveChange()
    }

    // MARK: - Internals

    mutating func handle(_ datagram: ByteBuffer, now: Duration) -> ReceiveResult {
        let msg: MembershipMessage
        switch codec.decode(datagram) {
        case .failure(let reason): return .dropped(reason)
        case .success(let m): msg = m
        }
        if msg.sender == selfName { return .dropped(.fromSelf) }
        if msg.receiver != selfName { return .dropped(.wrongReceiver) }
        guard var r = records[msg.sender] else { return .dropped(.unknownSender) }
        if msg.incarnation < r.state.incarnation { return .dropped(.staleIncarnation) }
        if msg.incarnation == r.state.incarnation && msg.sequence <= r.sequence { return .dropped(.replayedSequence) }
        if let left = r.leftIncarnation, msg.incarnation <= left { return .dropped(.alreadyLeft) }
        // Authentic and fresh: remember how far this peer has got, whatever comes next.
        r.state.incarnation = msg.incarnation
        r.sequence = msg.sequence
        switch msg.kind {
        case .leave:
            r.leftIncarnation = msg.incarnation
            r.state.status = .left
            r.state.lastHeard = nil
            r.state.view = nil
            records[msg.sender] = r
            record(.left, msg.sender, msg.incarnation, now)
            return .accepted(liveChange())
        case .heartbeat:
            r.state.view = msg.view
            guard msg.receiverIncarnation == incarnation else {
                records[msg.sender] = r
                // Answer now so the sender learns our incarnation within one round trip.
                return .handshake(hasLeft ? [] : [message(.heartbeat, to: r.state)])
            }
            let wasLive = r.state.status.isLive
            if !wasLive {
                record(.joined, msg.sender, msg.incarnation, now)
            } else if r.confirmedIncarnation != msg.incarnation {
                record(.restarted, msg.sender, msg.incarnation, now)
            }
            r.confirmedIncarnation = msg.incarnation
            r.state.status = .alive
            r.state.lastHeard = now
            records[msg.sender] = r
            // A peer we just started counting may not count us yet (it needed our incarnation):
            // answer now, or the two would disagree on who is live, and both announce some IPs,
            // until our next heartbeat. Only on this transition, so answers do not ping-pong.
            let answer = wasLive || hasLeft ? [] : [message(.heartbeat, to: r.state)]
            return .accepted(answer + liveChange())
        }
    }

    /// A fresh message of `kind` for `peer`, as a send action.
    mutating func message(_ kind: MembershipMessage.Kind, to peer: PeerState) -> MembershipAction {
        sequence += 1
        let m = MembershipMessage(
            kind: kind, sender: selfName, receiver: peer.name, incarnation: incarnation, sequence: sequence,
            receiverIncarnation: peer.incarnation, view: view)
        return .send(codec.encode(m), to: peer.address)
    }

    /// A fresh message of `kind` for every peer, in name order.
    mutating func messageToAll(_ kind: MembershipMessage.Kind) -> [MembershipAction] {
        var actions: [MembershipAction] = []
        for peer in peers { actions.append(message(kind, to: peer)) }
        return actions
    }

    /// Moves a silent peer to suspect or dead.
    mutating func expire(_ name: String, _ now: Duration) {
        guard let r = records[name], r.state.status.isLive, let heard = r.state.lastHeard else { return }
        let silent = now - heard
        if silent >= config.deadAfter {
            records[name]?.state.status = .dead
            record(.died, name, r.state.incarnation, now)
        } else if silent >= config.suspectAfter {
            records[name]?.state.status = .suspect
        }
    }

    /// Keeps a removed peer's freshness state, at most `maxForgotten` of them, oldest evicted.
    mutating func forget(_ r: PeerRecord) {
        if forgotten.updateValue(r, forKey: r.state.name) == nil { forgottenOrder.append(r.state.name) }
        while forgottenOrder.count > Self.maxForgotten {
            forgotten.removeValue(forKey: forgottenOrder.removeFirst())
        }
    }

    /// Enough for any realistic churn of node names between two restarts of this speaker.
    static let maxForgotten = 1024

    /// A `.membershipChanged` action if the live set differs from the one last reported.
    mutating func liveChange() -> [MembershipAction] {
        let live = liveMembers
        guard live != reportedLive else { return [] }
        reportedLive = live
        view = MemberView(of: live)
        return [.membershipChanged(live: live)]
    }

    mutating func record(_ kind: MembershipEvent.Kind, _ node: String, _ incarnation: UInt64, _ at: Duration) {
        guard config.eventHistory > 0 else { return }
        if events.count >= config.eventHistory { events.removeFirst(events.count - config.eventHistory + 1) }
        events.append(MembershipEvent(kind: kind, node: node, incarnation: incarnation, at: at))
    }
}
