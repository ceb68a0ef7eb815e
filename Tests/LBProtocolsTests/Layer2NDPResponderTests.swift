import LBCore
import LBWire
import LBTestSupport
import NIOCore
import Testing

@testable import LBProtocols

@Suite struct Layer2NDPResponderTests {
    typealias C = CapturedFrames

    /// Stands in for namespace B's kernel: B's MAC, B's address.
    static let ours = NDPResponder(interfaceMAC: C.macB, ownedIPs: [layer2Addr("2001:db8::2"), layer2Addr("192.0.2.2")])
    static let client = layer2MAC("02:00:00:00:00:0c")
    static let clientIP = "2001:db8::50"

    /// A solicitation from `client` for 2001:db8::2 to its solicited-node group, with a Source
    /// Link-Layer Address option: answered unless a row changes something.
    static func solicitation(
        source: String = clientIP, destination: String = "ff02::1:ff00:2", target: String = "2001:db8::2",
        hopLimit: UInt8 = 255, options: [NDPOption] = [.sourceLinkLayerAddress(client)],
        ethernetDestination: MACAddress? = nil, ethernetSource: MACAddress = client, vlan: VLANTag? = nil
    ) -> ByteBuffer {
        let destinationIP = layer2Addr(destination)
        return NDPFrame(
            ethernet: EthernetHeader(
                destination: ethernetDestination ?? MACAddress(ipv6Multicast: destinationIP) ?? C.macB,
                source: ethernetSource, vlan: vlan, etherType: .ipv6),
            ipv6: IPv6Header(source: layer2Addr(source), destination: destinationIP, hopLimit: hopLimit),
            message: .neighborSolicitation(NeighborSolicitation(target: layer2Addr(target), options: options))
        ).encoded()
    }

    func reason(_ d: Layer2Decision) -> Layer2DropReason? {
        if case .drop(let r) = d { return r }
        return nil
    }

    func reply(_ d: Layer2Decision) throws -> (frame: NDPFrame, na: NeighborAdvertisement) {
        guard case .reply(let bytes) = d else { throw Layer2DropReason.notRequest }
        let frame = try NDPFrame(decoding: bytes)
        guard case .neighborAdvertisement(let na) = frame.message else { throw Layer2DropReason.notNDP }
        return (frame, na)
    }

    // MARK: Real peers

    /// Our advertisements for the kernel's and ndisc6's solicitations are the kernel's own
    /// advertisements, byte for byte (checksum included).
    @Test func answersLikeTheKernel() {
        #expect(Self.ours.respond(to: C.kernelSolicitation) == .reply(C.kernelSolicitedAdvertisement))
        #expect(Self.ours.respond(to: C.ndisc6Solicitation) == .reply(C.kernelAdvertisementToLinkLocal))
    }

    /// A DAD probe for our address (from another MAC) is answered to all-nodes with S=0 (RFC
    /// 4861 section 7.2.4): the same frame as an unsolicited advertisement.
    @Test func defendsAgainstDuplicateAddressDetection() throws {
        let responder = NDPResponder(interfaceMAC: Self.client, ownedIPs: [layer2Addr("2001:db8::2")])
        let expected = NDPFrame.unsolicitedAdvertisement(ip: layer2Addr("2001:db8::2"), mac: Self.client)?.encoded()
        #expect(responder.respond(to: C.kernelDADSolicitation) == expected.map { .reply($0) })
        let (frame, na) = try reply(responder.respond(to: C.kernelDADSolicitation))
        #expect(!na.solicited && na.override && frame.ipv6.destination == .ipv6AllNodes)
        #expect(frame.ethernet.destination == layer2MAC("33:33:00:00:00:01"))
    }

    /// Linux answers a unicast NS without TLLA and Override; IronLB includes both (RFC 4861
    /// section 7.2.4 allows either; with the option included, Override SHOULD be set).
    @Test func answersUnicastSolicitation() throws {
        let (frame, na) = try reply(Self.ours.respond(to: C.kernelUnicastSolicitation))
        #expect(na.solicited && na.override && !na.router)
        #expect(na.targetLinkLayerAddress == C.macB)
        #expect(frame.ipv6.source == layer2Addr("2001:db8::2") && frame.ipv6.destination == layer2Addr("fe80::ff:fe00:a"))
        #expect(frame.ethernet.destination == C.macA && frame.ipv6.hopLimit == 255)
        let kernel = try NDPFrame(decoding: C.kernelAdvertisementWithoutTLLA)
        #expect(kernel.ipv6.source == frame.ipv6.source && kernel.ipv6.destination == frame.ipv6.destination)
        #expect(kernel.ethernet == frame.ethernet, "same addressing as the kernel")
        #expect(kernel.ipv6.payloadLength == 24 && frame.ipv6.payloadLength == 32, "we add the TLLA option")
    }

