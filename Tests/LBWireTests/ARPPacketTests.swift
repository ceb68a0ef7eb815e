import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

@Suite struct ARPPacketTests {
    typealias C = CapturedFrames

    /// Reads the ARP packet of a captured frame (after its 14-byte Ethernet header).
    func packet(_ frame: ByteBuffer, vlan: Bool = false) throws -> ARPPacket {
        var b = frame
        b.moveReaderIndex(forwardBy: vlan ? 18 : 14)
        return try b.readARPPacket()
    }

    @Test func decodesKernelRequest() throws {
        let p = try packet(C.kernelARPRequest)
        #expect(p.operation == .request)
        #expect(p.senderHardwareAddress == C.macA)
        #expect(p.senderIP.description == "192.0.2.1")
        #expect(p.targetHardwareAddress == .zero)
        #expect(p.targetIP.description == "192.0.2.2")
        #expect(!p.isProbe && !p.isGratuitous)
    }

    @Test func decodesKernelReply() throws {
        let p = try packet(C.kernelARPReply)
        #expect(p.operation == .reply)
        #expect(p.senderHardwareAddress == C.macB)
        #expect(p.senderIP.description == "192.0.2.2")
        #expect(p.targetHardwareAddress == C.macA)
        #expect(p.targetIP.description == "192.0.2.1")
    }

    /// RFC 5227 section 2.1.1 probe, and the kernel's answer to it with target IP 0.0.0.0.
    @Test func decodesProbeAndItsReply() throws {
        let probe = try packet(C.arpingProbe)
        #expect(probe.isProbe && !probe.isGratuitous)
        #expect(probe.senderIPv4 == 0)
        let reply = try packet(C.kernelProbeReply)
        #expect(reply.operation == .reply && reply.targetIPv4 == 0 && reply.targetHardwareAddress == C.macA)
    }

    @Test func decodesGratuitousForms() throws {
        let request = try packet(C.arpingGratuitousRequest)
        #expect(request.isGratuitous && request.operation == .request)
        #expect(request.targetHardwareAddress == .broadcast, "arping's form; IronLB sends zeroes (RFC 5227)")
        let reply = try packet(C.arpingGratuitousReply)
        #expect(reply.isGratuitous && reply.operation == .reply)
    }

    @Test func decodesTaggedRequest() throws {
        let p = try packet(C.arpingTaggedRequest, vlan: true)
        #expect(p.operation == .request && p.targetIP.description == "192.0.2.2")
    }

    @Test func roundTripsCapturedPackets() throws {
        for frame in C.arpFrames {
            let offset = frame == C.arpingTaggedRequest ? 18 : 14
            let p = try packet(frame, vlan: offset == 18)
            var b = ByteBuffer()
            #expect(b.writeARPPacket(p) == ARPPacket.length)
            #expect(b.readableBytesView.elementsEqual(frame.readableBytesView.dropFirst(offset).prefix(28)))
            #expect(try b.readARPPacket() == p)
        }
    }

    @Test(arguments: [UInt16(0), 1, 2, 3, 4, 8, 9, 0xFFFF])
    func roundTripsEveryOperation(_ op: UInt16) throws {
        let p = ARPPacket(
            operation: .init(rawValue: op), senderHardwareAddress: MACAddress(2, 0, 0, 0, 0, 1), senderIPv4: 0xC000_0201,
            targetHardwareAddress: .zero, targetIPv4: 0xC000_0202)
        #expect(p.operation.rawValue == op)
        var b = ByteBuffer()
        b.writeARPPacket(p)
        #expect(try b.readARPPacket() == p)
    }

    @Test func ipAddressInitializerWantsIPv4() throws {
        let v4 = addr("192.0.2.1")
        let v6 = addr("2001:db8::1")
        #expect(ARPPacket(operation: .request, senderHardwareAddress: .zero, senderIP: v4, targetHardwareAddress: .zero, targetIP: v4) != nil)
        #expect(ARPPacket(operation: .request, senderHardwareAddress: .zero, senderIP: v6, targetHardwareAddress: .zero, targetIP: v4) == nil)
        #expect(ARPPacket(operation: .request, senderHardwareAddress: .zero, senderIP: v4, targetHardwareAddress: .zero, targetIP: v6) == nil)
    }

    /// Every fixed field other than the opcode is checked (RFC 826: Ethernet, IPv4, 6, 4).
    @Test func rejectsOtherAddressSpaces() throws {
        let base = C.kernelARPRequest.prefix(42)
        func decode(_ frame: ByteBuffer) throws(FrameError) -> ARPPacket {
            var b = frame
            b.moveReaderIndex(forwardBy: 14)
            return try b.readARPPacket()
        }
        #expect(throws: FrameError.arpHardwareType(6)) { try decode(base.setting(6, at: 15)) }
        #expect(throws: FrameError.arpProtocolType(0x86DD)) {
            try decode(base.setting(0x86, at: 16).setting(0xDD, at: 17))
        }
        #expect(throws: FrameError.arpAddressLengths(hardware: 8, protocol: 4)) { try decode(base.setting(8, at: 18)) }
        #expect(throws: FrameError.arpAddressLengths(hardware: 6, protocol: 16)) { try decode(base.setting(16, at: 19)) }
    }

    @Test func everyPrefixIsTruncatedAndReadsNothing() {
        let packetBytes = C.kernelARPRequest.getSlice(at: 14, length: 28) ?? ByteBuffer()
        for n in 0..<ARPPacket.length {
            var b = packetBytes.prefix(n)
            #expect(throws: FrameError.truncated(.arp, needed: n < 8 ? 8 : 28, available: n)) { try b.readARPPacket() }
            #expect(b.readerIndex == 0)
        }
    }
}
