import LBCore
import LBWire
import LBTestSupport
import NIOCore
import Testing

@testable import LBProtocols

/// Both responders fed random frames and mutations of real ones (seeded, tens of thousands,
/// a few seconds): every input gets a decision, never a trap; every reply is a well-formed
/// answer from our MAC about an address we own; `inspectForeignAnswer` never reports our own
/// MAC or an address we do not own.
@Suite struct Layer2ResponderFuzzTests {
    typealias C = CapturedFrames

    static let owned: Set<IPAddress> = [
        layer2Addr("192.0.2.1"), layer2Addr("192.0.2.2"), layer2Addr("2001:db8::1"), layer2Addr("2001:db8::2"),
    ]
    static let arp = ARPResponder(interfaceMAC: layer2MAC("02:00:00:00:00:0c"), ownedIPs: owned)
    static let ndp = NDPResponder(interfaceMAC: layer2MAC("02:00:00:00:00:0c"), ownedIPs: owned)
    static let iterations = 25_000

    static func input(_ rng: inout SplitMix64) -> ByteBuffer {
        let seeds = C.arpFrames + C.ndpFrames + C.otherFrames
        if Int.random(in: 0..<5, using: &rng) == 0 {
            return ByteBuffer(bytes: (0..<Int.random(in: 0...100, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
        var b = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
        for _ in 0..<Int.random(in: 0...3, using: &rng) where b.readableBytes > 0 {
            let at = Int.random(in: 0..<b.readableBytes, using: &rng)
            b = b.setting(UInt8.random(in: 0...255, using: &rng), at: at)
        }
        if Int.random(in: 0..<4, using: &rng) == 0 { b = b.prefix(Int.random(in: 0...b.readableBytes, using: &rng)) }
        return Bool.random(using: &rng) ? b.layer2FixingChecksum() : b
    }

    @Test func responderDecisionsAreAlwaysTyped() throws {
        var rng = SplitMix64(seed: 0x1B_2A_0007)
        var replies = 0, reasons: Set<String> = []
        for _ in 0..<Self.iterations {
            let frame = Self.input(&rng)
            switch Self.arp.respond(to: frame) {
            case .reply(let bytes):
                replies += 1
                let reply = try ARPFrame(decoding: bytes)
                #expect(reply.packet.operation == .reply && reply.ethernet.source == Self.arp.interfaceMAC)
                #expect(Self.owned.contains(reply.packet.senderIP) && bytes.readableBytes >= 60)
            case .drop(let reason): reasons.insert(reason.label)
            }
            switch Self.ndp.respond(to: frame) {
            case .reply(let bytes):
                replies += 1
                let reply = try NDPFrame(decoding: bytes)
                guard case .neighborAdvertisement(let na) = reply.message else {
                    Issue.record("reply is not an NA")
                    continue
                }
                #expect(na.override && na.targetLinkLayerAddress == Self.ndp.interfaceMAC && Self.owned.contains(na.target))
                #expect(reply.ipv6.hopLimit == 255 && reply.ethernet.source == Self.ndp.interfaceMAC)
            case .drop(let reason): reasons.insert(reason.label)
            }
            for answer in [Self.arp.inspectForeignAnswer(frame), Self.ndp.inspectForeignAnswer(frame)] {
                if case .conflict(let ip, let mac) = answer {
                    #expect(Self.owned.contains(ip) && mac != Self.arp.interfaceMAC)
                }
            }
        }
        #expect(replies > 100, "mutations of real requests must still be answered sometimes")
        #expect(reasons.count >= 10, "the run reaches many different reasons: \(reasons.sorted())")
    }

    @Test func dropReasonLabelsAreUniqueAndDescribed() {
        let all: [Layer2DropReason] = [
            .malformed(.ipVersion(4)), .notARP, .notNDP, .unsupportedExtensionHeader(0), .badChecksum, .wrongVLAN(nil),
            .fromOurselves, .notRequest, .wrongEthernetDestination, .invalidSender, .targetNotOwned, .gratuitous,
            .invalidHopLimit(1), .multicastTarget, .unspecifiedSourceNotToSolicitedNode,
            .unspecifiedSourceWithLinkLayerAddress, .wrongDestination,
        ]
        #expect(Set(all.map(\.label)).count == all.count)
        #expect(Layer2DropReason.malformed(.ipVersion(4)).description == "malformed: IP version 4, expected 6")
        #expect(Layer2DropReason.wrongVLAN(7).description == "wrongVLAN: frame in VLAN 7")
        #expect(Layer2DropReason.wrongVLAN(nil).description == "wrongVLAN: frame in no VLAN")
        #expect(Layer2DropReason.invalidHopLimit(64).description == "invalidHopLimit: 64, expected 255")
        #expect(Layer2DropReason.targetNotOwned.description == "targetNotOwned")
    }
}
