import LBCore
import LBWire
import Testing

@testable import LBProtocols

/// Scripted event sequences: every transition of `BGPSession`, one table row per step, asserting
/// the state after the step and the actions it produced.
@Suite struct BGPSessionTests {
    static let localAS: UInt32 = 64512
    static let peerAS: UInt32 = 64513
    static let config = BGPSessionConfiguration(localAS: localAS, peerAS: peerAS, routerID: 1)
    static let peerOpen = BGPOpen(
        asNumber: peerAS, holdTime: 90, identifier: 2, capabilities: [.ipv4Unicast, .ipv6Unicast, .routeRefresh])
    static var ourOpen: BGPMessage { .open(config.open) }
    static let s = Duration.seconds

    enum Input {
        case event(BGPSessionEvent)
        case tick
    }

    /// One step: at time `at`, feed `input`, then expect `state`, and `actions` when not nil.
    struct Step {
        var at: Duration
        var input: Input
        var state: BGPSessionState
        var actions: [BGPSessionAction]?
        init(_ at: Duration, _ input: Input, _ state: BGPSessionState, _ actions: [BGPSessionAction]? = nil) {
            self.at = at
            self.input = input
            self.state = state
            self.actions = actions
        }
    }

    static func notification(_ code: UInt8, _ subcode: UInt8) -> BGPNotification {
        BGPNotification(code: code, subcode: subcode)
    }

    static func sentNotification(_ code: UInt8, _ subcode: UInt8) -> BGPSessionAction {
        .send(.notification(notification(code, subcode)))
    }

    @discardableResult
    static func run(_ steps: [Step], config: BGPSessionConfiguration = config, sourceLocation: SourceLocation = #_sourceLocation) -> BGPSession {
        var session = BGPSession(configuration: config)
        for (index, step) in steps.enumerated() {
            let actions: [BGPSessionAction] =
                switch step.input {
                case .event(let event): session.handle(event, now: step.at)
                case .tick: session.tick(now: step.at)
                }
            #expect(session.state == step.state, "step \(index)", sourceLocation: sourceLocation)
            if let expected = step.actions {
                #expect(actions == expected, "step \(index)", sourceLocation: sourceLocation)
            }
        }
        return session
    }

    /// Idle -> Connect -> OpenSent -> OpenConfirm -> Established, starting at time 0.
    static let toEstablished: [Step] = [
        Step(.zero, .event(.manualStart), .connect, [.connect]),
        Step(s(1), .event(.tcpConnectionSucceeded), .openSent, [.send(ourOpen)]),
        Step(s(2), .event(.messageReceived(.open(peerOpen))), .openConfirm, [.send(.keepalive)]),
        Step(s(3), .event(.messageReceived(.keepalive)), .established, nil),
    ]

    @Test func happyPathNegotiatesAndKeepsAlive() throws {
        let session = Self.run(
            Self.toEstablished + [
                // KeepaliveTimer armed at OPEN receipt (t=2) for 90/3 = 30 s.
                Step(Self.s(31), .tick, .established, []),
                Step(Self.s(32), .tick, .established, [.send(.keepalive)]),
                Step(Self.s(40), .event(.messageReceived(.update(.endOfRIB(.ipv4)))), .established, []),
                Step(Self.s(41), .event(.messageReceived(.routeRefresh(BGPRouteRefresh(afi: 1, safi: 1)))), .established, []),
                Step(Self.s(42), .event(.messageReceived(.keepalive)), .established, []),
            ])
        let n = try #require(session.negotiated)
        #expect(n.holdTime == 90)
        #expect(n.keepaliveInterval == .seconds(30))
        #expect(n.peerAS == Self.peerAS && n.peerRouterID == 2)
        #expect(n.fourOctetAS && n.ipv4Unicast && n.ipv6Unicast && n.routeRefresh)
        // Next KEEPALIVE at 32 + 30; the HoldTimer was restarted by the KEEPALIVE at t=42.
        #expect(session.nextDeadline == .seconds(62))
        var later = session
        #expect(later.tick(now: .seconds(131)) == [.send(.keepalive)])
        #expect(later.tick(now: .seconds(132)).first == Self.sentNotification(4, 0))
    }

