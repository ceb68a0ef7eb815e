import LBCore
import LBWire
import LBTestSupport
import NIOCore
import Testing

@testable import LBProtocols

@Suite struct Layer2GratuitousFramesTests {
    typealias C = CapturedFrames

    /// Both forms, broadcast, 60 bytes: an RFC 5227 section 3 announcement and an RFC 5944
    /// section 4.6 reply.
    @Test func ipv4AnnouncesWithRequestAndReply() throws {
        let ip = layer2Addr("192.0.2.2")
        let frames = GratuitousFrames.frames(announcing: ip, from: C.macB)
        #expect(frames.count == 2)
        let decoded = try frames.map { try ARPFrame(decoding: $0) }
        #expect(frames.allSatisfy { $0.readableBytes == 60 })
        #expect(decoded.map(\.packet.operation) == [.request, .reply])
        for f in decoded {
            #expect(f.ethernet.destination == .broadcast && f.ethernet.source == C.macB)
            #expect(f.packet.senderIP == ip && f.packet.targetIP == ip && f.packet.senderHardwareAddress == C.macB)
            #expect(f.packet.isGratuitous)
        }
        #expect(decoded[0].packet.targetHardwareAddress == .zero)
        // Linux's arp_is_garp counts a reply as gratuitous only when target MAC == sender MAC.
        #expect(decoded[1].packet.targetHardwareAddress == decoded[1].packet.senderHardwareAddress)
        #expect(GratuitousFrames.arpRequest(announcing: ip, from: C.macB) == frames[0])
        #expect(GratuitousFrames.arpReply(announcing: ip, from: C.macB) == frames[1])
    }

    /// The unsolicited NA is exactly what the Linux kernel sends (ndisc_notify) for its own
    /// address.
    @Test func ipv6AnnouncesLikeTheKernel() {
        let frames = GratuitousFrames.frames(announcing: layer2Addr("2001:db8::2"), from: C.macB)
        #expect(frames == [C.kernelUnsolicitedAdvertisement])
        #expect(GratuitousFrames.unsolicitedAdvertisement(announcing: layer2Addr("2001:db8::2"), from: C.macB)
            == C.kernelUnsolicitedAdvertisement)
    }

    @Test func carriesTheVLANTag() throws {
        let tag = VLANTag(id: 42, priority: 3)
        for ip in ["192.0.2.2", "2001:db8::2"] {
            for bytes in GratuitousFrames.frames(announcing: layer2Addr(ip), from: C.macB, vlan: tag) {
                var b = bytes
                #expect(try b.readEthernetHeader().vlan == tag)
            }
        }
    }

    @Test func refusesWhatCannotBeAnnounced() {
        #expect(GratuitousFrames.frames(announcing: .ipv6AllNodes, from: C.macB).isEmpty)
        #expect(GratuitousFrames.frames(announcing: .ipv6Unspecified, from: C.macB).isEmpty)
        #expect(GratuitousFrames.arpRequest(announcing: layer2Addr("2001:db8::2"), from: C.macB) == nil)
        #expect(GratuitousFrames.arpReply(announcing: layer2Addr("2001:db8::2"), from: C.macB) == nil)
        #expect(GratuitousFrames.unsolicitedAdvertisement(announcing: layer2Addr("192.0.2.2"), from: C.macB) == nil)
    }

    /// Another node's responder sees our announcements as a conflict; our own does not.
    @Test func announcementsAreConflictsForOthersOnly() {
        let ip4 = layer2Addr("192.0.2.2"), ip6 = layer2Addr("2001:db8::2")
        let mine = ARPResponder(interfaceMAC: C.macB, ownedIPs: [ip4])
        let theirs = ARPResponder(interfaceMAC: C.macA, ownedIPs: [ip4])
        for f in GratuitousFrames.frames(announcing: ip4, from: C.macB) {
            #expect(mine.inspectForeignAnswer(f) == .noConflict)
            #expect(theirs.inspectForeignAnswer(f) == .conflict(ip: ip4, foreignMAC: C.macB))
            #expect(mine.respond(to: f) == .drop(.fromOurselves))
        }
        let na = GratuitousFrames.frames(announcing: ip6, from: C.macB)
        #expect(NDPResponder(interfaceMAC: C.macA, ownedIPs: [ip6]).inspectForeignAnswer(na[0]) == .conflict(ip: ip6, foreignMAC: C.macB))
        #expect(NDPResponder(interfaceMAC: C.macB, ownedIPs: [ip6]).inspectForeignAnswer(na[0]) == .noConflict)
    }
}
