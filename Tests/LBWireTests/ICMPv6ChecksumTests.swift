import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

@Suite struct ICMPv6ChecksumTests {
    typealias C = CapturedFrames

    /// The ICMPv6 message of a captured frame, with the addresses of its pseudo-header.
    func message(_ frame: ByteBuffer, afterExtension: Int = 0) throws -> (ByteBuffer, IPAddress, IPAddress) {
        var b = frame
        b.moveReaderIndex(forwardBy: 14)
        let ip = try b.readIPv6Header()
        b.moveReaderIndex(forwardBy: afterExtension)
        let slice = b.readSlice(length: Int(ip.payloadLength) - afterExtension)
        let body = try #require(slice)
        return (body, ip.source, ip.destination)
    }

    /// Linux computes every one of these in software (`csum_ipv6_magic`), so they are the real
    /// RFC 4443 section 2.3 checksum over the RFC 8200 section 8.1 pseudo-header.
    @Test func kernelChecksumsVerify() throws {
        var all = try (C.ndpFrames + [C.kernelRouterSolicitation, C.kernelPortUnreachable]).map { try message($0) }
        all.append(try message(C.kernelMLDReport, afterExtension: 8))
        for (body, source, destination) in all {
            #expect(ICMPv6Checksum.isValid(message: body, source: source, destination: destination))
            let field = body.getInteger(at: body.readerIndex + 2, as: UInt16.self)
            #expect(ICMPv6Checksum.compute(message: body, source: source, destination: destination) == field)
        }
    }

    @Test func anyFlippedBitIsDetected() throws {
        let (body, source, destination) = try message(C.kernelSolicitation)
        for offset in 0..<body.readableBytes {
            for bit in 0..<8 {
                var corrupted = body
                let byte = corrupted.getInteger(at: corrupted.readerIndex + offset, as: UInt8.self) ?? 0
                corrupted.setInteger(byte ^ (1 << bit), at: corrupted.readerIndex + offset)
                #expect(!ICMPv6Checksum.isValid(message: corrupted, source: source, destination: destination))
            }
        }
        // The pseudo-header is covered too: another source or destination fails.
        #expect(!ICMPv6Checksum.isValid(message: body, source: .ipv6Unspecified, destination: destination))
        #expect(!ICMPv6Checksum.isValid(message: body, source: source, destination: .ipv6AllNodes))
    }

    /// One's complement has two zeros: a field of 0xFFFF where 0x0000 was computed verifies.
    @Test func acceptsBothZeroes() throws {
        let source = addr("2001:db8::1")
        let destination = addr("2001:db8::2")
        var b = ByteBuffer(bytes: [135, 0, 0, 0, 0, 0, 0, 0])
        // Choose the last two bytes so that the computed checksum is 0x0000.
        let c = ICMPv6Checksum.compute(message: b, source: source, destination: destination)
        b.setInteger(c, at: 6)
        #expect(ICMPv6Checksum.compute(message: b, source: source, destination: destination) == 0)
        #expect(ICMPv6Checksum.isValid(message: b, source: source, destination: destination))
        b.setInteger(UInt16(0xFFFF), at: 2)
        #expect(ICMPv6Checksum.isValid(message: b, source: source, destination: destination))
    }

    @Test func oddLengthMessagesArePaddedWithZero() throws {
        let source = addr("fe80::1")
        let destination = IPAddress.ipv6AllNodes
        var b = ByteBuffer(bytes: [1, 0, 0, 0, 0xAB, 0xCD, 0xEF])
        let c = ICMPv6Checksum.compute(message: b, source: source, destination: destination)
        b.setInteger(c, at: 2)
        #expect(ICMPv6Checksum.isValid(message: b, source: source, destination: destination))
        // The trailing odd byte is summed as its high octet.
        var flipped = b
        flipped.setInteger(UInt8(0xEE), at: 6)
        #expect(!ICMPv6Checksum.isValid(message: flipped, source: source, destination: destination))
    }

    @Test func emptyAndTinyMessagesDoNotTrap() {
        for n in 0..<4 {
            let b = ByteBuffer(bytes: Array(repeating: 0xFF, count: n))
            _ = ICMPv6Checksum.compute(message: b, source: .ipv6Unspecified, destination: .ipv6AllNodes)
            _ = ICMPv6Checksum.isValid(message: b, source: .ipv6Unspecified, destination: .ipv6AllNodes)
        }
    }
}