    @Test func sendingAnUpdateRestartsTheKeepaliveTimer() {
        let session = Self.run(Self.toEstablished + [
            Step(Self.s(20), .event(.updateSent), .established, []),
            Step(Self.s(32), .tick, .established, []),
            Step(Self.s(50), .tick, .established, [.send(.keepalive)]),
        ])
        #expect(session.nextDeadline == .seconds(80))
    }

    @Test func establishedActionCarriesNegotiation() {
        var session = BGPSession(configuration: Self.config)
        _ = session.handle(.manualStart, now: .zero)
        _ = session.handle(.tcpConnectionSucceeded, now: .zero)
        let peer = BGPOpen(asNumber: Self.peerAS, holdTime: 30, identifier: 2, capabilities: [])
        _ = session.handle(.messageReceived(.open(peer)), now: .zero)
        let actions = session.handle(.messageReceived(.keepalive), now: .zero)
        let n = BGPNegotiatedSession(
            holdTime: 30, keepaliveInterval: .seconds(10), peerAS: Self.peerAS, peerRouterID: 2,
            fourOctetAS: true, ipv4Unicast: true, ipv6Unicast: false, routeRefresh: false,
            peerCapabilities: [.fourOctetAS(Self.peerAS)])
        #expect(actions == [.established(n)])
    }

    @Test func configuredKeepaliveOnlyShortens() {
        var config = Self.config
        config.keepaliveTime = 5
        var session = BGPSession(configuration: config)
        for e in [BGPSessionEvent.manualStart, .tcpConnectionSucceeded, .messageReceived(.open(Self.peerOpen))] {
            _ = session.handle(e, now: .zero)
        }
        #expect(session.negotiated?.keepaliveInterval == .seconds(5))
        config.keepaliveTime = 60
        #expect(BGPNegotiatedSession(configuration: config, peer: Self.peerOpen).keepaliveInterval == .seconds(30))
    }

    @Test func holdExpiryInEstablishedSendsHoldTimerExpired() {
        let session = Self.run(
            Self.toEstablished + [
                Step(Self.s(33), .tick, .established, [.send(.keepalive)]),
                Step(Self.s(93), .tick, .idle, [
                    Self.sentNotification(4, 0), .disconnect, .sessionDown(.holdTimerExpired),
                ]),
            ])
        #expect(session.lastDownReason == .holdTimerExpired)
        // Automatic restart after the initial backoff.
        #expect(session.nextDeadline == .seconds(94))
    }

    @Test func openSentUsesFourMinuteHoldTimer() {
        Self.run([
            Step(.zero, .event(.manualStart), .connect, [.connect]),
            Step(.zero, .event(.tcpConnectionSucceeded), .openSent, [.send(Self.ourOpen)]),
            Step(Self.s(239), .tick, .openSent, []),
            Step(Self.s(240), .tick, .idle, [Self.sentNotification(4, 0), .disconnect, .sessionDown(.holdTimerExpired)]),
        ])
    }

    @Test func connectRetryAndTCPFailures() {
        Self.run([
            Step(.zero, .event(.manualStart), .connect, [.connect]),
            // ConnectRetryTimer (5 s) in Connect: drop the attempt and try again.
            Step(Self.s(5), .tick, .connect, [.disconnect, .connect]),
            Step(Self.s(6), .event(.tcpConnectionFails), .active, []),
            Step(Self.s(10), .tick, .active, []),
            Step(Self.s(11), .tick, .connect, [.connect]),
            Step(Self.s(12), .event(.tcpConnectionFails), .active, []),
            // An inbound connection in Active.
            Step(Self.s(13), .event(.tcpConnectionConfirmed), .openSent, [.send(Self.ourOpen)]),
            Step(Self.s(14), .event(.tcpConnectionFails), .active, [.disconnect]),
            Step(Self.s(19), .tick, .connect, [.connect]),
        ])
    }

    @Test func passiveWaitsInActive() {
        var config = Self.config
        config.passive = true
        Self.run(
            [
                Step(.zero, .event(.manualStart), .active, []),
                Step(Self.s(5), .tick, .active, []),
                Step(Self.s(6), .event(.tcpConnectionConfirmed), .openSent, [.send(.open(config.open))]),
            ], config: config)
    }

