import Foundation
import LBCore
import Testing

/// The published state must fit the Lease's annotation limit however many IPs a speaker sees.
@Suite struct SpeakerStateSizeTests {
    static func state(announced: Int, others: Int) -> SpeakerState {
        var ips: [SpeakerState.AddressState] = []
        for i in 0..<(announced + others) {
            let ip = IPAddress("10.\(i / 65_536).\((i / 256) % 256).\(i % 256)")!
            let mine = i < announced
            ips.append(
                SpeakerState.AddressState(
                    ip: ip, pool: "default", services: ["team-a/service-number-\(i)"], protocol: .layer2,
                    announced: mine, owner: mine ? "node-a" : "node-b", interfaces: mine ? ["eth0"] : [],
                    reasons: mine
                        ? []
                        : [SpeakerState.Reason(code: "notElected", message: String(repeating: "node-b ranks first for this IP. ", count: 4))]))
        }
        return SpeakerState(node: "node-a", memberAddress: "10.0.0.1:7946", liveMembers: ["node-a", "node-b"], ips: ips)
    }

    @Test func aSmallStateIsWrittenWhole() throws {
        let small = Self.state(announced: 3, others: 5)
        let fitted = try small.jsonString(fittingIn: SpeakerState.annotationBudget)
        #expect(try fitted == small.jsonString())
        #expect(try SpeakerState.decode(fitted).omitted == nil)
    }

    @Test func messagesGoFirst() throws {
        let state = Self.state(announced: 200, others: 600)
        let full = try state.jsonString()
        let limit = full.utf8.count - 1_000
        let text = try state.jsonString(fittingIn: limit)
        #expect(text.utf8.count <= limit)
        let decoded = try SpeakerState.decode(text)
        #expect(decoded.ips.count == 800)
        #expect(decoded.omitted == SpeakerState.Omitted(messages: true, announced: 0, notAnnounced: 0))
        #expect(decoded.ips.allSatisfy { $0.reasons.allSatisfy { $0.message.isEmpty && !$0.code.isEmpty } })
    }

    @Test(arguments: [(300, 3_000), (5_000, 0), (0, 5_000)])
    func aHugeStateKeepsAnnouncedIPsFirstAndCountsTheRest(announced: Int, others: Int) throws {
        let state = Self.state(announced: announced, others: others)
        let text = try state.jsonString(fittingIn: SpeakerState.annotationBudget)
        #expect(text.utf8.count <= SpeakerState.annotationBudget)
        let decoded = try SpeakerState.decode(text)
        let omitted = try #require(decoded.omitted)
        let keptAnnounced = decoded.ips.filter(\.announced).count
        #expect(keptAnnounced + omitted.announced == announced)
        #expect(decoded.ips.count - keptAnnounced + omitted.notAnnounced == others)
        // Not-announced entries are dropped before any announced one.
        if omitted.announced > 0 { #expect(decoded.ips.allSatisfy { $0.announced }) }
        #expect(decoded.ips.count > 0)
    }

    /// A speaker with too many IPs for messages builds its document without them; the published
    /// bytes must be the ones the whole document would have given.
    @Test func aDocumentBuiltWithoutMessagesPublishesTheSameBytes() throws {
        let count = SpeakerState.annotationBudget / 64 + 1
        #expect(!SpeakerState.messagesCanFit(ipCount: count, in: SpeakerState.annotationBudget))
        #expect(SpeakerState.messagesCanFit(ipCount: 800, in: SpeakerState.annotationBudget))
        let whole = Self.state(announced: 100, others: count - 100)
        var bare = whole
        for i in bare.ips.indices {
            bare.ips[i].reasons = bare.ips[i].reasons.map { SpeakerState.Reason(code: $0.code, message: "") }
        }
        let fromWhole = try whole.jsonString(fittingIn: SpeakerState.annotationBudget)
        #expect(try bare.jsonString(fittingIn: SpeakerState.annotationBudget) == fromWhole)
        #expect(try SpeakerState.decode(fromWhole).omitted?.messages == true)
    }

    /// `normalize()` in place and `normalized()` agree, and normalizing is idempotent.
    @Test func normalizingInPlaceMatchesTheCopy() throws {
        var state = Self.state(announced: 3, others: 4)
        state.ips.reverse()
        state.ips[0].services = ["z/b", "a/c"]
        state.ips[1].interfaces = ["eth1", "bond0"]
        state.ips[2].peers = ["r2", "r1"]
        state.liveMembers = ["node-b", "node-a"]
        let copy = state.normalized()
        state.normalize()
        #expect(state == copy)
        #expect(state.ips.map(\.ip) == state.ips.map(\.ip).sorted())
        #expect(state.normalized() == state)
        #expect(state.ips.contains { $0.services == ["a/c", "z/b"] } && state.liveMembers == ["node-a", "node-b"])
    }
}
