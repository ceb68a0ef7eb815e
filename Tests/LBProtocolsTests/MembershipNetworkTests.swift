import NIOCore
import Testing

@testable import LBProtocols

/// Several speakers over the simulated network: convergence, crash detection, graceful leave,
/// restarts, partitions, and attackers replaying everything they saw.
@Suite struct MembershipNetworkTests {
    static let names = ["n1", "n2", "n3", "n4", "n5"]
    static let config = MembershipConfig()

    static func converged(seed: UInt64 = 1) -> MembershipSimulation {
        var sim = MembershipSimulation(names: names, config: config, seed: seed)
        for (i, n) in names.enumerated() {
            sim.start(n)
            sim.run(for: .milliseconds(17 * (i + 1)))  // staggered starts
        }
        sim.run(for: .milliseconds(500))
        return sim
    }

    @Test func allConvergeOnTheSameLiveSet() {
        let sim = Self.converged()
        for n in Self.names {
            #expect(sim.live(n) == Set(Self.names), "\(n)")
            #expect(sim.nodes[n]?.peersWithDifferentView == [], "\(n)")
            #expect(sim.nodes[n]?.peers.allSatisfy { $0.status == .alive } == true)
        }
    }

    /// b's first heartbeat (echo 0) gets an immediate answer from a, which b accepts and
    /// answers in turn: both count each other within two round trips, not one interval.
    @Test func joiningTakesTwoRoundTrips() {
        var sim = MembershipSimulation(names: ["a", "b"], config: Self.config)
        sim.start("a")
        sim.run(for: .milliseconds(50))
        sim.start("b")
        sim.run(for: sim.baseDelay * 3)
        #expect(sim.live("b") == ["a", "b"])
        #expect(sim.live("a") == ["a", "b"])
    }

    /// A speaker that stops dead is dropped by everyone within deadAfter + one interval, and
    /// not before deadAfter minus one interval (it may have sent its last heartbeat just then).
    @Test func aCrashIsDetectedByAllWithinTheWindow() {
        var sim = Self.converged()
        sim.run(for: .milliseconds(37))
        let crashAt = sim.now
        sim.crash("n3")
        sim.run(for: .seconds(1))
        for n in Self.names where n != "n3" {
            guard let at = sim.removal(of: "n3", seenBy: n, after: crashAt) else {
                Issue.record("\(n) never dropped n3")
                continue
            }
            let delay = at - crashAt
            #expect(delay <= Self.config.deadAfter + Self.config.interval, "\(n): \(delay)")
            #expect(delay >= Self.config.deadAfter - Self.config.interval, "\(n): \(delay)")
            #expect(sim.live(n) == Set(Self.names).subtracting(["n3"]))
            #expect(sim.nodes[n]?.events.last { $0.node == "n3" }?.kind == .died)
        }
    }

    /// A graceful leave is seen by every peer at the next delivery: no waiting for deadAfter.
    @Test func aGracefulLeaveIsSeenAtOnce() {
        var sim = Self.converged()
        let leaveAt = sim.now
        sim.leave("n2")
        sim.run(for: sim.baseDelay)
        for n in Self.names where n != "n2" {
            #expect(sim.live(n) == Set(Self.names).subtracting(["n2"]), "\(n)")
            #expect(sim.removal(of: "n2", seenBy: n, after: leaveAt) == leaveAt + sim.baseDelay)
            #expect(sim.nodes[n]?.events.last?.kind == .left)
        }
        // The other copies change nothing and are counted as such.
        sim.run(for: .milliseconds(10))
        for n in Self.names where n != "n2" {
            #expect(sim.nodes[n]?.dropCounts[.alreadyLeft] == Self.config.leaveCopies - 1)
        }
    }

