import LBCore
import NIOCore
import Testing

@testable import LBProtocols

/// One or two `Membership` values driven by hand: the handshake, every drop reason a
/// well-formed message can earn, timers, and setup errors.
@Suite struct MembershipTests {
    static let key = [UInt8](repeating: 0x42, count: 32)
    static let addrA = PeerAddress(host: IPAddress("192.0.2.1")!, port: 7946)
    static let addrB = PeerAddress(host: IPAddress("192.0.2.2")!, port: 7946)
    static let addrC = PeerAddress(host: IPAddress("2001:db8::3")!, port: 7946)
    static let all = ["a": addrA, "b": addrB, "c": addrC]
    static let ms = Duration.milliseconds

    static func member(_ name: String, incarnation: UInt64 = 1, key: [UInt8] = key) -> Membership {
        var m = try! Membership(selfName: name, incarnation: incarnation, key: key)
        _ = m.setPeers(all, now: .zero)
        return m
    }

    /// The datagrams in `actions` addressed to `to`.
    static func datagrams(_ actions: [MembershipAction], to: PeerAddress) -> [ByteBuffer] {
        actions.compactMap { if case .send(let b, let a) = $0, a == to { b } else { nil } }
    }

    static func changes(_ actions: [MembershipAction]) -> [Set<String>] {
        actions.compactMap { if case .membershipChanged(let l) = $0 { l } else { nil } }
    }

    /// a and b, each counting the other live (c is listed but silent).
    static func pair() -> (Membership, Membership, now: Duration) {
        var a = member("a")
        var b = member("b")
        let hb = datagrams(a.tick(now: .zero), to: addrB)
        _ = b.tick(now: .zero)
        let reply = b.receive(hb[0], now: ms(1))
        guard case .handshake(let answer) = reply else { fatalError("expected a handshake, got \(reply)") }
        let back = a.receive(datagrams(answer, to: addrA)[0], now: ms(2))
        guard case .accepted(let actions) = back else { fatalError("expected accepted, got \(back)") }
        let r = b.receive(datagrams(actions, to: addrB)[0], now: ms(3))
        guard case .accepted = r else { fatalError("expected accepted, got \(r)") }
        return (a, b, ms(3))
    }

    @Test func theHandshakeConfirmsBothSides() {
        let (a, b, _) = Self.pair()
        #expect(a.liveMembers == ["a", "b"])
        #expect(b.liveMembers == ["a", "b"])
        #expect(a.peers.map(\.status) == [.alive, .unknown])
        #expect(a.events.map(\.kind) == [.joined])
    }

    @Test func aMembershipChangeIsReportedOnce() {
        var a = Self.member("a")
        var b = Self.member("b")
        _ = b.tick(now: .zero)
        let answer = b.receive(Self.datagrams(a.tick(now: .zero), to: Self.addrB)[0], now: Self.ms(1)).actions
        let accepted = a.receive(Self.datagrams(answer, to: Self.addrA)[0], now: Self.ms(2)).actions
        #expect(Self.changes(accepted) == [["a", "b"]])
        #expect(Self.changes(a.tick(now: Self.ms(3))) == [])
    }

    @Test func duplicatesAndLateCopiesAreReplays() {
        var (a, b, now) = Self.pair()
        let first = Self.datagrams(a.tick(now: Self.ms(100)), to: Self.addrB)[0]
        let second = Self.datagrams(a.tick(now: Self.ms(200)), to: Self.addrB)[0]
        now = Self.ms(201)
        #expect(b.receive(second, now: now) == .accepted([]))
        #expect(b.receive(second, now: now) == .dropped(.replayedSequence))
        #expect(b.receive(first, now: now) == .dropped(.replayedSequence))  // reordered: older, so nothing new
        #expect(b.dropCounts == [.replayedSequence: 2])
    }

    @Test func aMessageForAnotherNodeIsRefused() {
        var (a, _, _) = Self.pair()
        var c = Self.member("c")
        let toB = Self.datagrams(a.tick(now: Self.ms(100)), to: Self.addrB)[0]
        #expect(c.receive(toB, now: Self.ms(101)) == .dropped(.wrongReceiver))
        #expect(c.liveMembers == ["c"])
    }

    @Test func messagesClaimingToBeFromUsAreRefused() throws {
        var b = Self.member("b")
        let codec = try MembershipCodec(key: Self.key)
        let forged = MembershipMessage(
            kind: .heartbeat, sender: "b", receiver: "b", incarnation: 5, sequence: 1, receiverIncarnation: 1,
            view: MemberView(of: ["b"]))
        #expect(b.receive(codec.encode(forged), now: .zero) == .dropped(.fromSelf))
    }