    @Test func capturedDropTable() {
        let other = NDPResponder(interfaceMAC: Self.client, ownedIPs: [layer2Addr("2001:db8::2")])
        let rows: [(ByteBuffer, Layer2DropReason, NDPResponder)] = [
            (C.kernelDADSolicitation, .fromOurselves, Self.ours),
            (C.kernelSolicitedAdvertisement, .fromOurselves, Self.ours),
            (C.kernelSolicitedAdvertisement, .notRequest, other),
            (C.kernelUnsolicitedAdvertisement, .notRequest, other),
            (C.kernelSolicitation, .targetNotOwned, NDPResponder(interfaceMAC: C.macB, ownedIPs: [layer2Addr("192.0.2.2")])),
            (C.kernelMLDReport, .unsupportedExtensionHeader(0), Self.ours),
            (C.kernelRouterSolicitation, .notNDP, Self.ours),
            (C.kernelPortUnreachable, .notNDP, Self.ours),
            (C.kernelARPRequest, .notNDP, Self.ours),
            (C.kernelIPv4UDP, .notNDP, Self.ours),
        ]
        for (frame, expected, responder) in rows {
            #expect(reason(responder.respond(to: frame)) == expected, "\(expected)")
        }
    }

    // MARK: Decision table

    @Test func dropTable() {
        let rows: [(String, ByteBuffer, Layer2DropReason)] = [
            ("hop limit 254 (forwarded)", Self.solicitation(hopLimit: 254), .invalidHopLimit(254)),
            ("hop limit 1", Self.solicitation(hopLimit: 1), .invalidHopLimit(1)),
            ("multicast target", Self.solicitation(target: "ff02::1"), .multicastTarget),
            ("DAD to the target", Self.solicitation(source: "::", destination: "2001:db8::2", options: [], ethernetDestination: C.macB),
             .unspecifiedSourceNotToSolicitedNode),
            ("DAD to all-nodes", Self.solicitation(source: "::", destination: "ff02::1", options: []), .unspecifiedSourceNotToSolicitedNode),
            ("DAD with SLLA", Self.solicitation(source: "::"), .unspecifiedSourceWithLinkLayerAddress),
            ("not our address", Self.solicitation(destination: "ff02::1:ff00:3", target: "2001:db8::3"), .targetNotOwned),
            ("another solicited-node group", Self.solicitation(destination: "ff02::1:ff00:3"), .wrongDestination),
            ("to all-nodes", Self.solicitation(destination: "ff02::1"), .wrongDestination),
            ("to another unicast address", Self.solicitation(destination: "2001:db8::9", ethernetDestination: C.macB), .wrongDestination),
            ("unicast IP, multicast MAC", Self.solicitation(destination: "2001:db8::2", ethernetDestination: layer2MAC("33:33:ff:00:00:02")),
             .wrongEthernetDestination),
            ("another host's MAC", Self.solicitation(ethernetDestination: layer2MAC("02:00:00:00:00:99")), .wrongEthernetDestination),
            ("broadcast MAC", Self.solicitation(ethernetDestination: .broadcast), .wrongEthernetDestination),
            ("multicast SLLA", Self.solicitation(options: [.sourceLinkLayerAddress(layer2MAC("01:00:5e:00:00:01"))]), .invalidSender),
            ("zero SLLA", Self.solicitation(options: [.sourceLinkLayerAddress(.zero)]), .invalidSender),
            ("multicast source", Self.solicitation(source: "ff02::5"), .invalidSender),
            ("our own Ethernet source", Self.solicitation(ethernetSource: C.macB), .fromOurselves),
            ("our own SLLA", Self.solicitation(options: [.sourceLinkLayerAddress(C.macB)]), .fromOurselves),
            ("tagged, we serve untagged", Self.solicitation(vlan: VLANTag(id: 7)), .wrongVLAN(7)),
            ("bad checksum", Self.solicitation().setting(0xEE, at: 77), .badChecksum),
            ("code 1", Self.solicitation().setting(1, at: 55).layer2FixingChecksum(), .malformed(.icmpv6Code(type: 135, code: 1))),
            ("option length 0", Self.solicitation().setting(0, at: 79).layer2FixingChecksum(), .malformed(.ndpOptionLengthZero(offset: 24))),
            ("SLLA length 2", Self.solicitation(options: [.sourceLinkLayerAddress(Self.client), .other(type: 9, body: Array(repeating: 0, count: 6))])
                .setting(2, at: 79).layer2FixingChecksum(), .malformed(.linkLayerAddressOptionLength(2))),
            ("IPv4 in the version field", Self.solicitation().setting(0x40, at: 14), .malformed(.ipVersion(4))),
            ("UDP", Self.solicitation().setting(17, at: 20), .notNDP),
            ("fragment header", Self.solicitation().setting(44, at: 20), .unsupportedExtensionHeader(44)),
            ("truncated", Self.solicitation().prefix(70), .malformed(.truncated(.ipv6, needed: 72, available: 56))),
        ]
        for (name, frame, expected) in rows {
            #expect(reason(Self.ours.respond(to: frame)) == expected, "\(name)")
        }
    }