    @Test func aLeaveSurvivesLosingAllButOneCopy() {
        var sim = Self.converged()
        var leavesSeen: [String: Int] = [:]
        sim.dropFilter = { d in
            guard d.from == "n2" else { return false }
            leavesSeen[d.to, default: 0] += 1
            return leavesSeen[d.to]! < 3  // lose the first two copies to every peer
        }
        sim.leave("n2")
        sim.run(for: sim.baseDelay)
        for n in Self.names where n != "n2" { #expect(!sim.live(n).contains("n2"), "\(n)") }
    }

    @Test func aRestartedNodeRejoinsWithAHigherIncarnation() {
        var sim = Self.converged()
        sim.crash("n4")
        sim.run(for: .seconds(1))
        #expect(!sim.live("n1").contains("n4"))
        sim.start("n4", incarnation: 2)
        sim.run(for: .milliseconds(250))
        for n in Self.names { #expect(sim.live(n) == Set(Self.names), "\(n)") }
        let last = sim.nodes["n1"]?.events.last { $0.node == "n4" }
        #expect(last?.kind == .joined && last?.incarnation == 2)
        #expect(sim.nodes["n1"]?.peers.first { $0.name == "n4" }?.incarnation == 2)
    }

    /// A restart quicker than the failure detector never drops the node: peers see `restarted`.
    @Test func aQuickRestartIsNotADeath() {
        var sim = Self.converged()
        let at = sim.now
        sim.crash("n4")
        sim.start("n4", incarnation: 2)
        sim.run(for: .seconds(1))
        for n in Self.names where n != "n4" {
            #expect(sim.removal(of: "n4", seenBy: n, after: at) == nil, "\(n)")
            let kinds = sim.nodes[n]?.events.filter { $0.node == "n4" }.map(\.kind)
            #expect(kinds == [.joined, .restarted], "\(n)")
        }
        #expect(sim.live("n4") == Set(Self.names))
    }

    @Test func aPartitionSplitsTheViewsAndHeals() {
        var sim = Self.converged()
        let left = ["n1", "n2"]
        let right = ["n3", "n4", "n5"]
        for a in left { for b in right { sim.blocked.formUnion([[a, b], [b, a]]) } }
        sim.run(for: .seconds(1))
        for n in left { #expect(sim.live(n) == Set(left)) }
        for n in right { #expect(sim.live(n) == Set(right)) }
        sim.blocked = []
        sim.run(for: .milliseconds(300))
        for n in Self.names { #expect(sim.live(n) == Set(Self.names)) }
    }

    /// n1 stops hearing n5 (but n5 still hears n1): n1's view lacks n5, and n5 sees that n1's
    /// view differs from its own, so the partition is visible from both sides.
    @Test func aOneWayPartitionIsVisibleInTheViews() {
        var sim = Self.converged()
        sim.blocked = [["n5", "n1"]]
        sim.run(for: .seconds(1))
        #expect(sim.live("n1") == ["n1", "n2", "n3", "n4"])
        #expect(sim.live("n5") == Set(Self.names))
        #expect(sim.nodes["n5"]?.peersWithDifferentView == ["n1"])
        #expect(sim.nodes["n2"]?.peersWithDifferentView == ["n1"])
        #expect(sim.nodes["n1"]?.peersWithDifferentView == ["n2", "n3", "n4"])
    }

    /// An attacker who recorded every datagram replays all of them to every node, after a crash:
    /// the crashed node stays dead and nothing else changes.
    @Test func replayingEverythingChangesNothing() {
        var sim = Self.converged()
        sim.crash("n3")
        sim.run(for: .seconds(1))
        let before = Self.names.map { sim.live($0) }
        let recorded = sim.sent
        for d in recorded {
            for target in Self.names where sim.nodes[target] != nil {
                let r = sim.inject(d.bytes, to: target)
                #expect(r?.dropReason != nil, "replay of \(d.from)->\(d.to) accepted by \(target)")
            }
        }
        sim.run(for: .milliseconds(1))
        #expect(Self.names.map { sim.live($0) } == before)
    }

    /// A recording replayed to a node that restarted echoes its old incarnation: it teaches the
    /// sender's incarnation but is not proof of life, so a dead node is not revived.
    @Test func replayingToARestartedNodeDoesNotReviveTheDead() {
        var sim = Self.converged()
        let recordedFromN3 = sim.sent.filter { $0.from == "n3" && $0.to == "n1" }
        sim.crash("n3")
        sim.crash("n1")
        sim.start("n1", incarnation: 2)
        sim.run(for: .milliseconds(5))
        for d in recordedFromN3.suffix(3) {
            let r = sim.inject(d.bytes, to: "n1")
            #expect(r.map { if case .handshake = $0 { true } else { $0.dropReason == .replayedSequence } } == true)
        }
        #expect(!sim.live("n1").contains("n3"))
        sim.run(for: .seconds(1))
        #expect(sim.live("n1") == ["n1", "n2", "n4", "n5"])
    }
}