    @Test func strangersAreRefused() throws {
        var b = Self.member("b")
        let codec = try MembershipCodec(key: Self.key)
        let m = MembershipMessage(
            kind: .heartbeat, sender: "x", receiver: "b", incarnation: 5, sequence: 1, receiverIncarnation: 1,
            view: MemberView(of: ["x"]))
        #expect(b.receive(codec.encode(m), now: .zero) == .dropped(.unknownSender))
    }

    @Test func aDifferentKeyChangesNothing() {
        var a = Self.member("a", key: [UInt8](repeating: 0x43, count: 32))
        var b = Self.member("b")
        let hb = Self.datagrams(a.tick(now: .zero), to: Self.addrB)[0]
        #expect(b.receive(hb, now: .zero) == .dropped(.authenticationFailed))
        #expect(b.peers.first { $0.name == "a" }?.incarnation == 0)
    }

    /// Garbage counts as dropped with its reason and touches no peer state.
    @Test func garbageChangesNothing() {
        var (_, b, _) = Self.pair()
        let before = b.peers
        #expect(b.receive([], now: Self.ms(10)) == .dropped(.truncated))
        #expect(b.receive([0x49, 0x4C, 9], now: Self.ms(10)) == .dropped(.unsupportedVersion))
        #expect(b.receive(Array("GET / HTTP/1.1\r\n".utf8), now: Self.ms(10)) == .dropped(.badMagic))
        #expect(b.peers == before)
        #expect(b.dropCounts == [.truncated: 1, .unsupportedVersion: 1, .badMagic: 1])
    }

    @Test func anOldIncarnationIsStale() {
        var (a, b, _) = Self.pair()
        let old = Self.datagrams(a.tick(now: Self.ms(100)), to: Self.addrB)[0]
        var a2 = Self.member("a", incarnation: 2)
        let fresh = Self.datagrams(a2.tick(now: Self.ms(150)), to: Self.addrB)[0]
        #expect(b.receive(fresh, now: Self.ms(151)).actions.isEmpty == false)  // a handshake answer
        #expect(b.receive(old, now: Self.ms(152)) == .dropped(.staleIncarnation))
    }

    @Test func leaveIsImmediateAndFinalForItsIncarnation() {
        var (a, b, _) = Self.pair()
        let leaves = Self.datagrams(a.leave(now: Self.ms(50)), to: Self.addrB)
        #expect(leaves.count == 3)
        #expect(a.liveMembers == ["b"])
        #expect(a.tick(now: Self.ms(500)) == [])
        #expect(a.nextDeadline == nil)
        #expect(a.leave(now: Self.ms(60)) == [])
        #expect(b.receive(leaves[1], now: Self.ms(51)) == .accepted([.membershipChanged(live: ["b"])]))
        #expect(b.receive(leaves[0], now: Self.ms(51)) == .dropped(.replayedSequence))
        #expect(b.receive(leaves[2], now: Self.ms(51)) == .dropped(.alreadyLeft))
        #expect(b.peers.first { $0.name == "a" }?.status == .left)
        // A new incarnation comes back.
        var a2 = Self.member("a", incarnation: 2)
        let hb = Self.datagrams(a2.tick(now: Self.ms(80)), to: Self.addrB)[0]
        let answer = Self.datagrams(b.receive(hb, now: Self.ms(81)).actions, to: Self.addrA)[0]
        let confirm = Self.datagrams(a2.receive(answer, now: Self.ms(82)).actions, to: Self.addrB)[0]
        let rejoined = b.receive(confirm, now: Self.ms(83))
        #expect(Self.changes(rejoined.actions) == [["a", "b"]])
        #expect(Self.datagrams(rejoined.actions, to: Self.addrA).count == 1)  // the answer on joining
        #expect(b.events.map(\.kind) == [.joined, .left, .joined])
    }

    @Test func silenceMakesAPeerSuspectThenDead() {
        var (_, b, _) = Self.pair()
        _ = b.tick(now: Self.ms(100))
        #expect(b.nextDeadline == Self.ms(200))
        _ = b.tick(now: Self.ms(200))
        #expect(b.nextDeadline == Self.ms(3 + 250))  // b last heard a at 3 ms: suspect at 253
        _ = b.tick(now: Self.ms(253))
        #expect(b.peers.first { $0.name == "a" }?.status == .suspect)
        #expect(b.liveMembers == ["a", "b"])
        _ = b.tick(now: Self.ms(300))
        #expect(b.nextDeadline == Self.ms(3 + 350))
        let actions = b.tick(now: Self.ms(353))
        #expect(Self.changes(actions) == [["b"]])
        #expect(b.events.last == MembershipEvent(kind: .died, node: "a", incarnation: 1, at: Self.ms(353)))
    }

