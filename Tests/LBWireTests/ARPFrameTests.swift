import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

@Suite struct ARPFrameTests {
    typealias C = CapturedFrames

    @Test func decodesEveryCapturedARPFrame() throws {
        for frame in C.arpFrames {
            let decoded = try ARPFrame(decoding: frame)
            #expect(decoded.ethernet.etherType == .arp)
            #expect(decoded.ethernet.source == decoded.packet.senderHardwareAddress)
        }
    }

    /// Encoding a decoded capture gives the captured bytes back, zero-padded to 60.
    @Test func reencodesCapturesByteForByte() throws {
        for frame in C.arpFrames {
            let encoded = try ARPFrame(decoding: frame).encoded()
            let meaningful = try ARPFrame(decoding: frame).ethernet.encodedLength + ARPPacket.length
            #expect(encoded.readableBytes == max(60, meaningful))
            #expect(
                encoded.readableBytesView.prefix(meaningful).elementsEqual(frame.readableBytesView.prefix(meaningful)),
                "\(frame.hexDump)")
            #expect(encoded.readableBytesView.dropFirst(meaningful).allSatisfy { $0 == 0 })
            #expect(try ARPFrame(decoding: encoded) == ARPFrame(decoding: frame))
        }
    }

    @Test func padsToSixtyBytes() throws {
        let frame = try #require(
            ARPFrame.gratuitous(.request, ip: addr("192.0.2.9"), mac: C.macB))
        let bytes = frame.encoded()
        #expect(bytes.readableBytes == EthernetHeader.minimumFrameLength)
        let tagged = try #require(
            ARPFrame.gratuitous(.request, ip: addr("192.0.2.9"), mac: C.macB, vlan: VLANTag(id: 7)))
        #expect(tagged.encoded().readableBytes == 60)
        #expect(try ARPFrame(decoding: tagged.encoded()).ethernet.vlanID == 7)
    }

    /// The reply to the kernel's request, built by IronLB from B's MAC, is the kernel's own
    /// reply byte for byte (then padded).
    @Test func replyMatchesTheKernelsReply() throws {
        let request = try ARPFrame(decoding: C.kernelARPRequest)
        let reply = request.reply(from: C.macB).encoded()
        #expect(reply.readableBytesView.prefix(42).elementsEqual(C.kernelARPReply.readableBytesView))
    }

    /// And to a probe: target IP 0.0.0.0, unicast to the prober, as Linux answers.
    @Test func probeReplyMatchesTheKernelsReply() throws {
        let probe = try ARPFrame(decoding: C.arpingProbe)
        let reply = probe.reply(from: C.macB).encoded()
        #expect(reply.readableBytesView.prefix(42).elementsEqual(C.kernelProbeReply.readableBytesView))
    }

    @Test func replyKeepsTheVLANTag() throws {
        let request = try ARPFrame(decoding: C.arpingTaggedRequest)
        #expect(request.reply(from: C.macB).ethernet.vlan == VLANTag(id: 7))
    }

    /// RFC 5227 section 3 (request, target MAC zero) and RFC 5944 section 4.6 (reply, target
    /// MAC = sender MAC), both broadcast, sender IP = target IP.
    @Test func gratuitousForms() throws {
        let ip = addr("192.0.2.1")
        let request = try #require(ARPFrame.gratuitous(.request, ip: ip, mac: C.macA))
        #expect(request.ethernet.destination == .broadcast && request.ethernet.source == C.macA)
        #expect(request.packet.operation == .request && request.packet.isGratuitous)
        #expect(request.packet.targetHardwareAddress == .zero && request.packet.senderHardwareAddress == C.macA)
        #expect(request.packet.senderIP == ip && request.packet.targetIP == ip)

        let reply = try #require(ARPFrame.gratuitous(.reply, ip: ip, mac: C.macA))
        #expect(reply.packet.operation == .reply && reply.packet.isGratuitous)
        #expect(reply.packet.targetHardwareAddress == C.macA)
        // arping -U -P sends the same reply except for the target MAC (ff:ff:ff:ff:ff:ff).
        var arping = try ARPFrame(decoding: C.arpingGratuitousReply)
        arping.packet.targetHardwareAddress = C.macA
        #expect(arping == reply)

        #expect(ARPFrame.gratuitous(.request, ip: addr("2001:db8::1"), mac: C.macA) == nil)
    }

    @Test func rejectsOtherProtocols() {
        #expect(throws: FrameError.unexpectedEtherType(0x0800)) { try ARPFrame(decoding: C.kernelIPv4UDP) }
        #expect(throws: FrameError.unexpectedEtherType(0x86DD)) { try ARPFrame(decoding: C.kernelSolicitation) }
    }

    /// Byte-by-byte: every prefix shorter than header + packet is `truncated`, never a trap.
    @Test func everyPrefixIsTruncated() {
        for frame in C.arpFrames {
            let meaningful = frame == C.arpingTaggedRequest ? 46 : 42
            for n in 0..<meaningful {
                let error = frameError { () throws(FrameError) in try ARPFrame(decoding: frame.prefix(n)) }
                guard case .truncated = error else {
                    Issue.record("prefix \(n) of \(frame.hexDump): \(String(describing: error))")
                    continue
                }
            }
            #expect(throws: Never.self) { try ARPFrame(decoding: frame.prefix(meaningful)) }
        }
    }

    @Test func decodesAtANonZeroReaderIndex() throws {
        var b = ByteBuffer(bytes: [0xDE, 0xAD, 0xBE, 0xEF])
        var frame = C.kernelARPRequest
        b.writeBuffer(&frame)
        b.moveReaderIndex(forwardBy: 4)
        #expect(try ARPFrame(decoding: b) == ARPFrame(decoding: C.kernelARPRequest))
    }
}
