import Foundation
import LBProtocols
import Testing

@testable import LBSpeaker

/// Rotating the membership key (`--member-accept-key-file`): done in the documented order, the
/// speakers never stop seeing each other; a speaker whose key nobody accepts stays alone, and
/// the others count its messages as failed authentication.
@Suite(.timeLimit(.minutes(2))) struct RuntimeKeyRotationTests {
    static let old = Array("old-membership-key-0123456789".utf8)
    static let new = Array("new-membership-key-9876543210".utf8)

    static func members(_ s: RunningSpeaker) async -> Set<String> { await s.speaker.members }

    static func together(_ a: RunningSpeaker, _ b: RunningSpeaker) async -> Bool {
        let both: Set<String> = [a.node, b.node]
        let seenByA = await members(a)
        let seenByB = await members(b)
        return seenByA == both && seenByB == both
    }

    static func refused(_ s: RunningSpeaker) async -> Int {
        await s.speaker.membershipCounters?.drops[.authenticationFailed] ?? 0
    }

    @Test func rotatingTheKeyStepByStepKeepsTheSpeakersTogether() async throws {
        let lab = try await SpeakerLab.start(nodes: ["node-a", "node-b"])
        // Step 1: the new key is accepted everywhere (node-a restarted with it), still sent with the old one.
        let a1 = lab.startSpeaker("node-a", key: Self.old, acceptedKeys: [Self.new])
        let b1 = lab.startSpeaker("node-b", key: Self.old)
        try await lab.waitFor("both speakers to see each other with the old key") { await Self.together(a1, b1) }
        // Step 2: node-b sends with the new key and still accepts the old one.
        await b1.stop()
        let b2 = lab.startSpeaker("node-b", key: Self.new, acceptedKeys: [Self.old])
        try await lab.waitFor("node-a (old, accepts new) and node-b (new, accepts old) to see each other") {
            await Self.together(a1, b2)
        }
        // Step 3: node-a sends with the new key only.
        let refusedBefore = await Self.refused(a1)
        await a1.stop()
        let a2 = lab.startSpeaker("node-a", key: Self.new)
        try await lab.waitFor("both to see each other with the new key") { await Self.together(a2, b2) }
        #expect(refusedBefore == 0, "node-a refused nothing while the keys changed")
        #expect(await Self.refused(b2) == 0, "node-b refused nothing while the keys changed")
        await a2.stop()
        await b2.stop()
        await lab.shutdown()
    }

    @Test func aKeyNobodyAcceptsLeavesTheSpeakerAlone() async throws {
        let lab = try await SpeakerLab.start(nodes: ["node-a", "node-b"])
        let a = lab.startSpeaker("node-a", key: Self.old)
        let b = lab.startSpeaker("node-b", key: Self.new)
        // Both send (they find each other through their Leases), and each refuses the other's
        // messages: failed authentication is counted, and neither joins the other.
        try await lab.waitFor("each to refuse the other's heartbeats") {
            let byA = await Self.refused(a)
            let byB = await Self.refused(b)
            return byA >= 3 && byB >= 3
        }
        let seenByA = await Self.members(a)
        let seenByB = await Self.members(b)
        #expect(seenByA == ["node-a"])
        #expect(seenByB == ["node-b"])
        await a.stop()
        await b.stop()
        await lab.shutdown()
    }
}
