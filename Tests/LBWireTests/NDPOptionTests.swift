import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

@Suite struct NDPOptionTests {
    typealias C = CapturedFrames

    func read(_ bytes: [UInt8]) throws(FrameError) -> [NDPOption] {
        var b = ByteBuffer(bytes: bytes)
        return try b.readNDPOptions()
    }

    @Test func readsLinkLayerAddressOptions() throws {
        #expect(try read([1, 1, 2, 0, 0, 0, 0, 0x0A]) == [.sourceLinkLayerAddress(C.macA)])
        #expect(try read([2, 1, 2, 0, 0, 0, 0, 0x0B]) == [.targetLinkLayerAddress(C.macB)])
        #expect(try read([]) == [])
    }

    /// RFC 4861 section 4.6: unknown options are skipped by their length (kept as `.other`).
    @Test func skipsUnknownOptionsByLength() throws {
        let nonce: [UInt8] = [14, 1, 0x2B, 0xEB, 0x08, 0x41, 0x1A, 0x58]
        let mtu: [UInt8] = [5, 1, 0, 0, 0, 0, 0x05, 0xDC]
        let big: [UInt8] = [200, 2] + Array(repeating: 7, count: 14)
        let options = try read(nonce + mtu + big + [1, 1, 2, 0, 0, 0, 0, 0x0A])
        #expect(options == [
            .other(type: 14, body: Array(nonce.dropFirst(2))),
            .other(type: 5, body: Array(mtu.dropFirst(2))),
            .other(type: 200, body: Array(repeating: 7, count: 14)),
            .sourceLinkLayerAddress(C.macA),
        ])
    }

    /// RFC 4861 section 4.6: "Nodes MUST silently discard an ND packet that contains an option
    /// with length zero."
    @Test func lengthZeroIsInvalid() {
        #expect(throws: FrameError.ndpOptionLengthZero(offset: 24)) { try read([14, 0, 0, 0, 0, 0, 0, 0]) }
        #expect(throws: FrameError.ndpOptionLengthZero(offset: 32)) {
            try read([1, 1, 2, 0, 0, 0, 0, 0x0A, 99, 0])
        }
    }

    @Test func overrunsAreTyped() {
        #expect(throws: FrameError.ndpOptionOverrun(offset: 24, length: 2, available: 1)) { try read([1]) }
        #expect(throws: FrameError.ndpOptionOverrun(offset: 24, length: 8, available: 7)) {
            try read([1, 1, 2, 0, 0, 0, 0])
        }
        #expect(throws: FrameError.ndpOptionOverrun(offset: 32, length: 16, available: 8)) {
            try read([1, 1, 2, 0, 0, 0, 0, 0x0A, 14, 2, 0, 0, 0, 0, 0, 0])
        }
    }

    /// RFC 2464 section 6: the Ethernet link-layer address option has Length 1.
    @Test func linkLayerOptionsMustHaveLengthOne() {
        #expect(throws: FrameError.linkLayerAddressOptionLength(2)) {
            try read([1, 2] + Array(repeating: 0, count: 14))
        }
        #expect(throws: FrameError.linkLayerAddressOptionLength(3)) {
            try read([2, 3] + Array(repeating: 0, count: 22))
        }
    }

    @Test func errorsReadNothing() {
        var b = ByteBuffer(bytes: [1, 1, 2, 0, 0, 0, 0, 0x0A, 14, 0])
        #expect(throws: FrameError.self) { try b.readNDPOptions() }
        #expect(b.readerIndex == 0 && b.readableBytes == 10)
    }

    @Test(arguments: [
        NDPOption.sourceLinkLayerAddress(MACAddress(2, 0, 0, 0, 0, 0x0A)),
        .targetLinkLayerAddress(.broadcast),
        .other(type: 14, body: [1, 2, 3, 4, 5, 6]),
        .other(type: 250, body: Array(repeating: 0x55, count: 22)),
    ])
    func roundTrips(_ option: NDPOption) throws {
        var b = ByteBuffer()
        #expect(b.writeNDPOption(option) == option.encodedLength)
        #expect(option.encodedLength % 8 == 0)
        #expect(try b.readNDPOptions() == [option])
    }

    @Test func otherBodiesArePaddedAndCut() throws {
        var b = ByteBuffer()
        b.writeNDPOption(.other(type: 9, body: [1, 2, 3]))
        #expect(b.readableBytes == 8)
        #expect(try b.readNDPOptions() == [.other(type: 9, body: [1, 2, 3, 0, 0, 0])])

        let huge = NDPOption.other(type: 9, body: Array(repeating: 1, count: 5000))
        #expect(huge.encodedLength == 255 * 8)
        var c = ByteBuffer()
        #expect(c.writeNDPOption(huge) == 255 * 8)
        #expect(try c.readNDPOptions() == [.other(type: 9, body: Array(repeating: 1, count: NDPOption.maximumBodyLength))])
        #expect(NDPOption.other(type: 9, body: []).encodedLength == 8)
    }
}
