import LBCore
import LBWire
import LBTestSupport
import NIOCore
import Testing

@testable import LBProtocols

@Suite struct Layer2ARPResponderTests {
    typealias C = CapturedFrames

    /// Stands in for namespace B's kernel: B's MAC, B's address.
    static let ours = ARPResponder(interfaceMAC: C.macB, ownedIPs: [layer2Addr("192.0.2.2"), layer2Addr("2001:db8::2")])
    static let client = layer2MAC("02:00:00:00:00:0c")

    /// A request from `client` (192.0.2.50) for 192.0.2.2, broadcast: answered unless a row
    /// changes something.
    static func request(
        operation: ARPPacket.Operation = .request, ethernetDestination: MACAddress = .broadcast,
        ethernetSource: MACAddress = client, sender: MACAddress = client, senderIP: String = "192.0.2.50",
        target: MACAddress = .zero, targetIP: String = "192.0.2.2", vlan: VLANTag? = nil
    ) -> ByteBuffer {
        let packet = ARPPacket(
            operation: operation, senderHardwareAddress: sender, senderIP: layer2Addr(senderIP),
            targetHardwareAddress: target, targetIP: layer2Addr(targetIP))
        return ARPFrame(
            ethernet: EthernetHeader(destination: ethernetDestination, source: ethernetSource, vlan: vlan, etherType: .arp),
            packet: packet!
        ).encoded()
    }

    func reason(_ d: Layer2Decision) -> Layer2DropReason? {
        if case .drop(let r) = d { return r }
        return nil
    }

    func replyFrame(_ d: Layer2Decision) throws -> ARPFrame {
        guard case .reply(let bytes) = d else { throw Layer2DropReason.notRequest }
        return try ARPFrame(decoding: bytes)
    }

    // MARK: Real peers

    /// Our reply to the kernel's request is the kernel's own reply, byte for byte (padded).
    @Test func answersTheKernelsRequestLikeTheKernel() throws {
        for request in [C.kernelARPRequest, C.arpingRequest] {
            guard case .reply(let bytes) = Self.ours.respond(to: request) else {
                Issue.record("no reply")
                continue
            }
            #expect(bytes.readableBytes == 60)
            #expect(bytes.readableBytesView.prefix(42).elementsEqual(C.kernelARPReply.readableBytesView))
            #expect(bytes.readableBytesView.dropFirst(42).allSatisfy { $0 == 0 })
        }
    }

    /// RFC 5227 probe: answered, as the kernel answers it (target IP 0.0.0.0, unicast).
    @Test func answersProbesLikeTheKernel() throws {
        guard case .reply(let bytes) = Self.ours.respond(to: C.arpingProbe) else {
            Issue.record("probe not answered")
            return
        }
        #expect(bytes.readableBytesView.prefix(42).elementsEqual(C.kernelProbeReply.readableBytesView))
    }

    @Test func capturedDropTable() {
        let rows: [(ByteBuffer, Layer2DropReason, ARPResponder)] = [
            (C.arpingTaggedRequest, .wrongVLAN(7), Self.ours),
            (C.kernelUnicastARPRequest, .fromOurselves, Self.ours),
            (C.kernelARPReply, .fromOurselves, Self.ours),
            (C.kernelARPReply, .notRequest, ARPResponder(interfaceMAC: Self.client, ownedIPs: [layer2Addr("192.0.2.1")])),
            (C.arpingGratuitousReply, .notRequest, Self.ours),
            (C.arpingGratuitousRequest, .targetNotOwned, Self.ours),
            (C.arpingGratuitousRequest, .gratuitous, ARPResponder(interfaceMAC: C.macB, ownedIPs: [layer2Addr("192.0.2.1")])),
            (C.kernelARPRequest, .targetNotOwned, ARPResponder(interfaceMAC: C.macB)),
            (C.kernelARPRequest, .targetNotOwned, ARPResponder(interfaceMAC: C.macB, ownedIPs: [layer2Addr("2001:db8::2")])),
            (C.kernelIPv4UDP, .notARP, Self.ours),
            (C.kernelSolicitation, .notARP, Self.ours),
        ]
        for (frame, expected, responder) in rows {
            #expect(reason(responder.respond(to: frame)) == expected, "\(expected)")
        }
    }

    // MARK: Decision table

    @Test func dropTable() {
        let ours = Self.ours
        let rows: [(String, ByteBuffer, Layer2DropReason)] = [
            ("reply", Self.request(operation: .reply), .notRequest),
            ("RARP request", Self.request(operation: .other(3)), .notRequest),
            ("other unicast destination", Self.request(ethernetDestination: layer2MAC("02:00:00:00:00:99")), .wrongEthernetDestination),
            ("multicast destination", Self.request(ethernetDestination: layer2MAC("01:00:5e:00:00:01")), .wrongEthernetDestination),
            ("broadcast sender MAC", Self.request(sender: .broadcast), .invalidSender),
            ("zero sender MAC", Self.request(sender: .zero), .invalidSender),
            ("multicast sender MAC", Self.request(sender: layer2MAC("01:00:5e:00:00:01")), .invalidSender),
            ("multicast sender IP", Self.request(senderIP: "224.0.0.1"), .invalidSender),
            ("broadcast sender IP", Self.request(senderIP: "255.255.255.255"), .invalidSender),
            ("not our IP", Self.request(targetIP: "192.0.2.3"), .targetNotOwned),
            ("announcement of our IP by another host", Self.request(senderIP: "192.0.2.2"), .gratuitous),
            ("our own source MAC", Self.request(ethernetSource: C.macB), .fromOurselves),
            ("our own sender MAC", Self.request(sender: C.macB), .fromOurselves),
            ("tagged, we serve untagged", Self.request(vlan: VLANTag(id: 7)), .wrongVLAN(7)),
            ("truncated", Self.request().prefix(30), .malformed(.truncated(.arp, needed: 28, available: 16))),
            ("hardware type 6", Self.request().setting(6, at: 15), .malformed(.arpHardwareType(6))),
            ("IPv4 ARP over 802.3 LLC", Self.request().setting(0, at: 12).setting(46, at: 13), .notARP),
            ("empty", ByteBuffer(), .malformed(.truncated(.ethernet, needed: 14, available: 0))),
        ]
        for (name, frame, expected) in rows {
            #expect(reason(ours.respond(to: frame)) == expected, "\(name)")
        }
    }