    static func openErrorCase(_ open: BGPOpen, _ subcode: UInt8, config: BGPSessionConfiguration = config) {
        let steps = [
            Step(.zero, .event(.manualStart), .connect),
            Step(.zero, .event(.tcpConnectionSucceeded), .openSent),
            Step(.zero, .event(.messageReceived(.open(open))), .idle),
        ]
        let session = run(steps, config: config)
        guard case .notificationSent(let n, _) = session.lastDownReason else {
            Issue.record("expected notificationSent, got \(String(describing: session.lastDownReason))")
            return
        }
        #expect(n.code == 2 && n.subcode == subcode)
    }

    @Test func openValidation() {
        typealias S = BGPNotification.OpenSubcode
        let p = Self.peerOpen
        Self.openErrorCase(BGPOpen(asNumber: 65000, holdTime: 90, identifier: 2, capabilities: []), S.badPeerAS)
        Self.openErrorCase(BGPOpen(asNumber: Self.peerAS, holdTime: 1, identifier: 2, capabilities: []), S.unacceptableHoldTime)
        Self.openErrorCase(BGPOpen(asNumber: Self.peerAS, holdTime: 2, identifier: 2, capabilities: []), S.unacceptableHoldTime)
        Self.openErrorCase(BGPOpen(asNumber: Self.peerAS, holdTime: 90, identifier: 0, capabilities: []), S.badBGPIdentifier)
        // Our own identifier is bad from an internal peer only (RFC 6286 section 2.2).
        var ibgp = Self.config
        ibgp.peerAS = Self.localAS
        Self.openErrorCase(BGPOpen(asNumber: Self.localAS, holdTime: 90, identifier: 1, capabilities: []), S.badBGPIdentifier, config: ibgp)
        var v3 = p
        v3.version = 3
        Self.openErrorCase(v3, S.unsupportedVersionNumber)
    }

    @Test func fourOctetPeerAS() {
        var config = Self.config
        config.peerAS = 4_200_000_000
        // AS_TRANS in My AS plus the capability: accepted.
        let good = BGPOpen(asNumber: 4_200_000_000, holdTime: 90, identifier: 2, capabilities: [])
        #expect(good.myAS == BGPOpen.asTrans)
        var session = BGPSession(configuration: config)
        for e in [BGPSessionEvent.manualStart, .tcpConnectionSucceeded, .messageReceived(.open(good))] {
            _ = session.handle(e, now: .zero)
        }
        #expect(session.state == .openConfirm)
        // A 2-octet-only speaker can only say AS_TRANS: that is not the configured peer.
        let old = BGPOpen(myAS: BGPOpen.asTrans, holdTime: 90, identifier: 2, capabilities: [])
        Self.openErrorCase(old, BGPNotification.OpenSubcode.badPeerAS, config: config)
    }

    @Test func unexpectedMessagesAreFSMErrors() {
        let connectToOpenSent = Array(Self.toEstablished.prefix(2))
        Self.run(connectToOpenSent + [
            Step(Self.s(2), .event(.messageReceived(.keepalive)), .idle, [
                Self.sentNotification(5, 1), .disconnect,
                .sessionDown(.notificationSent(Self.notification(5, 1), reason: "KEEPALIVE in OpenSent")),
            ])
        ])
        Self.run(Array(Self.toEstablished.prefix(3)) + [
            Step(Self.s(3), .event(.messageReceived(.update(.endOfRIB(.ipv4)))), .idle, [
                Self.sentNotification(5, 2), .disconnect,
                .sessionDown(.notificationSent(Self.notification(5, 2), reason: "UPDATE in OpenConfirm")),
            ])
        ])
        Self.run(Self.toEstablished + [
            Step(Self.s(4), .event(.messageReceived(.open(Self.peerOpen))), .idle, [
                Self.sentNotification(5, 3), .disconnect,
                .sessionDown(.notificationSent(Self.notification(5, 3), reason: "OPEN in Established")),
            ])
        ])
        // A message with no connection (Connect/Active): straight to Idle, nothing sent.
        Self.run([
            Step(.zero, .event(.manualStart), .connect),
            Step(.zero, .event(.messageReceived(.keepalive)), .idle, [.disconnect, .sessionDown(.unexpectedEvent("message"))]),
        ])
    }

