import LBCore
import LBNet
import LBProtocols
import LBWire
import NIOCore
import Testing

/// The per-IP layer 2 counters and the foreign-answer drain the speaker's metrics and Events are
/// built from (`Layer2Engine`, no sockets).
@Suite struct RuntimeLayer2CountersTests {
    static let nodeMAC = MACAddress(0x02, 0x1b, 0, 0, 0, 0x02)
    static let clientMAC = MACAddress(0x02, 0x1b, 0, 0, 0, 0x01)
    static let vip4 = IPAddress(ipv4: 0xC000_0264)  // 192.0.2.100
    static let other4 = IPAddress(ipv4: 0xC000_0265)  // 192.0.2.101
    static let client4 = IPAddress(ipv4: 0xC000_0201)
    static let vip6 = IPAddress("2001:db8:42::100") ?? .ipv6Unspecified
    static let client6 = IPAddress("2001:db8:42::1") ?? .ipv6Unspecified

    static func arp(_ op: ARPPacket.Operation, sender: IPAddress, target: IPAddress, from mac: MACAddress) -> ByteBuffer {
        guard let packet = ARPPacket(
            operation: op, senderHardwareAddress: mac, senderIP: sender, targetHardwareAddress: .zero, targetIP: target)
        else { return ByteBuffer() }
        return ARPFrame(ethernet: EthernetHeader(destination: .broadcast, source: mac, etherType: .arp), packet: packet)
            .encoded()
    }

    static func solicitation(for target: IPAddress) -> ByteBuffer {
        let group = target.solicitedNodeMulticast ?? .ipv6AllNodes
        return NDPFrame(
            ethernet: EthernetHeader(
                destination: MACAddress(ipv6Multicast: group) ?? .broadcast, source: clientMAC, etherType: .ipv6),
            ipv6: IPv6Header(source: client6, destination: group, hopLimit: 255),
            message: .neighborSolicitation(NeighborSolicitation(target: target, options: [.sourceLinkLayerAddress(clientMAC)]))
        ).encoded()
    }

    @Test func answeredRequestsAreCountedPerIP() {
        var engine = Layer2Engine(mac: Self.nodeMAC)
        _ = engine.setOwned([Self.vip4, Self.vip6], at: .now)
        let request = Self.arp(.request, sender: Self.client4, target: Self.vip4, from: Self.clientMAC)
        #expect(engine.answer(request)?.ip == Self.vip4)
        #expect(engine.answer(request)?.ip == Self.vip4)
        #expect(engine.answer(Self.solicitation(for: Self.vip6))?.ip == Self.vip6)
        // Not owned: dropped, not counted per IP.
        #expect(engine.answer(Self.arp(.request, sender: Self.client4, target: Self.other4, from: Self.clientMAC)) == nil)
        #expect(engine.counters.requestsReceivedByIP == [Self.vip4: 2, Self.vip6: 1])
    }

    @Test func gratuitousFramesAreGroupedPerIP() {
        var engine = Layer2Engine(mac: Self.nodeMAC)
        let announcements = engine.replaceOwned([Self.vip4, Self.vip6], at: .now)
        #expect(Set(announcements.map(\.ip)) == [Self.vip4, Self.vip6])
        #expect(announcements.first { $0.ip == Self.vip4 }?.frames.count == 2, "ARP request and reply forms")
        #expect(announcements.first { $0.ip == Self.vip6 }?.frames.count == 1, "one unsolicited NA")
    }

    @Test func foreignClaimsAreDrainedOnceAndBounded() {
        var engine = Layer2Engine(mac: Self.nodeMAC)
        _ = engine.setOwned([Self.vip4], at: .now)
        let intruder = MACAddress(0x02, 0xde, 0xad, 0, 0, 1)
        let claim = Self.arp(.reply, sender: Self.vip4, target: Self.client4, from: intruder)
        for _ in 0..<(Layer2Engine.foreignAnswerBacklog + 10) { _ = engine.answer(claim) }
        #expect(engine.counters.foreignAnswersByIP == [Self.vip4: Layer2Engine.foreignAnswerBacklog + 10])
        let drained = engine.drainForeignAnswers()
        #expect(drained.count == Layer2Engine.foreignAnswerBacklog, "older claims are dropped, the counter keeps them")
        #expect(drained.allSatisfy { $0 == .conflict(ip: Self.vip4, foreignMAC: intruder) })
        #expect(engine.drainForeignAnswers().isEmpty)
    }
}
