import LBCore
import LBProtocols
import LBWire
import NIOCore
import Testing

@testable import LBNet

/// The engine's decisions without sockets: replies, drops by reason, gratuitous schedule with an
/// injected clock, multicast groups, and robustness against arbitrary bytes.
@Suite struct Layer2EngineTests {
    static let nodeMAC = MACAddress(0x02, 0x1b, 0, 0, 0, 0x02)
    static let clientMAC = MACAddress(0x02, 0x1b, 0, 0, 0, 0x01)
    static let vip4 = IPAddress(ipv4: 0xC000_0264)  // 192.0.2.100
    static let client4 = IPAddress(ipv4: 0xC000_0201)  // 192.0.2.1
    static let vip6 = IPAddress("2001:db8:42::100") ?? .ipv6Unspecified
    static let client6 = IPAddress("2001:db8:42::1") ?? .ipv6Unspecified

    static func arpRequest(for target: IPAddress, from mac: MACAddress = clientMAC) -> ByteBuffer {
        let packet = ARPPacket(
            operation: .request, senderHardwareAddress: mac, senderIP: client4, targetHardwareAddress: .zero,
            targetIP: target)
        guard let packet else { return ByteBuffer() }
        return ARPFrame(
            ethernet: EthernetHeader(destination: .broadcast, source: mac, etherType: .arp), packet: packet
        ).encoded()
    }

    static func arpReply(claiming ip: IPAddress, from mac: MACAddress) -> ByteBuffer {
        guard let packet = ARPPacket(
            operation: .reply, senderHardwareAddress: mac, senderIP: ip, targetHardwareAddress: clientMAC,
            targetIP: client4)
        else { return ByteBuffer() }
        return ARPFrame(ethernet: EthernetHeader(destination: clientMAC, source: mac, etherType: .arp), packet: packet)
            .encoded()
    }

    static func neighborSolicitation(for target: IPAddress) -> ByteBuffer {
        let group = target.solicitedNodeMulticast ?? .ipv6AllNodes
        return NDPFrame(
            ethernet: EthernetHeader(
                destination: MACAddress(ipv6Multicast: group) ?? .broadcast, source: clientMAC, etherType: .ipv6),
            ipv6: IPv6Header(source: client6, destination: group, hopLimit: 255),
            message: .neighborSolicitation(NeighborSolicitation(target: target, options: [.sourceLinkLayerAddress(clientMAC)]))
        ).encoded()
    }

    @Test func answersARPForOwnedIPAndStopsAtOnceWhenRemoved() throws {
        var engine = Layer2Engine(mac: Self.nodeMAC)
        let t0 = ContinuousClock.now
        _ = engine.setOwned([Self.vip4], at: t0)
        let answer = engine.receive(Self.arpRequest(for: Self.vip4))
        let reply = try #require(answer)
        let decoded = try ARPFrame(decoding: reply)
        #expect(decoded.packet.operation == .reply)
        #expect(decoded.packet.senderHardwareAddress == Self.nodeMAC)
        #expect(decoded.packet.senderIP == Self.vip4)
        #expect(decoded.ethernet.destination == Self.clientMAC)

        _ = engine.setOwned([], at: t0)
        #expect(engine.receive(Self.arpRequest(for: Self.vip4)) == nil)
        #expect(engine.counters.drops == ["targetNotOwned": 1])
        #expect(engine.counters.arpFramesReceived == 2)
        #expect(engine.counters.framesReceived == 2)
    }

    @Test func answersNeighborSolicitationAndWantsTheSolicitedNodeGroup() throws {
        var engine = Layer2Engine(mac: Self.nodeMAC)
        _ = engine.setOwned([Self.vip6], at: .now)
        #expect(engine.wantedGroups == [MACAddress(0x33, 0x33, 0xFF, 0x00, 0x01, 0x00)])
        let answer = engine.receive(Self.neighborSolicitation(for: Self.vip6))
        let reply = try #require(answer)
        let decoded = try NDPFrame(decoding: reply)
        guard case .neighborAdvertisement(let na) = decoded.message else {
            Issue.record("expected an NA, got \(decoded.message)")
            return
        }
        #expect(na.target == Self.vip6)
        #expect(na.targetLinkLayerAddress == Self.nodeMAC)
        #expect(engine.counters.ndpFramesReceived == 1)
        _ = engine.setOwned([Self.vip4], at: .now)
        #expect(engine.wantedGroups.isEmpty)
    }

