import LBWire
import Testing

@testable import LBProtocols

/// The automatic restart after errors (RFC 4271 section 8.1.1 IdleHoldTimer,
/// DampPeerOscillations): doubling from the initial backoff to the maximum, reset once a session
/// has stayed Established for `stableTime`.
@Suite struct BGPSessionBackoffTests {
    static let config = BGPSessionConfiguration(
        localAS: 64512, peerAS: 64513, routerID: 1, holdTime: 30,
        initialBackoff: .seconds(1), maximumBackoff: .seconds(16), stableTime: .seconds(60))
    static let badOpen = BGPOpen(asNumber: 65000, holdTime: 90, identifier: 2, capabilities: [])
    static let goodOpen = BGPOpen(asNumber: 64513, holdTime: 90, identifier: 2, capabilities: [])

    /// Connects and gets rejected at `now`; returns how long the session waits before it
    /// connects again.
    static func failOnce(_ session: inout BGPSession, now: Duration) -> Duration? {
        _ = session.handle(.tcpConnectionSucceeded, now: now)
        let actions = session.handle(.messageReceived(.open(badOpen)), now: now)
        guard actions.contains(where: { if case .sessionDown = $0 { true } else { false } }),
            session.state == .idle, let deadline = session.nextDeadline
        else { return nil }
        // Nothing happens before the deadline; the restart happens at it.
        guard session.tick(now: deadline - .milliseconds(1)) == [],
            session.tick(now: deadline) == [.connect]
        else { return nil }
        return deadline - now
    }

    @Test func backoffDoublesUpToTheMaximum() {
        var session = BGPSession(configuration: Self.config)
        _ = session.handle(.manualStart, now: .zero)
        var now = Duration.zero
        var waits: [Duration] = []
        for _ in 0..<7 {
            now += .seconds(100)
            waits.append(Self.failOnce(&session, now: now) ?? .zero)
        }
        #expect(waits == [1, 2, 4, 8, 16, 16, 16].map { Duration.seconds($0) })
    }

    /// Brings a session in Connect to Established at `now`.
    static func establish(_ session: inout BGPSession, now: Duration) {
        _ = session.handle(.tcpConnectionSucceeded, now: now)
        _ = session.handle(.messageReceived(.open(goodOpen)), now: now)
        _ = session.handle(.messageReceived(.keepalive), now: now)
    }

    /// Keeps an Established session alive until `end` with a KEEPALIVE every 10 s.
    static func keepAlive(_ session: inout BGPSession, from start: Duration, to end: Duration) {
        var t = start
        while t < end {
            t += .seconds(10)
            _ = session.tick(now: t)
            _ = session.handle(.messageReceived(.keepalive), now: t)
        }
    }

    @Test func stableSessionResetsTheBackoff() {
        var session = BGPSession(configuration: Self.config)
        _ = session.handle(.manualStart, now: .zero)
        #expect(Self.failOnce(&session, now: .seconds(10)) == .seconds(1))
        #expect(Self.failOnce(&session, now: .seconds(20)) == .seconds(2))
        #expect(Self.failOnce(&session, now: .seconds(30)) == .seconds(4))
        // Up for only 20 s: the penalty stays and keeps growing.
        Self.establish(&session, now: .seconds(40))
        Self.keepAlive(&session, from: .seconds(40), to: .seconds(60))
        #expect(session.state == .established)
        let cease = BGPNotification(code: 6, subcode: 4)
        _ = session.handle(.messageReceived(.notification(cease)), now: .seconds(60))
        #expect(session.nextDeadline == .seconds(68))
        _ = session.tick(now: .seconds(68))
        // Up for 60 s: back to the initial backoff.
        Self.establish(&session, now: .seconds(70))
        Self.keepAlive(&session, from: .seconds(70), to: .seconds(130))
        #expect(session.state == .established)
        _ = session.handle(.messageReceived(.notification(cease)), now: .seconds(130))
        #expect(session.nextDeadline == .seconds(131))
        #expect(session.nextBackoff == .seconds(2))
    }

    @Test func manualStartSkipsTheBackoffAutomaticStartDoesNot() {
        var session = BGPSession(configuration: Self.config)
        _ = session.handle(.manualStart, now: .zero)
        #expect(Self.failOnce(&session, now: .seconds(10)) == .seconds(1))
        _ = session.handle(.tcpConnectionSucceeded, now: .seconds(20))
        _ = session.handle(.messageReceived(.open(Self.badOpen)), now: .seconds(20))
        #expect(session.nextDeadline == .seconds(22))
        #expect(session.handle(.automaticStart, now: .seconds(21)) == [])
        #expect(session.state == .idle)
        #expect(session.handle(.manualStart, now: .seconds(21)) == [.connect])
        #expect(session.state == .connect)
    }

    @Test func administrativeStopDoesNotRestart() {
        var session = BGPSession(configuration: Self.config)
        _ = session.handle(.manualStart, now: .zero)
        Self.establish(&session, now: .zero)
        _ = session.handle(.manualStop, now: .seconds(1))
        #expect(session.nextDeadline == nil)
        #expect(session.tick(now: .seconds(10_000)) == [])
        #expect(session.handle(.automaticStart, now: .seconds(10_000)) == [.connect])
    }
}