    /// After a stall of this process longer than deadAfter, peers get one more interval: their
    /// heartbeats were waiting in the socket buffer.
    @Test func aStalledSpeakerDoesNotDropEveryoneAtOnce() {
        var (a, b, _) = Self.pair()
        _ = b.tick(now: Self.ms(100))
        let queued = Self.datagrams(a.tick(now: Self.ms(900)), to: Self.addrB)[0]
        _ = b.tick(now: Self.ms(1000))  // woke up 900 ms late
        #expect(b.liveMembers == ["a", "b"])
        #expect(b.nextDeadline == Self.ms(1100))
        _ = b.receive(queued, now: Self.ms(1001))
        _ = b.tick(now: Self.ms(1100))
        #expect(b.liveMembers == ["a", "b"])
    }

    /// A peer whose Lease flaps out and back keeps its replay protection.
    @Test func aRemovedPeerCannotBeRevivedByReplays() {
        var (a, b, _) = Self.pair()
        let old = Self.datagrams(a.tick(now: Self.ms(100)), to: Self.addrB)[0]
        _ = b.receive(old, now: Self.ms(101))
        let removed = b.setPeers(["c": Self.addrC], now: Self.ms(110))
        #expect(Self.changes(removed) == [["b"]])
        #expect(b.events.last?.kind == .removed)
        _ = b.setPeers(Self.all, now: Self.ms(120))
        #expect(b.receive(old, now: Self.ms(121)) == .dropped(.replayedSequence))
        #expect(b.liveMembers == ["b"])
    }

    @Test func newPeersGetAHeartbeatAtOnceAndAddressesFollowTheList() {
        var a = try! Membership(selfName: "a", incarnation: 1, key: Self.key)
        #expect(a.setPeers(["b": Self.addrB], now: .zero).isEmpty)  // before the first tick
        #expect(Self.datagrams(a.tick(now: .zero), to: Self.addrB).count == 1)
        let moved = PeerAddress(host: IPAddress("192.0.2.99")!, port: 7000)
        let actions = a.setPeers(["b": moved, "c": Self.addrC, "a": Self.addrA], now: Self.ms(5))
        #expect(Self.datagrams(actions, to: Self.addrC).count == 1)
        #expect(a.peers.map(\.address) == [moved, Self.addrC])
        #expect(Self.datagrams(a.tick(now: Self.ms(100)), to: moved).count == 1)
    }

    @Test func heartbeatsKeepTheirCadenceWithoutBursts() {
        var a = Self.member("a")
        #expect(Self.datagrams(a.tick(now: .zero), to: Self.addrB).count == 1)
        #expect(a.tick(now: Self.ms(99)).isEmpty)
        #expect(Self.datagrams(a.tick(now: Self.ms(103)), to: Self.addrB).count == 1)
        #expect(a.nextDeadline == Self.ms(200))  // late tick: cadence kept
        #expect(Self.datagrams(a.tick(now: Self.ms(750)), to: Self.addrB).count == 1)  // no catch-up burst
        #expect(a.nextDeadline == Self.ms(850))
    }

    @Test func eventsAreBounded() throws {
        var m = try Membership(
            selfName: "a", incarnation: 1, key: Self.key, config: MembershipConfig(eventHistory: 2))
        for i in 0..<5 {
            _ = m.setPeers(["p\(i)": Self.addrB], now: .milliseconds(i))
        }
        #expect(m.events.map(\.node) == ["p2", "p3"])
    }

    @Test func setupRefusesWhatCannotWork() {
        #expect(throws: MembershipSetupError.zeroIncarnation) { try Membership(selfName: "a", incarnation: 0, key: Self.key) }
        #expect(throws: MembershipSetupError.invalidName("")) { try Membership(selfName: "", incarnation: 1, key: Self.key) }
        #expect(throws: MembershipSetupError.keyTooShort(bytes: 8)) {
            try Membership(selfName: "a", incarnation: 1, key: Array(repeating: 1, count: 8))
        }
        let bad: [MembershipConfig] = [
            MembershipConfig(interval: .zero),
            MembershipConfig(deadAfter: .milliseconds(150)),
            MembershipConfig(suspectAfter: .milliseconds(400)),
            MembershipConfig(suspectAfter: .milliseconds(100)),
            MembershipConfig(leaveCopies: 0),
            MembershipConfig(eventHistory: -1),
        ]
        for c in bad {
            #expect(throws: MembershipSetupError.self) { try Membership(selfName: "a", incarnation: 1, key: Self.key, config: c) }
        }
        #expect(MembershipSetupError.keyTooShort(bytes: 8).description.contains("16"))
    }
}
