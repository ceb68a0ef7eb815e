import LBCore
import LBNet
import LBProtocols
import NIOCore
import Testing

/// `MembershipTransport` over real UDP sockets on loopback: convergence, crash and graceful
/// leave, forged and replayed datagrams, send errors, and shutdown. Waits are bounded hang
/// guards (up to 10 s); no test asserts how long anything took.
@Suite(.timeLimit(.minutes(1))) struct MembershipTransportTests {
    typealias S = MembershipTestSupport

    /// Three nodes converged on one live set, on IPv4 or IPv6 loopback.
    static func trio(host: String = "127.0.0.1") async throws -> [MembershipTransport] {
        let transports = [try await S.start("a", host: host), try await S.start("b", host: host), try await S.start("c", host: host)]
        S.connectAll(transports, host: host)
        let all: Set<String> = ["a", "b", "c"]
        let converged = await S.eventually { transports.allSatisfy { $0.liveMembers == all } }
        #expect(converged, "live sets: \(transports.map(\.liveMembers))")
        return transports
    }

    static func closeAll(_ transports: [MembershipTransport]) async {
        for t in transports { await t.close() }
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func threeNodesConvergeOnTheSameLiveSet(host: String) async throws {
        let transports = try await Self.trio(host: host)
        for t in transports {
            #expect(t.liveMembers == ["a", "b", "c"])
            #expect(t.counters.joins == 2, "\(t.selfName): \(t.counters)")
            #expect(t.counters.accepted > 0)
            #expect(t.counters.sendErrors == 0)
        }
        await Self.closeAll(transports)
    }

    @Test func liveMemberChangesYieldsTheCurrentSetAtOnceThenChanges() async throws {
        let a = try await S.start("a")
        let b = try await S.start("b")
        let stream = a.liveMemberChanges()
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next() == ["a"])
        S.connectAll([a, b])
        #expect(await S.first(of: stream) { $0 == ["a", "b"] } == ["a", "b"])
        await a.close()
        await b.close()
    }

    @Test func anAbruptlyClosedNodeIsDroppedAsAFailover() async throws {
        let transports = try await Self.trio()
        let (a, b, c) = (transports[0], transports[1], transports[2])
        await c.close()  // no leave: to the others it simply goes silent
        for t in [a, b] {
            #expect(await S.eventually { t.liveMembers == ["a", "b"] }, "\(t.selfName): \(t.liveMembers)")
            #expect(t.counters.failovers == 1, "\(t.selfName): \(t.counters)")
            #expect(t.recentEvents.last { $0.node == "c" }?.kind == .died)
        }
        await Self.closeAll([a, b])
    }

    /// The sanity check that the timer fires on its own: after b stops, a receives nothing
    /// more, so only a's timer can take b out of its live set.
    @Test func theTimerNoticesASilentPeer() async throws {
        let a = try await S.start("a")
        let b = try await S.start("b")
        S.connectAll([a, b])
        let changes = a.liveMemberChanges()
        #expect(await S.first(of: changes) { $0 == ["a", "b"] } != nil)
        await b.close()
        #expect(await S.first(of: changes) { $0 == ["a"] } == ["a"])
        #expect(a.counters.maxTimerLateness >= .zero)
        await a.close()
    }

    @Test func aGracefulLeaveIsSeenAsALeaveNotATimeout() async throws {
        let transports = try await Self.trio()
        let (a, b, c) = (transports[0], transports[1], transports[2])
        await c.leave()
        #expect(c.liveMembers == ["a", "b"], "a node that left no longer counts itself")
        for t in [a, b] {
            #expect(await S.eventually { t.liveMembers == ["a", "b"] }, "\(t.selfName): \(t.liveMembers)")
            #expect(t.recentEvents.last { $0.node == "c" }?.kind == .left)
            #expect(t.counters.leaves == 1 && t.counters.failovers == 0, "\(t.selfName): \(t.counters)")
        }
        await Self.closeAll(transports)
    }

    @Test func forgedAndMalformedDatagramsAreCountedAndChangeNothing() async throws {
        let a = try await S.start("a")
        let b = try await S.start("b")
        S.connectAll([a, b])
        #expect(await S.eventually { a.liveMembers == ["a", "b"] })
        let attacker = try await PlainUDPSocket.bind()

        var rng = SystemRandomNumberGenerator()
        var random = (0..<100).map { _ in UInt8.random(in: 0...255, using: &rng) }
        random[0] = 0x00  // never the "IL" magic
        let forger = try MembershipCodec(key: S.wrongKey)
        let forged = forger.encode(
            MembershipMessage(
                kind: .leave, sender: "b", receiver: "a", incarnation: 1, sequence: 1 << 40, receiverIncarnation: 1,
                view: MemberView(of: ["b"])))
        let truncatedHeader = forged.getSlice(at: forged.readerIndex, length: 20) ?? ByteBuffer()
        let oversized = ByteBuffer(repeating: 0x49, count: 1500)

        for datagram in [ByteBuffer(bytes: random), truncatedHeader, forged, oversized] {
            try await attacker.send(datagram, to: a)
        }
        let expected: [MembershipDropReason: Int] = [.badMagic: 1, .truncated: 1, .authenticationFailed: 1, .oversized: 1]
        let counted = await S.eventually { expected.allSatisfy { a.counters.drops[$0.key] == $0.value } }
        #expect(counted, "\(a.counters)")
        #expect(a.liveMembers == ["a", "b"])
        #expect(a.recentEvents.allSatisfy { $0.kind == .joined }, "\(a.recentEvents)")
        await attacker.close()
        await a.close()
        await b.close()
    }

    @Test func aReplayedGenuineDatagramIsDroppedAsAReplay() async throws {
        let a = try await S.start("a")
        let b = try await S.start("b")
        let tap = try await PlainUDPSocket.bind()
        // b believes a lives at the tap: capture one genuine b -> a heartbeat.
        b.setPeers(["a": tap.address, "b": S.address(b)])
        #expect(await S.eventually { !tap.datagrams.isEmpty })
        let captured = try #require(tap.datagrams.first)
        // Now the real thing: a and b converge, then the recording is played to a.
        S.connectAll([a, b])
        #expect(await S.eventually { a.liveMembers == ["a", "b"] && b.liveMembers == ["a", "b"] })
        let before = a.counters.drops[.replayedSequence] ?? 0
        try await tap.send(captured, to: a)
        #expect(await S.eventually { a.counters.drops[.replayedSequence] == before + 1 }, "\(a.counters)")
        #expect(a.liveMembers == ["a", "b"])
        await tap.close()
        await a.close()
        await b.close()
    }

    /// A peer the kernel refuses to send to (an IPv6 address on an IPv4 socket) is counted as
    /// a send error; the socket stays open and the other peers are unaffected.
    @Test func sendErrorsAreCountedAndNeverCloseTheEndpoint() async throws {
        let a = try await S.start("a")
        let b = try await S.start("b")
        var peers = ["a": S.address(a), "b": S.address(b)]
        peers["ghost"] = PeerAddress(host: IPAddress(ipv6: 1), port: 9)
        a.setPeers(peers)
        b.setPeers(peers)
        #expect(await S.eventually { a.counters.sendErrors >= 3 }, "\(a.counters)")
        #expect(await S.eventually { a.liveMembers == ["a", "b"] && b.liveMembers == ["a", "b"] })
        await a.close()
        await b.close()
    }

    @Test func leaveAndCloseAreIdempotentAndNeverHang() async throws {
        let transports = try await Self.trio()
        let (a, b, c) = (transports[0], transports[1], transports[2])
        let stream = c.liveMemberChanges()
        await c.leave()
        await c.leave()
        let sentAfterLeave = c.counters.datagramsSent
        await c.close()
        await c.close()
        await c.leave()  // after close: nothing to do
        #expect(c.counters.datagramsSent == sentAfterLeave, "nothing is sent after leaving")
        // Every stream ends at close, including one taken afterwards (after yielding the last set).
        var seen = 0
        for await _ in stream { seen += 1 }
        #expect(seen >= 1)
        var late: [Set<String>] = []
        for await set in c.liveMemberChanges() { late.append(set) }
        #expect(late == [["a", "b"]])
        // Concurrent closes of a live transport, then close without leave.
        async let first: Void = a.close()
        async let second: Void = a.close()
        _ = await (first, second)
        await b.close()
        await b.leave()
    }
}
