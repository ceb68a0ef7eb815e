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
        // Every IP the speaker knows is in the layer 2 plan (announced, or skipped as not layer 2).
        let messages = SpeakerState.messagesCanFit(
            ipCount: s.plan.entries.count + s.plan.skipped.count, in: SpeakerState.annotationBudget)
        var document = SpeakerState(
            plan: s.plan, memberAddress: s.memberAddress, liveMembers: s.liveMembers, interfaces: s.interfaces,
            messages: messages)
        if let bgpPlan = s.bgpPlan {
            document.merge(bgp: bgpPlan, sessions: s.sessions.map(SpeakerState.PeerState.init), messages: messages)
        }
        return SpeakerLease.Content(
            memberAddress: s.memberAddress, state: try document.jsonString(fittingIn: SpeakerState.annotationBudget))
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
