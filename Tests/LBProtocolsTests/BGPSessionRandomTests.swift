import LBCore
import LBTestSupport
import LBWire
import Testing

@testable import LBProtocols

/// Random event sequences (seeded, so a failure names its seed): the session never traps,
/// never sends without a connection, and its state and timers stay consistent.
@Suite struct BGPSessionRandomTests {
    static let config = BGPSessionConfiguration(
        localAS: 64512, peerAS: 64513, routerID: 1, holdTime: 9, connectRetryTime: .seconds(2),
        initialBackoff: .seconds(1), maximumBackoff: .seconds(8), stableTime: .seconds(5))

    static let events: [BGPSessionEvent] = {
        let good = BGPOpen(asNumber: 64513, holdTime: 9, identifier: 2, capabilities: [])
        let zeroHold = BGPOpen(asNumber: 64513, holdTime: 0, identifier: 2, capabilities: [])
        let badAS = BGPOpen(asNumber: 1, holdTime: 9, identifier: 2, capabilities: [])
        let ownID = BGPOpen(asNumber: 64513, holdTime: 9, identifier: 1, capabilities: [])
        let notification = BGPNotification(code: 6, subcode: 2)
        let reset = BGPDecodeError(BGPNotification(code: 1, subcode: 2), reason: "bad length")
        let withdraw = BGPDecodeError(BGPNotification(code: 3, subcode: 6), action: .treatAsWithdraw, reason: "origin")
        return [
            .manualStart, .manualStop, .automaticStart, .tcpConnectionSucceeded, .tcpConnectionConfirmed,
            .tcpConnectionFails, .messageReceived(.open(good)), .messageReceived(.open(good)),
            .messageReceived(.open(zeroHold)), .messageReceived(.open(badAS)), .messageReceived(.open(ownID)),
            .messageReceived(.keepalive), .messageReceived(.keepalive), .messageReceived(.keepalive),
            .messageReceived(.update(.endOfRIB(.ipv4))), .messageReceived(.routeRefresh(BGPRouteRefresh(afi: 1, safi: 1))),
            .messageReceived(.notification(notification)), .decodeError(reset), .decodeError(withdraw), .collisionDump,
            .updateSent,
        ]
    }()

    /// Checks one step: sends only while a connection is up (connected before the event, or
    /// brought up by it), nothing after a disconnect, and Idle/connected states match the actions.
    static func check(
        before: BGPSessionState, event: BGPSessionEvent?, actions: [BGPSessionAction], after: BGPSession, seed: UInt64
    ) {
        let connectionEvent = event == .tcpConnectionSucceeded || event == .tcpConnectionConfirmed
        var connected = before.isConnected || (connectionEvent && (before == .connect || before == .active))
        for action in actions {
            switch action {
            case .send: #expect(connected, "seed \(seed): send while not connected in \(before) on \(String(describing: event))")
            case .disconnect: connected = false
            case .established: #expect(after.state == .established, "seed \(seed)")
            default: break
            }
        }
        if after.state.isConnected {
            #expect(connected, "seed \(seed): \(after.state) without a connection")
        }
        #expect((after.negotiated != nil) == (after.state == .openConfirm || after.state == .established), "seed \(seed)")
        if let deadline = after.nextDeadline, after.state == .idle {
            // In Idle only the backoff runs.
            #expect(deadline >= .zero, "seed \(seed)")
        }
        if after.state == .openSent || after.state == .established && after.negotiated?.holdTime != 0 {
            #expect(after.nextDeadline != nil, "seed \(seed): \(after.state) without a HoldTimer")
        }
    }

    @Test(arguments: 0..<64)
    func randomSequencesKeepTheInvariants(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var session = BGPSession(configuration: Self.config)
        var now = Duration.zero
        for _ in 0..<400 {
            now += .milliseconds(Int.random(in: 0...3000, using: &rng))
            let before = session.state
            if Bool.random(using: &rng) {
                let actions = session.tick(now: now)
                Self.check(before: before, event: nil, actions: actions, after: session, seed: seed)
            } else {
                let event = Self.events.randomElement(using: &rng) ?? .manualStart
                let actions = session.handle(event, now: now)
                Self.check(before: before, event: event, actions: actions, after: session, seed: seed)
            }
            // A deadline in the past is always handled by the next tick.
            if let deadline = session.nextDeadline, deadline <= now {
                let before = session.state
                let actions = session.tick(now: now)
                Self.check(before: before, event: nil, actions: actions, after: session, seed: seed)
                #expect(session.nextDeadline.map { $0 > now } ?? true, "seed \(seed): timer not re-armed")
            }
        }
    }

    /// Every state is reachable by random sequences: the generator is not stuck in Idle.
    @Test func randomSequencesVisitEveryState() {
        var seen: Set<BGPSessionState> = []
        var rng = SplitMix64(seed: 42)
        var session = BGPSession(configuration: Self.config)
        var now = Duration.zero
        for _ in 0..<5000 {
            now += .milliseconds(Int.random(in: 0...1000, using: &rng))
            _ = session.tick(now: now)
            _ = session.handle(Self.events.randomElement(using: &rng) ?? .manualStart, now: now)
            seen.insert(session.state)
        }
        #expect(seen == Set(BGPSessionState.allCases))
    }
}
