import LBTestSupport
import LBCore
import Testing

@testable import LBProtocols

/// A fake clock's instant: time since the test started, moved only by the test.
struct Layer2FakeInstant: InstantProtocol {
    var sinceStart: Duration

    static func ms(_ n: Int) -> Layer2FakeInstant { Layer2FakeInstant(sinceStart: .milliseconds(n)) }
    func advanced(by duration: Duration) -> Layer2FakeInstant { Layer2FakeInstant(sinceStart: sinceStart + duration) }
    func duration(to other: Layer2FakeInstant) -> Duration { other.sinceStart - sinceStart }
    static func < (a: Layer2FakeInstant, b: Layer2FakeInstant) -> Bool { a.sinceStart < b.sinceStart }
}

@Suite struct Layer2GratuitousScheduleTests {
    typealias Schedule = GratuitousSchedule<Layer2FakeInstant>
    typealias T = Layer2FakeInstant
    let v4 = layer2Addr("192.0.2.10")
    let v6 = layer2Addr("2001:db8::10")

    /// Follows the schedule as a caller would: sleep until `nextDeadline`, send what is due.
    /// Returns (time in ms, address, round) for every announcement until nothing is left.
    func run(_ schedule: inout Schedule, limit: Int = 100) -> [(Int, IPAddress, Int)] {
        var out: [(Int, IPAddress, Int)] = []
        var steps = 0
        while let deadline = schedule.nextDeadline, steps < limit {
            steps += 1
            for a in schedule.due(at: deadline) {
                out.append((Int(deadline.sinceStart / .milliseconds(1)), a.ip, a.round))
            }
        }
        return out
    }

    @Test func ipv4SeriesIsImmediateThenQuarterOneTwoFourSeconds() {
        var s = Schedule()
        s.took(v4, at: .ms(0))
        #expect(s.isAnnouncing(v4))
        let series = run(&s)
        #expect(series.map(\.0) == [0, 250, 1000, 2000, 4000])
        #expect(series.map(\.2) == [0, 1, 2, 3, 4])
        #expect(series.allSatisfy { $0.1 == v4 })
        #expect(!s.isAnnouncing(v4) && s.heldIPs == [v4] && s.nextDeadline == nil)
    }

    /// RFC 4861 sections 7.2.6/10: at most 3 unsolicited NAs, at least RetransTimer (1 s) apart.
    @Test func ipv6SeriesRespectsMaxNeighborAdvertisement() {
        var s = Schedule()
        s.took(v6, at: .ms(500))
        let series = run(&s)
        #expect(series.map(\.0) == [500, 1500, 2500])
        #expect(series.count <= 3)
        #expect(zip(series, series.dropFirst()).allSatisfy { $1.0 - $0.0 >= 1000 })
    }

    @Test func nothingIsDueBeforeItsTime() {
        var s = Schedule()
        s.took(v4, at: .ms(1000))
        #expect(s.due(at: .ms(999)).isEmpty)
        #expect(s.due(at: .ms(1000)) == [GratuitousAnnouncement(ip: v4, round: 0)])
        #expect(s.due(at: .ms(1000)).isEmpty, "a round is announced once")
        #expect(s.nextDeadline == .ms(1250))
        #expect(s.due(at: .ms(1249)).isEmpty)
        #expect(s.due(at: .ms(1250)) == [GratuitousAnnouncement(ip: v4, round: 1)])
    }

    /// Losing the address stops the series at once, whatever was still to come.
    @Test func stopsAtOnceWhenTheAddressIsLost() {
        var s = Schedule()
        s.took(v4, at: .ms(0))
        _ = s.due(at: .ms(0))
        _ = s.due(at: .ms(250))
        s.lost(v4)
        #expect(!s.isAnnouncing(v4) && s.heldIPs.isEmpty)
        #expect(s.nextDeadline == nil)
        #expect(s.due(at: .ms(10_000)).isEmpty)
        // Lost before even the first round: nothing at all.
        var t = Schedule()
        t.took(v6, at: .ms(0))
        t.lost(v6)
        #expect(t.due(at: .ms(0)).isEmpty)
        t.lost(v6)  // losing twice is harmless
    }

