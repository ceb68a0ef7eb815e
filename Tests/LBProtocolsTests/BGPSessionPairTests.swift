import LBCore
import LBWire
import Testing

@testable import LBProtocols

/// Two sessions run against each other through `BGPSessionPipe` with a fake clock.
@Suite struct BGPSessionPairTests {
    static func configs(holdA: UInt16 = 90, holdB: UInt16 = 60) -> (BGPSessionConfiguration, BGPSessionConfiguration) {
        (
            BGPSessionConfiguration(localAS: 64512, peerAS: 64513, routerID: 1, holdTime: holdA),
            BGPSessionConfiguration(localAS: 64513, peerAS: 64512, routerID: 2, holdTime: holdB, passive: true)
        )
    }

    static func isKeepalive(_ m: BGPMessage) -> Bool { m == .keepalive }

    @Test func establishKeepaliveThenHoldExpiry() throws {
        let (ca, cb) = Self.configs()
        var pipe = BGPSessionPipe(ca, cb)
        pipe.handle(.b, .manualStart)
        pipe.handle(.a, .manualStart)
        pipe.run(until: .seconds(1))
        #expect(pipe.a.state == .established && pipe.b.state == .established)
        let na = try #require(pipe.established[.a])
        let nb = try #require(pipe.established[.b])
        // min(90, 60) on both sides, keepalive one third.
        #expect(na.holdTime == 60 && nb.holdTime == 60)
        #expect(na.keepaliveInterval == .seconds(20) && nb.keepaliveInterval == .seconds(20))
        #expect(na.peerRouterID == 2 && nb.peerRouterID == 1)
        #expect(na.peerAS == 64513 && nb.peerAS == 64512)

        pipe.run(until: .seconds(200))
        for side in [BGPSessionPipe.Side.a, .b] {
            let times = pipe.times(from: side, Self.isKeepalive)
            // The OPEN's KEEPALIVE at t=0, then one every 20 s.
            #expect(times == (0...10).map { Duration.seconds(20 * $0) }, "\(side)")
        }
        #expect(pipe.downs.isEmpty)

        // A's messages stop arriving: B's HoldTimer (60 s after A's last KEEPALIVE at 200).
        pipe.muted = [.a]
        pipe.run(until: .seconds(400))
        let (at, side, reason) = try #require(pipe.downs.first)
        #expect(side == .b && reason == .holdTimerExpired && at == .seconds(260))
        let notification = try #require(pipe.sent.first {
            if case .notification = $0.message { $0.from == .b } else { false }
        })
        #expect(notification.message == .notification(BGPNotification(code: 4, subcode: 0)))
        #expect(notification.at == .seconds(260))
        // A receives B's NOTIFICATION and goes down too.
        let holdExpired = BGPNotification(code: 4, subcode: 0)
        #expect(pipe.downs.contains { $0.1 == .a && $0.2 == .notificationReceived(holdExpired) })
    }

    @Test func sessionsComeBackAfterHoldExpiry() {
        let (ca, cb) = Self.configs()
        var pipe = BGPSessionPipe(ca, cb)
        pipe.handle(.b, .manualStart)
        pipe.handle(.a, .manualStart)
        pipe.run(until: .seconds(10))
        pipe.muted = [.a]
        pipe.run(until: .seconds(100))
        pipe.muted = []
        // Automatic restart after the backoff, and connect-retry from Active.
        pipe.run(until: .seconds(200))
        #expect(pipe.a.state == .established && pipe.b.state == .established)
    }

    @Test func holdTimeZeroMeansNoKeepalivesEver() {
        let (ca, cb) = Self.configs(holdA: 0, holdB: 0)
        var pipe = BGPSessionPipe(ca, cb)
        pipe.handle(.b, .manualStart)
        pipe.handle(.a, .manualStart)
        pipe.run(until: .seconds(100_000))
        #expect(pipe.a.state == .established && pipe.b.state == .established)
        #expect(pipe.established[.a]?.keepaliveInterval == nil)
        // Only the KEEPALIVE that acknowledges the OPEN (RFC 4271 section 8.2.2, OpenSent).
        #expect(pipe.times(from: .a, Self.isKeepalive) == [.zero])
        #expect(pipe.times(from: .b, Self.isKeepalive) == [.zero])
        #expect(pipe.a.nextDeadline == nil && pipe.b.nextDeadline == nil)
    }

    @Test func holdTimeZeroOnOneSideWins() {
        let (ca, cb) = Self.configs(holdA: 0, holdB: 90)
        var pipe = BGPSessionPipe(ca, cb)
        pipe.handle(.b, .manualStart)
        pipe.handle(.a, .manualStart)
        pipe.run(until: .seconds(1000))
        #expect(pipe.established[.b]?.holdTime == 0)
        #expect(pipe.times(from: .b, Self.isKeepalive) == [.zero])
    }

    @Test func mismatchedASIsBadPeerAS() throws {
        var (ca, cb) = Self.configs()
        cb.peerAS = 65000
        var pipe = BGPSessionPipe(ca, cb)
        pipe.handle(.b, .manualStart)
        pipe.handle(.a, .manualStart)
        pipe.run(until: .milliseconds(500))
        let badPeerAS = BGPNotification(code: 2, subcode: 2)
        #expect(pipe.sent.contains { $0.from == .b && $0.message == .notification(badPeerAS) })
        #expect(pipe.a.lastDownReason == .notificationReceived(badPeerAS))
        guard case .notificationSent(let n, let reason) = pipe.b.lastDownReason else {
            Issue.record("B: \(String(describing: pipe.b.lastDownReason))")
            return
        }
        #expect(n == badPeerAS)
        #expect(reason.contains("64512") && reason.contains("65000"))
        #expect(pipe.a.state == .idle && pipe.b.state == .idle)
        #expect(pipe.established.isEmpty)
    }

    @Test func manualStopSendsCeaseToThePeer() {
        let (ca, cb) = Self.configs()
        var pipe = BGPSessionPipe(ca, cb)
        pipe.handle(.b, .manualStart)
        pipe.handle(.a, .manualStart)
        pipe.run(until: .seconds(5))
        pipe.handle(.a, .manualStop)
        pipe.deliver()
        let cease = BGPNotification(code: 6, subcode: 2)
        #expect(pipe.b.lastDownReason == .notificationReceived(cease))
        #expect(pipe.a.lastDownReason == .administrativeStop)
        pipe.run(until: .seconds(1000))
        // A stays down; B listens again in Active.
        #expect(pipe.a.state == .idle && pipe.b.state == .active)
    }
}
