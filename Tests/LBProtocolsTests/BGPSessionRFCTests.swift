import LBCore
import LBWire
import NIOCore
import Testing

@testable import LBProtocols

/// RFC 4271 section 8 behaviours checked state by state: NOTIFICATION received in every state,
/// unexpected messages (RFC 6608 subcodes), the HoldTimer in every connected state, hold-time
/// negotiation, and OPEN checks (RFC 6286, RFC 5492).
@Suite struct BGPSessionRFCTests {
    typealias Step = BGPSessionTests.Step
    static let s = Duration.seconds
    static let config = BGPSessionTests.config
    static let peerOpen = BGPSessionTests.peerOpen
    static let toEstablished = BGPSessionTests.toEstablished

    /// A session driven to `state` (Idle after a session went down, for `.idle`).
    static func session(in state: BGPSessionState, config: BGPSessionConfiguration = config) -> BGPSession {
        var session = BGPSession(configuration: config)
        var events: [BGPSessionEvent] = []
        switch state {
        case .idle: events = [.manualStart, .tcpConnectionSucceeded, .messageReceived(.notification(BGPNotification(code: 6, subcode: 4)))]
        case .connect: events = [.manualStart]
        case .active: events = [.manualStart, .tcpConnectionFails]
        case .openSent: events = [.manualStart, .tcpConnectionSucceeded]
        case .openConfirm: events = [.manualStart, .tcpConnectionSucceeded, .messageReceived(.open(peerOpen))]
        case .established: events = [.manualStart, .tcpConnectionSucceeded, .messageReceived(.open(peerOpen)), .messageReceived(.keepalive)]
        }
        for event in events { _ = session.handle(event, now: .zero) }
        #expect(session.state == state)
        return session
    }

    static func sentNotifications(_ actions: [BGPSessionAction]) -> [BGPNotification] {
        actions.compactMap { if case .send(.notification(let n)) = $0 { n } else { nil } }
    }

    /// RFC 4271 section 8.2.2: a NOTIFICATION closes the connection and goes to Idle without
    /// answering it; in Idle nothing happens at all (no second "down", no longer backoff).
    @Test(arguments: BGPSessionState.allCases)
    func notificationReceivedInEachState(_ state: BGPSessionState) {
        var session = Self.session(in: state)
        let before = (session.nextDeadline, session.nextBackoff, session.lastDownReason)
        let cease = BGPNotification.administrativeShutdown(communication: "bye")
        let actions = session.handle(.messageReceived(.notification(cease)), now: Self.s(1))
        #expect(session.state == .idle)
        #expect(Self.sentNotifications(actions).isEmpty, "a NOTIFICATION is never answered with one")
        switch state {
        case .idle:
            #expect(actions.isEmpty)
            #expect(session.nextDeadline == before.0 && session.nextBackoff == before.1 && session.lastDownReason == before.2)
        case .connect, .active:
            #expect(actions.last == .sessionDown(.unexpectedEvent("NOTIFICATION")))
        case .openSent, .openConfirm, .established:
            #expect(actions == [.disconnect, .sessionDown(.notificationReceived(cease))])
            #expect(session.lastDownReason?.description == "peer sent NOTIFICATION 6/2 Cease / Administrative Shutdown: \"bye\"")
        }
    }

    /// RFC 6608 section 3: any message but OPEN in OpenSent is FSM Error / 1; any but KEEPALIVE
    /// (or NOTIFICATION) in OpenConfirm is FSM Error / 2; OPEN in Established is FSM Error / 3.
    @Test(arguments: [
        (BGPSessionState.openSent, BGPMessage.keepalive, 1),
        (.openSent, .update(.endOfRIB(.ipv4)), 1),
        (.openSent, .routeRefresh(BGPRouteRefresh(afi: 1, safi: 1)), 1),
        (.openConfirm, .open(peerOpen), 2),
        (.openConfirm, .update(.endOfRIB(.ipv6)), 2),
        (.openConfirm, .routeRefresh(BGPRouteRefresh(afi: 2, safi: 1)), 2),
        (.established, .open(peerOpen), 3),
    ] as [(BGPSessionState, BGPMessage, UInt8)])
    func unexpectedMessageIsFSMError(_ state: BGPSessionState, _ message: BGPMessage, _ subcode: UInt8) {
        var session = Self.session(in: state)
        let actions = session.handle(.messageReceived(message), now: Self.s(1))
        let expected = BGPNotification(code: 5, subcode: subcode)
        #expect(Self.sentNotifications(actions) == [expected])
        #expect(actions.first == .send(.notification(expected)))
        #expect(actions.contains(.disconnect))
        #expect(session.state == .idle)
        #expect(expected.description.hasPrefix("NOTIFICATION 5/\(subcode) Finite State Machine Error / Receive Unexpected Message"))
    }

