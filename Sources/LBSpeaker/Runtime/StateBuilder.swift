import KubeAPI
import LBCore
import Logging
import Synchronization

/// Builds and encodes the published `SpeakerState` off the speaker's actor, newest first.
///
/// With 10,000 IPs, building the document and fitting its JSON into the annotation budget takes
/// tens of milliseconds; on the actor that delayed the next recomputation (a withdrawal, a
/// failover) by as much. Here the speaker hands over the values it has (plans are values) and
/// returns at once; one task at a time builds the newest snapshot handed over, skipping those
/// superseded meanwhile, and passes the result to the Lease publisher.
final class StateBuilder: Sendable {
    /// What the published state is made of, as the speaker saw it at one instant.
    struct Snapshot: Sendable {
        var plan: Layer2Plan
        var bgpPlan: BGPPlan?
        var sessions: [BGPSessionReport]
        var memberAddress: String
        var liveMembers: Set<String>
        var interfaces: [IPAddress: [String]]
    }

    private let publisher: SpeakerStatePublisher
    private let logger: Logger
    private let state = Mutex<(pending: Snapshot?, running: Bool)>((nil, false))

    init(publisher: SpeakerStatePublisher, logger: Logger) {
        self.publisher = publisher
        self.logger = logger
    }

    /// The document a snapshot publishes (pure; also used for the final write at shutdown).
    static func content(_ s: Snapshot) throws -> SpeakerLease.Content {
        let budget = SpeakerState.annotationBudget
        // Every IP the speaker knows is in one of the plans: layer 2's (entries, or skipped as in
        // no pool) or BGP's.
        let count = s.plan.entries.count + s.plan.skipped.count + (s.bgpPlan?.entries.count ?? 0)
        var document: SpeakerState
        if SpeakerState.messagesCanFit(ipCount: count, in: budget) {
            document = SpeakerState(
                plan: s.plan, memberAddress: s.memberAddress, liveMembers: s.liveMembers, interfaces: s.interfaces)
            if let bgpPlan = s.bgpPlan {
                document.merge(bgp: bgpPlan, sessions: s.sessions.map(SpeakerState.PeerState.init))
            }
        } else {
            document = bounded(s, keeping: SpeakerState.maximumEntries(in: budget))
        }
        return SpeakerLease.Content(memberAddress: s.memberAddress, state: try document.jsonString(fittingIn: budget))
    }

    /// The document of a snapshot too big for its messages, built from the only IPs the
    /// annotation could keep: the first `keep` announced and the first `keep` others in address
    /// order, the rest counted in `omitted`. Publishes the same bytes as building every entry
    /// (with 10,000 IPs that took megabytes for entries that are dropped at once).
    static func bounded(_ s: Snapshot, keeping keep: Int) -> SpeakerState {
        // The plans hold disjoint IPs: a bgp pool's are only in the BGP plan.
        let bgpEntries = s.bgpPlan?.entries ?? []
        var status: [(ip: IPAddress, announced: Bool)] = []
        status.reserveCapacity(s.plan.entries.count + s.plan.skipped.count + bgpEntries.count)
        for e in s.plan.entries { status.append((e.ip, e.announced)) }
        for e in s.plan.skipped { status.append((e.ip, false)) }
        for e in bgpEntries { status.append((e.ip, e.advertised)) }
        status.sort { $0.ip < $1.ip }
        var kept: Set<IPAddress> = []
        var keptAnnounced = 0
        var keptOthers = 0
        var omittedAnnounced = 0
        var omittedOthers = 0
        for (ip, announced) in status {
            if announced {
                if keptAnnounced < keep { keptAnnounced += 1; kept.insert(ip) } else { omittedAnnounced += 1 }
            } else {
                if keptOthers < keep { keptOthers += 1; kept.insert(ip) } else { omittedOthers += 1 }
            }
        }
        let plan = Layer2Plan(
            node: s.plan.node, localNodeKnown: s.plan.localNodeKnown,
            entries: s.plan.entries.filter { kept.contains($0.ip) },
            skipped: s.plan.skipped.filter { kept.contains($0.ip) })
        var document = SpeakerState(
            plan: plan, memberAddress: s.memberAddress, liveMembers: s.liveMembers, interfaces: s.interfaces,
            messages: false)
        if let bgpPlan = s.bgpPlan {
            let bgp = BGPPlan(
                node: bgpPlan.node, localNodeKnown: bgpPlan.localNodeKnown,
                entries: bgpPlan.entries.filter { kept.contains($0.ip) }, routes: [:], peers: bgpPlan.peers)
            document.merge(bgp: bgp, sessions: s.sessions.map(SpeakerState.PeerState.init), messages: false)
        }
        document.omitted = SpeakerState.Omitted(messages: true, announced: omittedAnnounced, notAnnounced: omittedOthers)
        return document
    }

    /// Hands over the newest snapshot; returns at once.
    func submit(_ snapshot: Snapshot) {
        let start = state.withLock { s -> Bool in
            s.pending = snapshot
            guard !s.running else { return false }
            s.running = true
            return true
        }
        guard start else { return }
        Task.detached { [self] in self.drain() }
    }

    private func drain() {
        while let snapshot = state.withLock({ s -> Snapshot? in
            guard let next = s.pending else {
                s.running = false
                return nil
            }
            s.pending = nil
            return next
        }) {
            do {
                publisher.update(try Self.content(snapshot))
            } catch {
                logger.error("cannot encode the published speaker state", metadata: ["error": "\(error)"])
            }
        }
    }
}
