import LBWire
import Testing

@testable import LBProtocols

/// RFC 4271 section 6.8 connection collision: `BGPCollision` decides, `.collisionDump` closes.
@Suite struct BGPSessionCollisionTests {
    @Test(arguments: [
        (UInt32(2), UInt32(1), BGPCollision.Initiator.local),
        (1, 2, .remote),
        (0xFFFF_FFFF, 0x7FFF_FFFF, .local),  // compared as unsigned integers
    ])
    func higherIdentifierKeepsItsConnection(local: UInt32, remote: UInt32, survivor: BGPCollision.Initiator) {
        #expect(BGPCollision.survivor(localIdentifier: local, remoteIdentifier: remote) == survivor)
    }

    @Test func equalIdentifiersFallBackToAS() {
        #expect(BGPCollision.survivor(localIdentifier: 5, remoteIdentifier: 5, localAS: 65001, remoteAS: 65000) == .local)
        #expect(BGPCollision.survivor(localIdentifier: 5, remoteIdentifier: 5, localAS: 65000, remoteAS: 65001) == .remote)
    }

    @Test func resolveByState() {
        func resolve(_ state: BGPSessionState, _ existing: BGPCollision.Initiator, local: UInt32 = 1, remote: UInt32 = 2)
            -> BGPCollision.Decision
        {
            BGPCollision.resolve(
                existingState: state, existingInitiator: existing, localIdentifier: local, remoteIdentifier: remote)
        }
        for state in [BGPSessionState.idle, .connect, .active] {
            #expect(resolve(state, .local) == .noCollision)
        }
        // Established always keeps the existing connection.
        #expect(resolve(.established, .local) == .close(.remote))
        #expect(resolve(.established, .remote) == .close(.local))
        // OpenConfirm/OpenSent: the higher identifier's connection survives.
        #expect(resolve(.openConfirm, .local, local: 1, remote: 2) == .close(.local))
        #expect(resolve(.openConfirm, .local, local: 2, remote: 1) == .close(.remote))
        #expect(resolve(.openSent, .remote, local: 2, remote: 1) == .close(.remote))
    }

    /// Speaker 10 connected out and reached OpenConfirm; speaker 20 connected in at the same
    /// time. 20 is higher, so the inbound connection survives and the outbound one gets a
    /// Cease / Connection Collision Resolution.
    @Test func dumpTheLoserKeepTheWinner() {
        let config = BGPSessionConfiguration(localAS: 64512, peerAS: 64513, routerID: 10)
        let peerOpen = BGPOpen(asNumber: 64513, holdTime: 90, identifier: 20, capabilities: [])
        var outbound = BGPSession(configuration: config)
        var inbound = BGPSession(configuration: config)
        _ = outbound.handle(.manualStart, now: .zero)
        _ = outbound.handle(.tcpConnectionSucceeded, now: .zero)
        _ = outbound.handle(.messageReceived(.open(peerOpen)), now: .zero)
        #expect(outbound.state == .openConfirm)
        // The shell accepts the inbound connection into a second session.
        _ = inbound.handle(.manualStart, now: .zero)
        #expect(inbound.handle(.tcpConnectionConfirmed, now: .zero) == [.send(.open(config.open))])
        _ = inbound.handle(.messageReceived(.open(peerOpen)), now: .zero)
        let decision = BGPCollision.resolve(
            existingState: outbound.state, existingInitiator: .local,
            localIdentifier: config.routerID, remoteIdentifier: peerOpen.identifier)
        #expect(decision == .close(.local))
        let dumped = outbound.handle(.collisionDump, now: .zero)
        #expect(dumped == [
            .send(.notification(BGPNotification(code: 6, subcode: 7))), .disconnect, .sessionDown(.collisionLost),
        ])
        #expect(outbound.state == .idle && outbound.nextDeadline == nil)
        let up = inbound.handle(.messageReceived(.keepalive), now: .seconds(1))
        #expect(inbound.state == .established)
        #expect(up.count == 1)
        // A collision dump without a connection does nothing.
        #expect(outbound.handle(.collisionDump, now: .seconds(2)) == [])
    }
}
