import Foundation

/// How long a layer-2 Service IP went unanswered while it moved between nodes, measured from a
/// capture on the client's interface while the client sent ARP requests for the IP at a steady
/// rate (arping). Timestamps come from the capture, not from arping (its own `time=` is wrong on
/// veth: see LAB-NOTES).
///
/// Only replies addressed to the client count: gratuitous ARP from the new owner is broadcast
/// and is not an answer to the probe.
public struct DemoFailoverGap: Sendable, Equatable {
    /// The MAC that answered before the failure.
    public var oldMAC: String
    /// The first other MAC that answered.
    public var newMAC: String
    /// Capture time of the old MAC's last reply before the new MAC's first reply.
    public var lastOldReply: Double
    /// Capture time of the new MAC's first reply.
    public var firstNewReply: Double
    /// Probes the client sent in between, none answered.
    public var unansweredProbes: Int
    /// Replies from the old MAC seen after the new MAC's first one (should be none after a
    /// kill -9: a dead node cannot answer).
    public var lateOldReplies: Int

    /// `firstNewReply - lastOldReply`, in seconds.
    public var gap: Double { firstNewReply - lastOldReply }

    public init(oldMAC: String, newMAC: String, lastOldReply: Double, firstNewReply: Double, unansweredProbes: Int,
                lateOldReplies: Int) {
        self.oldMAC = oldMAC
        self.newMAC = newMAC
        self.lastOldReply = lastOldReply
        self.firstNewReply = firstNewReply
        self.unansweredProbes = unansweredProbes
        self.lateOldReplies = lateOldReplies
    }

    /// Why no gap could be measured from a capture.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The old MAC never answered the probe (it was not the owner when probing started).
        case noReplyFromOldOwner(oldMAC: String)
        /// No other MAC answered (the IP did not move within the capture).
        case noReplyFromNewOwner
        /// The new owner answered before the old one ever did: the capture started too late.
        case newOwnerAnsweredFirst(newMAC: String)

        public var description: String {
            switch self {
            case let .noReplyFromOldOwner(mac): "no ARP reply from the old owner \(mac) in the capture"
            case .noReplyFromNewOwner: "no ARP reply from any other MAC in the capture: the IP did not move"
            case let .newOwnerAnsweredFirst(mac): "\(mac) answered before the old owner did: the capture missed the hand-over"
            }
        }
    }

    /// Measures the hand-over of `ip` away from `oldMAC` in `frames` (a capture on the client's
    /// interface with `clientMAC`). Throws `Problem` when the capture does not show one.
    public static func measure(
        frames: [CapturedFrame], ip: String, clientMAC: String, oldMAC: String
    ) throws(Problem) -> DemoFailoverGap {
        let client = clientMAC.lowercased()
        let old = oldMAC.lowercased()
        let replies = frames.filter { $0.kind == .arpReply && $0.targetIP == ip && $0.destinationMAC == client }
            .sorted { $0.timestamp < $1.timestamp }
        guard let firstOld = replies.first(where: { $0.sourceMAC == old }) else { throw .noReplyFromOldOwner(oldMAC: old) }
        guard let firstNew = replies.first(where: { $0.sourceMAC != old }) else { throw .noReplyFromNewOwner }
        guard firstOld.timestamp <= firstNew.timestamp else { throw .newOwnerAnsweredFirst(newMAC: firstNew.sourceMAC) }
        let lastOld = replies.last { $0.sourceMAC == old && $0.timestamp <= firstNew.timestamp } ?? firstOld
        let probes = frames.filter {
            $0.kind == .arpRequest && $0.sourceMAC == client && $0.targetIP == ip
                && $0.timestamp > lastOld.timestamp && $0.timestamp < firstNew.timestamp
        }
        // The probe answered by the new owner's first reply was sent before it: not unanswered.
        let unanswered = max(0, probes.count - 1)
        let late = replies.filter { $0.sourceMAC == old && $0.timestamp > firstNew.timestamp }.count
        return DemoFailoverGap(oldMAC: old, newMAC: firstNew.sourceMAC, lastOldReply: lastOld.timestamp,
                               firstNewReply: firstNew.timestamp, unansweredProbes: unanswered, lateOldReplies: late)
    }
}