    /// Taking an address already held changes nothing (a reconcile loop may repeat it); a
    /// takeover after a loss starts again from the new time.
    @Test func takingTwiceIsIdempotentRetakingRestarts() {
        var s = Schedule()
        s.took(v4, at: .ms(0))
        _ = s.due(at: .ms(0))
        s.took(v4, at: .ms(100))
        #expect(s.nextDeadline == .ms(250))
        _ = run(&s)
        s.took(v4, at: .ms(9000))
        #expect(s.nextDeadline == nil, "finished and still held: no new series")

        s.lost(v4)
        s.took(v4, at: .ms(9000))
        #expect(run(&s).map(\.0) == [9000, 9250, 10_000, 11_000, 13_000])
    }

    /// A late caller gets one announcement standing for every round it missed.
    @Test func lateCallerGetsOneAnnouncement() {
        var s = Schedule()
        s.took(v4, at: .ms(0))
        #expect(s.due(at: .ms(2500)) == [GratuitousAnnouncement(ip: v4, round: 3)])
        #expect(s.nextDeadline == .ms(4000))
        #expect(s.due(at: .ms(60_000)) == [GratuitousAnnouncement(ip: v4, round: 4)])
        #expect(s.nextDeadline == nil)
    }

    @Test func severalAddressesInterleave() {
        var s = Schedule()
        let other = layer2Addr("192.0.2.11")
        s.took(v6, at: .ms(0))
        s.took(other, at: .ms(100))
        s.took(v4, at: .ms(0))
        #expect(s.due(at: .ms(0)) == [GratuitousAnnouncement(ip: v4, round: 0), GratuitousAnnouncement(ip: v6, round: 0)])
        #expect(s.nextDeadline == .ms(100))
        let rest = run(&s)
        #expect(rest.filter { $0.1 == other }.map(\.0) == [100, 350, 1100, 2100, 4100])
        #expect(rest.filter { $0.1 == v4 }.map(\.0) == [250, 1000, 2000, 4000])
        #expect(rest.filter { $0.1 == v6 }.map(\.0) == [1000, 2000])
        #expect(rest.map(\.0) == rest.map(\.0).sorted())
    }

    @Test func customTimingIsSorted() {
        let timing = GratuitousTiming(ipv4: [.seconds(3), .zero, .seconds(1)], ipv6: [])
        #expect(timing.ipv4 == [.zero, .seconds(1), .seconds(3)])
        var s = Schedule(timing: timing)
        s.took(v4, at: .ms(0))
        s.took(v6, at: .ms(0))
        #expect(!s.isAnnouncing(v6), "no IPv6 rounds configured")
        #expect(run(&s).map(\.0) == [0, 1000, 3000])
        #expect(GratuitousTiming.default.offsets(for: .ipv6) == [.zero, .seconds(1), .seconds(2)])
    }

    /// Random takes, losses and clock jumps (seeded): an address is announced only while held,
    /// never before its deadline, and at most once per round of its series.
    @Test func randomSequencesKeepTheInvariants() {
        var rng = SplitMix64(seed: 0x1B_2A_0006)
        let ips = [v4, v6, layer2Addr("192.0.2.11"), layer2Addr("2001:db8::11")]
        for _ in 0..<200 {
            var s = Schedule()
            var now = 0
            var held: [IPAddress: (since: Int, rounds: Set<Int>)] = [:]
            for _ in 0..<60 {
                let ip = ips[Int.random(in: 0..<ips.count, using: &rng)]
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:
                    s.took(ip, at: .ms(now))
                    if held[ip] == nil { held[ip] = (now, []) }
                case 1:
                    s.lost(ip)
                    held[ip] = nil
                default:
                    now += Int.random(in: 0...1500, using: &rng)
                }
                for a in s.due(at: .ms(now)) {
                    guard let h = held[a.ip] else {
                        Issue.record("announced \(a.ip) while not held")
                        continue
                    }
                    let offset = GratuitousTiming.default.offsets(for: a.ip.family)[a.round]
                    #expect(.milliseconds(h.since) + offset <= .milliseconds(now))
                    #expect(!h.rounds.contains(a.round))
                    held[a.ip]?.rounds.insert(a.round)
                }
                #expect(s.heldIPs == Set(held.keys))
                if let deadline = s.nextDeadline { #expect(deadline > .ms(now)) }
            }
        }
    }
}
