import LBTestSupport
import NIOCore
import PropertyBased
import Testing

@testable import LBProtocols

/// Random schedules, reproduced from their seed: loss, delay, reordering, duplication, a
/// crash, a restart, a graceful leave, and an attacker replaying delivered datagrams.
@Suite struct SplitMix64ScheduleTests {
    static let config = MembershipConfig()
    static let codec = try! MembershipCodec(key: MembershipSimulation.key)

    /// Safety under chaos: a crashed node is gone from every view within deadAfter of its last
    /// datagram's arrival, replays never make anyone live, and once the network calms down all
    /// survivors agree on exactly the running set.
    @Test func chaosThenCalmConverges() async {
        await propertyCheck(
            count: 40, input: Gen.uint64(), Gen.int(in: 3...6), Gen.int(in: 0...15), Gen.int(in: 0...20),
            Gen.int(in: 0...40)
        ) { seed, count, loss, dup, jitter in
            var rng = SplitMix64(seed: seed)
            let names = (1...count).map { "s\($0)" }
            var sim = MembershipSimulation(names: names, config: Self.config, seed: seed)
            sim.lossPercent = loss
            sim.duplicatePercent = dup
            sim.maxExtraDelay = .milliseconds(jitter)
            for n in names {
                sim.start(n)
                sim.run(for: .milliseconds(Int.random(in: 0...60, using: &rng)))
            }
            sim.run(for: .milliseconds(500))

            let victim = names[Int.random(in: 0..<count, using: &rng)]
            let leaver = names.filter { $0 != victim }[Int.random(in: 0..<(count - 1), using: &rng)]
            let bystanders = names.filter { $0 != victim && $0 != leaver }
            let crashAt = sim.now
            sim.crash(victim)
            for _ in 0..<70 {
                sim.run(for: .milliseconds(10))
                Self.replay(&sim, &rng, times: 3)
            }
            // Its last datagram arrived by crashAt + delays; deadAfter after that it is gone.
            let bound = crashAt + sim.baseDelay + sim.maxExtraDelay + Self.config.deadAfter
            for b in names where b != victim {
                #expect(!sim.live(b, at: bound).contains(victim), "\(b) still counts \(victim) live at \(bound)")
            }
            let restart = rng.chance(50)
            if restart { sim.start(victim, incarnation: 2) }
            let leaveAt = sim.now
            sim.leave(leaver)
            for _ in 0..<50 {
                sim.run(for: .milliseconds(10))
                Self.replay(&sim, &rng, times: 3)
            }
            let leaveBound = leaveAt + sim.baseDelay + sim.maxExtraDelay + Self.config.deadAfter
            for b in bystanders { #expect(!sim.live(b, at: leaveBound).contains(leaver)) }

            sim.lossPercent = 0
            sim.duplicatePercent = 0
            sim.maxExtraDelay = .zero
            sim.run(for: .seconds(1))
            let running = Set(sim.nodes.keys)
            #expect(running == Set(bystanders + (restart ? [victim] : [])))
            for n in running {
                #expect(sim.live(n) == running, "\(n)")
                #expect(sim.nodes[n]?.peersWithDifferentView == [], "\(n)")
            }
        }
    }

    /// Delay, reordering and duplication without loss never kill anyone: heartbeats 100 ms apart
    /// delayed by up to 150 ms still arrive at most 250 ms apart, inside deadAfter (350 ms).
    @Test func reorderingAndDuplicatesAreHarmless() async {
        await propertyCheck(count: 30, input: Gen.uint64(), Gen.int(in: 2...5), Gen.int(in: 0...50), Gen.int(in: 0...150)) {
            seed, count, dup, jitter in
            let names = (1...count).map { "s\($0)" }
            var sim = MembershipSimulation(names: names, config: Self.config, seed: seed)
            for n in names { sim.start(n) }
            sim.run(for: .milliseconds(500))
            let settled = sim.changes.mapValues(\.count)
            sim.duplicatePercent = dup
            sim.maxExtraDelay = .milliseconds(jitter)
            sim.run(for: .seconds(3))
            #expect(sim.changes.mapValues(\.count) == settled)
            for n in names {
                #expect(sim.live(n) == Set(names))
                #expect(sim.nodes[n]?.events.contains { $0.kind == .died } == false)
            }
        }
    }

    /// Replays `times` datagrams that were already delivered once, each to a random running
    /// node: a heartbeat is never accepted again, and nothing ever makes a node live.
    static func replay(_ sim: inout MembershipSimulation, _ rng: inout SplitMix64, times: Int) {
        guard !sim.delivered.isEmpty, !sim.nodes.isEmpty else { return }
        for _ in 0..<times {
            let d = sim.delivered[Int.random(in: 0..<sim.delivered.count, using: &rng)]
            let targets = sim.nodes.keys.sorted()
            let target = rng.chance(50) && sim.nodes[d.to] != nil ? d.to : targets[Int.random(in: 0..<targets.count, using: &rng)]
            let before = sim.live(target)
            let result = sim.inject(d.bytes, to: target)
            if case .success(let m) = codec.decode(d.bytes), m.kind == .heartbeat, case .accepted = result {
                Issue.record("replayed heartbeat \(m.sender)->\(m.receiver) #\(m.sequence) accepted by \(target)")
            }
            #expect(sim.live(target).isSubset(of: before))
        }
    }
}