    /// In Established, UPDATE, KEEPALIVE and ROUTE-REFRESH keep the session and restart the
    /// HoldTimer (RFC 4271 section 8.2.2).
    @Test(arguments: [BGPMessage.keepalive, .update(.endOfRIB(.ipv4)), .routeRefresh(BGPRouteRefresh(afi: 1, safi: 1))])
    func establishedAcceptsAndRestartsHold(_ message: BGPMessage) {
        var session = Self.session(in: .established)
        #expect(session.handle(.messageReceived(message), now: Self.s(80)) == [])
        #expect(session.state == .established)
        // Hold 90 s from t=80; KEEPALIVEs at 30, 60, ... in between.
        var sentAt: [Duration] = []
        var t = Duration.zero
        while let next = session.nextDeadline, next <= Self.s(200) {
            t = next
            let actions = session.tick(now: t)
            if actions.contains(.send(.keepalive)) { sentAt.append(t) }
            if session.state != .established { break }
        }
        #expect(session.state == .idle && t == Self.s(170))
        #expect(sentAt == [30, 60, 90, 120, 150].map { Self.s($0) })
    }

    /// RFC 4271 section 6.5: the HoldTimer expiring in OpenSent (the 4-minute "large value"),
    /// OpenConfirm or Established sends Hold Timer Expired (4/0) and closes.
    @Test(arguments: [(BGPSessionState.openSent, 240), (.openConfirm, 90), (.established, 90)] as [(BGPSessionState, Int)])
    func holdTimerExpirySendsHoldTimerExpired(_ state: BGPSessionState, _ hold: Int) {
        var session = Self.session(in: state)
        var actions: [BGPSessionAction] = []
        while let next = session.nextDeadline, session.state == state {
            actions = session.tick(now: next)
            if session.state != state { #expect(next == .seconds(hold)) }
        }
        #expect(actions == [.send(.notification(BGPNotification(code: 4, subcode: 0))), .disconnect, .sessionDown(.holdTimerExpired)])
        #expect(BGPNotification(code: 4, subcode: 0).description == "NOTIFICATION 4/0 Hold Timer Expired")
        #expect(session.state == .idle)
    }

    static func pair(holdA: UInt16, holdB: UInt16) -> BGPSessionPipe {
        var pipe = BGPSessionPipe(
            BGPSessionConfiguration(localAS: 64512, peerAS: 4_200_000_000, routerID: 1, holdTime: holdA),
            BGPSessionConfiguration(localAS: 4_200_000_000, peerAS: 64512, routerID: 2, holdTime: holdB, passive: true))
        pipe.handle(.b, .manualStart)
        pipe.handle(.a, .manualStart)
        return pipe
    }

    /// RFC 4271 section 4.2 and 4.4: an OPEN with Hold Time 0 on either side means no HoldTimer
    /// and no KEEPALIVEs on both, for as long as the session lives.
    @Test(arguments: [(0, 90), (90, 0), (0, 3)] as [(UInt16, UInt16)])
    func holdTimeZeroOnOneSideMeansNoKeepalivesOnBoth(_ holdA: UInt16, _ holdB: UInt16) {
        var pipe = Self.pair(holdA: holdA, holdB: holdB)
        pipe.run(until: .seconds(1_000_000))
        #expect(pipe.a.state == .established && pipe.b.state == .established)
        for side in [BGPSessionPipe.Side.a, .b] {
            #expect(pipe.established[side]?.holdTime == 0)
            #expect(pipe.established[side]?.keepaliveInterval == nil)
            // Only the KEEPALIVE that answers the OPEN (RFC 4271 section 8.2.2, OpenSent).
            #expect(pipe.times(from: side, BGPSessionPairTests.isKeepalive) == [.zero], "\(side)")
        }
        #expect(pipe.a.nextDeadline == nil && pipe.b.nextDeadline == nil)
        #expect(pipe.downs.isEmpty)
    }

    /// "BGP MUST use the smaller of its configured Hold Time and the Hold Time received in the
    /// OPEN message" (RFC 4271 section 4.2); KEEPALIVEs then go every third of it, on both sides.
    @Test(arguments: [(30, 90), (90, 30), (3, 240)] as [(UInt16, UInt16)])
    func smallerHoldTimeWins(_ holdA: UInt16, _ holdB: UInt16) {
        var pipe = Self.pair(holdA: holdA, holdB: holdB)
        let hold = Int(min(holdA, holdB))
        pipe.run(until: .seconds(10 * hold))
        for side in [BGPSessionPipe.Side.a, .b] {
            #expect(pipe.established[side]?.holdTime == UInt16(hold))
            let times = pipe.times(from: side, BGPSessionPairTests.isKeepalive)
            #expect(times == (0...30).map { Duration.seconds(hold) / 3 * $0 }, "\(side)")
        }
        #expect(pipe.downs.isEmpty)
        // The 4-octet peer AS went through AS_TRANS and the capability.
        #expect(pipe.established[.a]?.peerAS == 4_200_000_000 && pipe.established[.a]?.fourOctetAS == true)
    }

    /// RFC 6286 section 2.2: our own identifier is bad from an internal peer, fine from an
    /// external one (identifiers need only be unique within an AS).
    @Test func ownIdentifierOnlyRejectedForInternalPeers() {
        var ibgp = Self.config
        ibgp.peerAS = ibgp.localAS
        var session = BGPSession(configuration: ibgp)
        let same = BGPOpen(asNumber: ibgp.localAS, holdTime: 90, identifier: ibgp.routerID, capabilities: [])
        for e in [BGPSessionEvent.manualStart, .tcpConnectionSucceeded] { _ = session.handle(e, now: .zero) }
        let actions = session.handle(.messageReceived(.open(same)), now: .zero)
        #expect(Self.sentNotifications(actions) == [BGPNotification(code: 2, subcode: 3)])

        var ebgp = BGPSession(configuration: Self.config)
        let sameFromOutside = BGPOpen(asNumber: Self.config.peerAS, holdTime: 90, identifier: Self.config.routerID, capabilities: [])
        for e in [BGPSessionEvent.manualStart, .tcpConnectionSucceeded, .messageReceived(.open(sameFromOutside))] {
            _ = ebgp.handle(e, now: .zero)
        }
        #expect(ebgp.state == .openConfirm)
    }

    /// RFC 5492 section 5: a required capability the peer lacks -> OPEN Message Error /
    /// Unsupported Capability carrying the missing capabilities.
    @Test func missingRequiredCapability() {
        var config = Self.config
        config.requiredCapabilities = [.ipv6Unicast, .routeRefresh]
        var session = BGPSession(configuration: config)
        let v4Only = BGPOpen(asNumber: config.peerAS, holdTime: 90, identifier: 2, capabilities: [.ipv4Unicast, .routeRefresh])
        for e in [BGPSessionEvent.manualStart, .tcpConnectionSucceeded] { _ = session.handle(e, now: .zero) }
        let actions = session.handle(.messageReceived(.open(v4Only)), now: .zero)
        let expected = BGPNotification(code: 2, subcode: 7, data: [1, 4, 0, 2, 0, 1])
        #expect(Self.sentNotifications(actions) == [expected])
        #expect(session.state == .idle)
        #expect(expected.description == "NOTIFICATION 2/7 OPEN Message Error / Unsupported Capability, data 010400020001")
        // With the capability, the same session comes up.
        var ok = BGPSession(configuration: config)
        for e in [BGPSessionEvent.manualStart, .tcpConnectionSucceeded, .messageReceived(.open(Self.peerOpen))] {
            _ = ok.handle(e, now: .zero)
        }
        #expect(ok.state == .openConfirm)
    }

    /// A peer whose OPENs keep failing is retried after 1, 2, 4, ... seconds (IdleHoldTimer,
    /// RFC 4271 section 8.1.1), capped at the maximum; an Established session that lasted
    /// `stableTime` starts the penalty again from the initial value.
    @Test func backoffAgainstARejectingPeer() {
        var config = Self.config
        config.maximumBackoff = .seconds(16)
        var session = BGPSession(configuration: config)
        var now = Duration.zero
        var starts: [Duration] = []
        _ = session.handle(.manualStart, now: now)
        starts.append(now)
        let wrongAS = BGPOpen(asNumber: 65000, holdTime: 90, identifier: 2, capabilities: [])
        for _ in 0..<7 {
            _ = session.handle(.tcpConnectionSucceeded, now: now)
            _ = session.handle(.messageReceived(.open(wrongAS)), now: now)
            #expect(session.state == .idle)
            guard let next = session.nextDeadline else { Issue.record("no restart scheduled"); return }
            now = next
            #expect(session.tick(now: now) == [.connect])
            starts.append(now)
        }
        let gaps = zip(starts.dropFirst(), starts).map { $0 - $1 }
        #expect(gaps == [1, 2, 4, 8, 16, 16, 16].map { Self.s($0) })
        // A session that stays up for stableTime (60 s) resets the penalty.
        for e in [BGPSessionEvent.tcpConnectionSucceeded, .messageReceived(.open(Self.peerOpen)), .messageReceived(.keepalive)] {
            _ = session.handle(e, now: now)
        }
        #expect(session.state == .established)
        _ = session.handle(.messageReceived(.notification(BGPNotification(code: 6, subcode: 4))), now: now + Self.s(61))
        #expect(session.nextDeadline == now + Self.s(62))
    }
}