    @Test func answersTable() throws {
        // Multicast NS with SLLA: unicast to the SLLA, S and O set, TLLA ours, from the target.
        let (f1, na1) = try reply(Self.ours.respond(to: Self.solicitation()))
        #expect(na1 == NeighborAdvertisement(solicited: true, override: true, target: layer2Addr("2001:db8::2"),
                                             options: [.targetLinkLayerAddress(C.macB)]))
        #expect(f1.ethernet.destination == Self.client && f1.ethernet.source == C.macB)
        #expect(f1.ipv6.source == layer2Addr("2001:db8::2") && f1.ipv6.destination == layer2Addr(Self.clientIP))
        #expect(f1.ipv6.hopLimit == 255)

        // The SLLA wins over the Ethernet source.
        let relayed = Self.solicitation(ethernetSource: layer2MAC("02:00:00:00:00:0d"))
        #expect(try reply(Self.ours.respond(to: relayed)).frame.ethernet.destination == Self.client)

        // Unicast NS (NUD) to our address and MAC, without SLLA: to the Ethernet source.
        let nud = Self.solicitation(destination: "2001:db8::2", options: [], ethernetDestination: C.macB)
        let (f2, na2) = try reply(Self.ours.respond(to: nud))
        #expect(na2.solicited && f2.ethernet.destination == Self.client)

        // Multicast NS sent to our unicast MAC: accepted.
        let toOurMAC = Self.solicitation(ethernetDestination: C.macB)
        #expect(reason(Self.ours.respond(to: toOurMAC)) == nil)

        // DAD: to all-nodes, S clear.
        let dad = Self.solicitation(source: "::", options: [])
        let (f3, na3) = try reply(Self.ours.respond(to: dad))
        #expect(!na3.solicited && na3.override)
        #expect(f3.ipv6.destination == .ipv6AllNodes && f3.ethernet.destination == layer2MAC("33:33:00:00:00:01"))

        // Unknown options are skipped.
        let nonce = Self.solicitation(options: [.other(type: 14, body: [1, 2, 3, 4, 5, 6]), .sourceLinkLayerAddress(Self.client)])
        #expect(reason(Self.ours.respond(to: nonce)) == nil)
    }

    @Test func servesOneVLAN() throws {
        var tagged = Self.ours
        tagged.vlan = 30
        let (frame, _) = try reply(tagged.respond(to: Self.solicitation(vlan: VLANTag(id: 30, priority: 6))))
        #expect(frame.ethernet.vlan == VLANTag(id: 30, priority: 6))
        #expect(reason(tagged.respond(to: Self.solicitation())) == .wrongVLAN(nil))
    }

    @Test func followsOwnershipChanges() {
        var responder = NDPResponder(interfaceMAC: C.macB)
        #expect(reason(responder.respond(to: C.kernelSolicitation)) == .targetNotOwned)
        responder.ownedIPs = [layer2Addr("2001:db8::2")]
        #expect(responder.respond(to: C.kernelSolicitation) == .reply(C.kernelSolicitedAdvertisement))
        responder.ownedIPs = []
        #expect(reason(responder.respond(to: C.kernelSolicitation)) == .targetNotOwned)
    }

    // MARK: Foreign answers

    @Test func reportsForeignClaims() {
        let other = NDPResponder(interfaceMAC: Self.client, ownedIPs: [layer2Addr("2001:db8::2"), layer2Addr("2001:db8::1")])
        let claimB = ForeignAnswer.conflict(ip: layer2Addr("2001:db8::2"), foreignMAC: C.macB)
        #expect(other.inspectForeignAnswer(C.kernelSolicitedAdvertisement) == claimB)
        #expect(other.inspectForeignAnswer(C.kernelUnsolicitedAdvertisement) == claimB)
        #expect(other.inspectForeignAnswer(C.kernelAdvertisementToLinkLocal) == claimB)
        #expect(other.inspectForeignAnswer(C.kernelAdvertisementWithoutTLLA) == claimB, "no TLLA: the Ethernet source")
        // A's kernel soliciting from 2001:db8::1, an address we own.
        #expect(other.inspectForeignAnswer(C.kernelSolicitation) == .conflict(ip: layer2Addr("2001:db8::1"), foreignMAC: C.macA))
    }

    @Test func ignoresWhatIsNoClaim() {
        let other = NDPResponder(interfaceMAC: Self.client, ownedIPs: [layer2Addr("2001:db8::2")])
        #expect(other.inspectForeignAnswer(C.kernelDADSolicitation) == .noConflict, "DAD claims nothing")
        #expect(other.inspectForeignAnswer(C.kernelMLDReport) == .noConflict)
        #expect(other.inspectForeignAnswer(C.kernelARPReply) == .noConflict)
        #expect(Self.ours.inspectForeignAnswer(C.kernelSolicitedAdvertisement) == .noConflict, "our own")
        #expect(NDPResponder(interfaceMAC: Self.client).inspectForeignAnswer(C.kernelSolicitedAdvertisement) == .noConflict)
        // An advertisement that crossed a router (hop limit 254) is not from this link.
        let forwarded = C.kernelSolicitedAdvertisement.setting(254, at: 21)
        #expect(other.inspectForeignAnswer(forwarded) == .noConflict)
        var tagged = other
        tagged.vlan = 5
        #expect(tagged.inspectForeignAnswer(C.kernelSolicitedAdvertisement) == .noConflict, "another VLAN")
    }
}