    @Test func answersTable() throws {
        let ours = Self.ours
        // Broadcast request, and a unicast re-validation sent to our MAC.
        for frame in [Self.request(), Self.request(ethernetDestination: C.macB)] {
            let reply = try replyFrame(ours.respond(to: frame))
            #expect(reply.ethernet.destination == Self.client && reply.ethernet.source == C.macB)
            #expect(reply.packet.operation == .reply)
            #expect(reply.packet.senderHardwareAddress == C.macB && reply.packet.senderIP == layer2Addr("192.0.2.2"))
            #expect(reply.packet.targetHardwareAddress == Self.client && reply.packet.targetIP == layer2Addr("192.0.2.50"))
        }
        // A probe: target IP 0.0.0.0, to the prober's MAC.
        let probe = try replyFrame(ours.respond(to: Self.request(senderIP: "0.0.0.0")))
        #expect(probe.packet.targetIPv4 == 0 && probe.ethernet.destination == Self.client)
        // A priority tag (VID 0) is no VLAN: answered, tag kept.
        let priority = try replyFrame(ours.respond(to: Self.request(vlan: VLANTag(id: 0, priority: 5))))
        #expect(priority.ethernet.vlan == VLANTag(id: 0, priority: 5))
    }

    @Test func servesOneVLAN() throws {
        var tagged = Self.ours
        tagged.vlan = 7
        let reply = try replyFrame(tagged.respond(to: Self.request(vlan: VLANTag(id: 7, priority: 2))))
        #expect(reply.ethernet.vlan == VLANTag(id: 7, priority: 2))
        #expect(reason(tagged.respond(to: Self.request())) == .wrongVLAN(nil))
        #expect(reason(tagged.respond(to: Self.request(vlan: VLANTag(id: 8)))) == .wrongVLAN(8))
        // arping -V 7 is answered by a responder serving VLAN 7.
        var seven = Self.ours
        seven.vlan = 7
        #expect(try replyFrame(seven.respond(to: C.arpingTaggedRequest)).ethernet.vlanID == 7)
    }

    /// Ownership follows the caller's updates at once.
    @Test func followsOwnershipChanges() {
        var responder = ARPResponder(interfaceMAC: C.macB)
        #expect(reason(responder.respond(to: C.kernelARPRequest)) == .targetNotOwned)
        responder.ownedIPs.insert(layer2Addr("192.0.2.2"))
        #expect(reason(responder.respond(to: C.kernelARPRequest)) == nil)
        responder.ownedIPs.remove(layer2Addr("192.0.2.2"))
        #expect(reason(responder.respond(to: C.kernelARPRequest)) == .targetNotOwned)
    }

    // MARK: Foreign answers

    @Test func reportsForeignClaims() {
        let other = ARPResponder(interfaceMAC: Self.client, ownedIPs: [layer2Addr("192.0.2.2"), layer2Addr("192.0.2.1")])
        // B's kernel replying for 192.0.2.2 while we own it.
        #expect(other.inspectForeignAnswer(C.kernelARPReply) == .conflict(ip: layer2Addr("192.0.2.2"), foreignMAC: C.macB))
        // A's kernel asking with sender IP 192.0.2.1 (RFC 5227 section 2.4: requests count too).
        #expect(other.inspectForeignAnswer(C.kernelARPRequest) == .conflict(ip: layer2Addr("192.0.2.1"), foreignMAC: C.macA))
        // A gratuitous announcement of 192.0.2.1 by A.
        #expect(
            other.inspectForeignAnswer(C.arpingGratuitousRequest) == .conflict(ip: layer2Addr("192.0.2.1"), foreignMAC: C.macA))
    }

    @Test func ignoresWhatIsNoClaim() {
        let other = ARPResponder(interfaceMAC: Self.client, ownedIPs: [layer2Addr("192.0.2.2"), layer2Addr("192.0.2.1")])
        #expect(other.inspectForeignAnswer(C.arpingProbe) == .noConflict, "a probe claims nothing")
        #expect(other.inspectForeignAnswer(C.arpingTaggedRequest) == .noConflict, "another VLAN")
        #expect(other.inspectForeignAnswer(C.kernelIPv4UDP) == .noConflict)
        #expect(other.inspectForeignAnswer(ByteBuffer(bytes: [1, 2, 3])) == .noConflict)
        #expect(Self.ours.inspectForeignAnswer(C.kernelARPReply) == .noConflict, "our own reply")
        #expect(ARPResponder(interfaceMAC: Self.client).inspectForeignAnswer(C.kernelARPReply) == .noConflict, "not ours")
        // Our own announcement seen again.
        let mine = Self.request(ethernetSource: C.macB, sender: C.macB, senderIP: "192.0.2.2")
        #expect(Self.ours.inspectForeignAnswer(mine) == .noConflict)
    }
}
