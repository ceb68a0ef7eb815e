import Foundation
import BenchSupport
import LBLab
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Capture analysis: everything is measured on the client's wire, from one tcpdump.
enum Wire {
    /// Request → reply latencies (seconds) for ARP requests the client sent for `ip`: each
    /// request is paired with the first reply to the client for `ip` before the next request.
    static func arpLatencies(_ frames: [CapturedFrame], ip: String, clientMAC: String) -> (latencies: [Double], requests: Int) {
        var pending: Double?
        var latencies: [Double] = []
        var requests = 0
        for frame in frames where frame.targetIP == ip {
            if frame.kind == .arpRequest, frame.sourceMAC == clientMAC {
                pending = frame.timestamp
                requests += 1
            } else if frame.kind == .arpReply, frame.destinationMAC == clientMAC, let sent = pending {
                latencies.append(frame.timestamp - sent)
                pending = nil
            }
        }
        return (latencies, requests)
    }

    /// Answers (replies sent to the client) for `ip`, in capture order. Gratuitous ARP is
    /// broadcast and so is not an answer.
    static func answers(_ frames: [CapturedFrame], ip: String, clientMAC: String) -> [CapturedFrame] {
        frames.filter { $0.kind == .arpReply && $0.targetIP == ip && $0.destinationMAC == clientMAC }
    }

    struct Gap {
        var seconds: Double
        var newMAC: String
        /// Answers from the old MAC after the first answer from the new one (a split brain).
        var oldAfterNew: Int
        /// Distinct MACs answering after the hand-over (more than one is a flap).
        var macsAfter: Set<String>
        /// Last old answer → the new owner's first gratuitous ARP (when it took the IP over):
        /// the rest of the gap is its responder getting ready.
        var toFirstGratuitous: Double?
    }

    /// Last answer from `oldMAC` → first answer from any other MAC.
    static func gap(_ frames: [CapturedFrame], ip: String, clientMAC: String, oldMAC: String) -> Gap? {
        let all = answers(frames, ip: ip, clientMAC: clientMAC)
        guard let firstNewIndex = all.firstIndex(where: { $0.claimedMAC != oldMAC }),
              let lastOld = all[..<firstNewIndex].last(where: { $0.claimedMAC == oldMAC }) else { return nil }
        let firstNew = all[firstNewIndex]
        let after = all[firstNewIndex...]
        let newMAC = firstNew.claimedMAC ?? "?"
        let gratuitous = frames.first {
            $0.timestamp > lastOld.timestamp && $0.sourceMAC == newMAC && $0.targetIP == ip
                && $0.destinationMAC == "ff:ff:ff:ff:ff:ff"
        }
        return Gap(seconds: firstNew.timestamp - lastOld.timestamp, newMAC: newMAC,
                   oldAfterNew: after.filter { $0.claimedMAC == oldMAC }.count,
                   macsAfter: Set(after.compactMap(\.claimedMAC)),
                   toFirstGratuitous: gratuitous.map { $0.timestamp - lastOld.timestamp })
    }
}

/// One row of the result table.
struct Figure {
    var label: String
    var value: String
    var target: String
    var verdict: String
}