    @Test func notificationAndConnectionLoss() {
        let cease = Self.notification(6, 4)
        for prefix in [2, 3, 4] {
            Self.run(Array(Self.toEstablished.prefix(prefix)) + [
                Step(Self.s(5), .event(.messageReceived(.notification(cease))), .idle, [
                    .disconnect, .sessionDown(.notificationReceived(cease)),
                ])
            ])
        }
        for prefix in [3, 4] {
            Self.run(Array(Self.toEstablished.prefix(prefix)) + [
                Step(Self.s(5), .event(.tcpConnectionFails), .idle, [.disconnect, .sessionDown(.connectionLost)])
            ])
        }
    }

    @Test func decodeErrors() {
        let reset = BGPDecodeError(Self.notification(3, 1), action: .sessionReset, reason: "bad attribute list")
        Self.run(Self.toEstablished + [
            Step(Self.s(5), .event(.decodeError(reset)), .idle, [
                Self.sentNotification(3, 1), .disconnect,
                .sessionDown(.notificationSent(Self.notification(3, 1), reason: "bad attribute list")),
            ])
        ])
        let withdraw = BGPDecodeError(Self.notification(3, 6), action: .treatAsWithdraw, reason: "bad ORIGIN")
        let session = Self.run(Self.toEstablished + [Step(Self.s(50), .event(.decodeError(withdraw)), .established, [])])
        // The treat-as-withdraw UPDATE still restarted the HoldTimer (50 + 90 = 140, not 93).
        var later = session
        #expect(later.tick(now: Self.s(93)) == [.send(.keepalive)])
        #expect(later.state == .established)
        #expect(later.tick(now: Self.s(140)).first == Self.sentNotification(4, 0))
        #expect(later.state == .idle)
    }

    @Test func manualStop() {
        let cease = Self.sentNotification(6, 2)
        for prefix in [2, 3, 4] {
            let session = Self.run(Array(Self.toEstablished.prefix(prefix)) + [
                Step(Self.s(5), .event(.manualStop), .idle, [cease, .disconnect, .sessionDown(.administrativeStop)])
            ])
            #expect(session.nextDeadline == nil)
        }
        Self.run([
            Step(.zero, .event(.manualStart), .connect),
            Step(.zero, .event(.manualStop), .idle, [.disconnect, .sessionDown(.administrativeStop)]),
            Step(Self.s(100), .tick, .idle, []),
            Step(Self.s(100), .event(.manualStop), .idle, []),
            Step(Self.s(101), .event(.manualStart), .connect, [.connect]),
            Step(Self.s(101), .event(.manualStart), .connect, []),
        ])
    }

    @Test func collisionDumpSendsCeaseAndStaysDown() {
        let session = Self.run(Array(Self.toEstablished.prefix(3)) + [
            Step(Self.s(3), .event(.collisionDump), .idle, [
                Self.sentNotification(6, 7), .disconnect, .sessionDown(.collisionLost),
            ]),
            Step(Self.s(300), .tick, .idle, []),
        ])
        #expect(session.nextDeadline == nil)
    }

    @Test func holdTimeZeroRunsNoTimers() {
        var config = Self.config
        config.holdTime = 0
        var peer = Self.peerOpen
        peer.holdTime = 0
        var session = BGPSession(configuration: config)
        for e in [BGPSessionEvent.manualStart, .tcpConnectionSucceeded, .messageReceived(.open(peer)), .messageReceived(.keepalive)] {
            _ = session.handle(e, now: .zero)
        }
        #expect(session.state == .established)
        #expect(session.negotiated?.holdTime == 0 && session.negotiated?.keepaliveInterval == nil)
        #expect(session.nextDeadline == nil)
        #expect(session.tick(now: .seconds(100_000)) == [])
        // Ours 0, theirs 90: the smaller (0) wins too.
        #expect(BGPNegotiatedSession(configuration: config, peer: Self.peerOpen).holdTime == 0)
    }

    @Test func configurationClampsHoldTime() {
        #expect(BGPSessionConfiguration(localAS: 1, peerAS: 2, routerID: 1, holdTime: 2).holdTime == 3)
        #expect(BGPSessionConfiguration(localAS: 1, peerAS: 2, routerID: 1, holdTime: 0).holdTime == 0)
        #expect(BGPSessionDownReason.holdTimerExpired.description == "hold timer expired")
    }
}
