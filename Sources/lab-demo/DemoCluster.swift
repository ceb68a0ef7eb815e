import Foundation
import LBCore
import LBLab

/// What the demo reads from the speakers' published states (their Lease annotations, decoded
/// with LBCore's `SpeakerState`, the document lbctl reads too).
extension DemoDeployment {
    /// Each speaker's state by node name.
    func speakerStates() throws -> [String: SpeakerState] {
        var states: [String: SpeakerState] = [:]
        for text in try speakerLeaseAnnotations(key: SpeakerState.annotationKey) {
            let state = try SpeakerState.decode(text)
            states[state.node] = state
        }
        return states
    }

    /// Waits until the speakers of every node see all nodes as live members.
    func waitForMembers() throws {
        let names = nodeNames.sorted()
        var last: [String: [String]] = [:]
        let ok = try labPoll(timeout: settings.settle) {
            try checkRunning()
            let states = try speakerStates()
            last = states.mapValues(\.liveMembers)
            return names.allSatisfy { states[$0]?.liveMembers == names }
        }
        if !ok {
            throw DemoFailure("the speakers did not all see \(names) as live members within \(settings.settle) s; published: \(last)\n\(logTails())")
        }
    }

    /// One line per speaker: its BGP sessions as it publishes them.
    func describeBGPSessions(_ states: [String: SpeakerState]) -> String {
        nodeNames.map { name in
            guard let state = states[name] else { return "\(name): no published state" }
            guard let peers = state.bgpPeers, !peers.isEmpty else { return "\(name): no BGP session published" }
            return "\(name): " + peers.map { peer in
                "\(peer.name) \(peer.state), \(peer.prefixesAdvertised) prefixes" + (peer.lastError.map { ", last error: \($0)" } ?? "")
            }.joined(separator: "; ")
        }.joined(separator: "\n")
    }

    /// The last lines of each IronLB process's log, for failure messages.
    func logTails(lines: Int = 12) -> String {
        var parts: [String] = []
        for name in nodeNames {
            guard let speaker = speakers[name] else { continue }
            parts.append("--- lb-speaker \(name) (\(speaker.isRunning ? "running" : speaker.exitStatus.map { "\($0)" } ?? "?")), \(speaker.logPath):\n"
                + speaker.log.split(separator: "\n").suffix(lines).joined(separator: "\n"))
        }
        if let controller {
            parts.append("--- lb-controller, \(controller.logPath):\n" + controller.log.split(separator: "\n").suffix(lines).joined(separator: "\n"))
        }
        return parts.joined(separator: "\n")
    }
}