    @Test func gratuitousFramesFollowTheScheduleAndStopWhenTheIPIsLost() {
        var engine = Layer2Engine(mac: Self.nodeMAC)
        let t0 = ContinuousClock.now
        // IPv4: request + reply forms; IPv6: one unsolicited NA.
        #expect(engine.setOwned([Self.vip4, Self.vip6], at: t0).count == 3)
        #expect(engine.due(at: t0.advanced(by: .milliseconds(100))).isEmpty)
        #expect(engine.due(at: t0.advanced(by: .milliseconds(250))).count == 2)
        #expect(engine.due(at: t0.advanced(by: .seconds(1))).count == 3)
        _ = engine.setOwned([Self.vip6], at: t0.advanced(by: .seconds(1)))
        #expect(engine.due(at: t0.advanced(by: .seconds(2))).count == 1)
        #expect(engine.due(at: t0.advanced(by: .seconds(60))).isEmpty)
        #expect(engine.nextDeadline == nil)
    }

    @Test func reOwningAnIPDoesNotRestartItsSchedule() {
        var engine = Layer2Engine(mac: Self.nodeMAC)
        let t0 = ContinuousClock.now
        #expect(engine.setOwned([Self.vip4], at: t0).count == 2)
        #expect(engine.setOwned([Self.vip4, Self.vip6], at: t0.advanced(by: .milliseconds(10))).count == 1)
    }

    @Test func frameWhoseTagTheKernelStrippedIsDroppedAsWrongVLAN() {
        var engine = Layer2Engine(mac: Self.nodeMAC)
        _ = engine.setOwned([Self.vip4], at: .now)
        #expect(engine.receive(Self.arpRequest(for: Self.vip4), strippedVLAN: 100) == nil)
        #expect(engine.counters.drops == ["wrongVLAN": 1])
    }

    @Test func foreignClaimOnAnOwnedIPIsCounted() {
        var engine = Layer2Engine(mac: Self.nodeMAC)
        _ = engine.setOwned([Self.vip4], at: .now)
        let foreign = MACAddress(0x02, 0xde, 0xad, 0, 0, 1)
        #expect(engine.receive(Self.arpReply(claiming: Self.vip4, from: foreign)) == nil)
        #expect(engine.counters.foreignAnswers == 1)
        #expect(engine.lastForeignAnswer == .conflict(ip: Self.vip4, foreignMAC: foreign))
    }

    @Test func everyTruncationAndRandomBytesAreDroppedNeverAnswered() {
        var engine = Layer2Engine(mac: Self.nodeMAC)
        _ = engine.setOwned([Self.vip4, Self.vip6], at: .now)
        var frames = 0
        var replies = 0
        // ARP: 14 header + 28 packet bytes matter; the encoder pads to the 60-byte Ethernet
        // minimum, and a frame cut inside that padding is still a valid request.
        for (valid, meaningful) in [(Self.arpRequest(for: Self.vip4), 42), (Self.neighborSolicitation(for: Self.vip6), 86)] {
            #expect(valid.readableBytes >= meaningful)
            for length in 0..<meaningful {
                frames += 1
                if let slice = valid.getSlice(at: valid.readerIndex, length: length) {
                    #expect(engine.receive(slice) == nil, "truncated to \(length) bytes")
                }
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            frames += 1
            let count = Int.random(in: 0...128, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if bytes.count > 13, Bool.random(using: &generator) {
                bytes[12] = 0x08
                bytes[13] = 0x06
            } else if bytes.count > 13 {
                bytes[12] = 0x86
                bytes[13] = 0xDD
            }
            if engine.receive(ByteBuffer(bytes: bytes)) != nil { replies += 1 }
        }
        #expect(engine.counters.framesReceived == frames)
        // Every frame is either answered or dropped with a counted reason, exactly once.
        #expect(engine.counters.drops.values.reduce(0, +) + replies == frames)
    }
}
