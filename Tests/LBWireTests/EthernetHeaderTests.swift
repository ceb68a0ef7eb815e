import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

@Suite struct EthernetHeaderTests {
    typealias C = CapturedFrames

    @Test func decodesCapturedUntaggedHeader() throws {
        var b = C.kernelARPRequest
        let header = try b.readEthernetHeader()
        #expect(header.destination == .broadcast)
        #expect(header.source == C.macA)
        #expect(header.vlan == nil && header.vlanID == nil)
        #expect(header.etherType == .arp)
        #expect(b.readableBytes == 28, "the reader stops at the payload")
    }

    /// arping -V 7: one 802.1Q tag, skipped and reported.
    @Test func decodesCapturedTaggedHeader() throws {
        var b = C.arpingTaggedRequest
        let header = try b.readEthernetHeader()
        #expect(header.vlan == VLANTag(id: 7))
        #expect(header.vlanID == 7)
        #expect(header.etherType == .arp)
        #expect(header.encodedLength == 18)
        #expect(b.readableBytes == C.arpingTaggedRequest.readableBytes - 18)
    }

    @Test(arguments: [
        EthernetHeader(destination: .broadcast, source: MACAddress(2, 0, 0, 0, 0, 1), etherType: .arp),
        EthernetHeader(
            destination: MACAddress(0x33, 0x33, 0, 0, 0, 1), source: MACAddress(2, 0, 0, 0, 0, 1),
            vlan: VLANTag(id: 4094, priority: 7, dropEligible: true), etherType: .ipv6),
        EthernetHeader(destination: .zero, source: .broadcast, vlan: VLANTag(id: 0, priority: 3), etherType: .ipv4),
    ])
    func roundTrips(_ header: EthernetHeader) throws {
        var b = ByteBuffer()
        #expect(b.writeEthernetHeader(header) == header.encodedLength)
        #expect(try b.readEthernetHeader() == header)
        #expect(b.readableBytes == 0)
    }

    @Test func priorityTagIsNoVLAN() throws {
        let header = EthernetHeader(
            destination: .broadcast, source: .zero, vlan: VLANTag(id: 0, priority: 5), etherType: .arp)
        #expect(header.vlan != nil && header.vlanID == nil)
    }

    @Test func rejectsStackedAndServiceTags() throws {
        var stacked = ByteBuffer(bytes: Array(repeating: 0xFF, count: 12))
        stacked.writeInteger(UInt16(0x8100)); stacked.writeInteger(UInt16(7)); stacked.writeInteger(UInt16(0x8100))
        stacked.writeBytes(Array(repeating: 0, count: 30))
        #expect(throws: FrameError.unsupportedVLANTagging(etherType: 0x8100)) { try stacked.readEthernetHeader() }
        #expect(stacked.readerIndex == 0, "nothing is read on error")

        for outer: UInt16 in [0x88A8, 0x9100] {
            var b = ByteBuffer(bytes: Array(repeating: 0xFF, count: 12))
            b.writeInteger(outer)
            b.writeBytes(Array(repeating: 0, count: 30))
            #expect(throws: FrameError.unsupportedVLANTagging(etherType: outer)) { try b.readEthernetHeader() }
        }
        var innerQinQ = ByteBuffer(bytes: Array(repeating: 0xFF, count: 12))
        innerQinQ.writeInteger(UInt16(0x8100)); innerQinQ.writeInteger(UInt16(7)); innerQinQ.writeInteger(UInt16(0x88A8))
        #expect(throws: FrameError.unsupportedVLANTagging(etherType: 0x88A8)) { try innerQinQ.readEthernetHeader() }
    }

    /// IEEE 802.3 clause 3.2.6: a type field below 0x0600 is a length (LLC frame).
    @Test func rejectsLengthFields() {
        for field: UInt16 in [0, 46, 0x05DC, 0x05FF] {
            var b = ByteBuffer(bytes: Array(repeating: 0x11, count: 12))
            b.writeInteger(field)
            b.writeBytes(Array(repeating: 0, count: 46))
            #expect(throws: FrameError.notEthernetII(lengthField: field)) { try b.readEthernetHeader() }
        }
        var b = ByteBuffer(bytes: Array(repeating: 0x11, count: 12))
        b.writeInteger(UInt16(0x0600))
        #expect((try? b.readEthernetHeader())?.etherType.rawValue == 0x0600)
    }

    @Test func everyPrefixIsTruncated() {
        for frame in [C.kernelARPRequest, C.arpingTaggedRequest] {
            let headerLength = frame == C.arpingTaggedRequest ? 18 : 14
            for n in 0..<headerLength {
                var b = frame.prefix(n)
                let error = frameError { () throws(FrameError) in try b.readEthernetHeader() }
                guard case .truncated(let layer, _, let available) = error else {
                    Issue.record("prefix \(n): \(String(describing: error))")
                    continue
                }
                #expect(available == n)
                #expect(layer == (n < 14 ? .ethernet : .vlanTag))
                #expect(b.readerIndex == 0)
            }
        }
    }

    @Test func padsToEthernetMinimum() {
        var b = ByteBuffer(bytes: [1, 2, 3])
        #expect(b.padToEthernetMinimum() == 57)
        #expect(b.readableBytes == 60)
        #expect(b.getBytes(at: 3, length: 57) == Array(repeating: 0, count: 57))
        var full = ByteBuffer(bytes: Array(repeating: 9, count: 64))
        #expect(full.padToEthernetMinimum() == 0)
        #expect(full.readableBytes == 64)
    }

    @Test func vlanTagPacksTagControlInformation() throws {
        let tag = try #require(VLANTag(id: 0x123, priority: 5, dropEligible: true))
        #expect(tag.tagControlInformation == 0xB123)
        #expect(VLANTag(tagControlInformation: 0xB123) == tag)
        #expect(VLANTag(id: 4096) == nil)
        #expect(VLANTag(id: 1, priority: 8) == nil)
        #expect(tag.description == "vlan 291 p5")
        #expect(EtherType.arp.description == "0x0806")
        #expect(EtherType(rawValue: 0x86DD) == .ipv6)
    }
}
