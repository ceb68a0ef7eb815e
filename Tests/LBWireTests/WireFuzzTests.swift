import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

/// Fuzz-style runs over every decoder: seeded, so a failure reproduces; tens of thousands of
/// inputs in a few seconds. Decoders must return a value or a `FrameError` (the typed throws
/// make "no other error" a compile-time fact; the run makes "no trap" a tested one), and any
/// value they return must survive encode -> decode unchanged.
@Suite struct WireFuzzTests {
    typealias C = CapturedFrames

    static let iterations = 30_000

    /// Random frames biased towards the shapes the decoders care about, so the runs reach past
    /// the first check: pure noise, plausible headers with random bodies, and mutations of the
    /// captured frames (with the ICMPv6 checksum repaired half the time so option parsing runs).
    struct FrameGenerator {
        var rng: SplitMix64
        let seeds = C.arpFrames + C.ndpFrames + C.otherFrames

        mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }

        mutating func next() -> ByteBuffer {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0...1: return ByteBuffer(bytes: bytes(Int.random(in: 0...128, using: &rng)))
            case 2...4: return plausible()
            default: return mutated()
            }
        }

        mutating func plausible() -> ByteBuffer {
            var b = ByteBuffer(bytes: bytes(12))
            if Bool.random(using: &rng) { b.writeInteger(UInt16(0x8100)); b.writeBytes(bytes(2)) }
            let arp = Bool.random(using: &rng)
            b.writeInteger(arp ? UInt16(0x0806) : 0x86DD)
            if arp {
                b.writeBytes([0, 1, 8, 0, 6, 4])
                b.writeBytes(bytes(Int.random(in: 0...40, using: &rng)))
            } else {
                let options = Int.random(in: 0...4, using: &rng) * 8
                b.writeInteger(UInt32(0x6000_0000))
                b.writeInteger(UInt16(24 + options))
                b.writeBytes([58, UInt8.random(in: 254...255, using: &rng)])
                b.writeBytes(bytes(32))
                b.writeBytes([UInt8.random(in: 135...136, using: &rng), 0, 0, 0])
                b.writeBytes(bytes(20))
                for _ in 0..<(options / 8) {
                    b.writeBytes([UInt8.random(in: 0...4, using: &rng), UInt8.random(in: 0...2, using: &rng)])
                    b.writeBytes(bytes(6))
                }
                b.writeBytes(bytes(Int.random(in: 0...3, using: &rng)))
                if Int.random(in: 0..<4, using: &rng) > 0 { repairChecksum(&b) }
            }
            return b
        }

        mutating func mutated() -> ByteBuffer {
            var b = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...4, using: &rng) where b.readableBytes > 0 {
                let at = Int.random(in: 0..<b.readableBytes, using: &rng)
                b.setInteger(UInt8.random(in: 0...255, using: &rng), at: b.readerIndex + at)
            }
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: b = b.prefix(Int.random(in: 0...b.readableBytes, using: &rng))
            case 1: b.writeBytes(bytes(Int.random(in: 1...16, using: &rng)))
            default: break
            }
            if Bool.random(using: &rng) { repairChecksum(&b) }
            return b
        }

        /// Makes the ICMPv6 checksum of an untagged IPv6 frame right, where the lengths allow.
        func repairChecksum(_ b: inout ByteBuffer) {
            guard b.readableBytes >= 58, b.getInteger(at: b.readerIndex + 12, as: UInt16.self) == 0x86DD,
                let length = b.getInteger(at: b.readerIndex + 18, as: UInt16.self), Int(length) >= 4,
                54 + Int(length) <= b.readableBytes,
                let source = b.getSlice(at: b.readerIndex + 22, length: 16).flatMap({ s -> IPAddress? in var s = s; return s.readIPv6Address() }),
                let destination = b.getSlice(at: b.readerIndex + 38, length: 16).flatMap({ s -> IPAddress? in var s = s; return s.readIPv6Address() }),
                let message = b.getSlice(at: b.readerIndex + 54, length: Int(length))
            else { return }
            b.setInteger(ICMPv6Checksum.compute(message: message, source: source, destination: destination), at: b.readerIndex + 56)
        }
    }

    @Test func frameDecodersNeverTrapAndRoundTrip() throws {
        var generator = FrameGenerator(rng: SplitMix64(seed: 0x1B_2A_0004))
        var decodedARP = 0, decodedNDP = 0
        for _ in 0..<Self.iterations {
            let input = generator.next()
            if let arp = try? ARPFrame(decoding: input) {
                decodedARP += 1
                #expect(try ARPFrame(decoding: arp.encoded()) == arp, "\(input.hexDump)")
            }
            if let ndp = try? NDPFrame(decoding: input) {
                decodedNDP += 1
                #expect(try NDPFrame(decoding: ndp.encoded()) == ndp, "\(input.hexDump)")
            }
        }
        // The generator must reach the end of both decoders often, or the run proves little.
        #expect(decodedARP > Self.iterations / 20)
        #expect(decodedNDP > Self.iterations / 20)
    }

    /// The `ByteBuffer` readers, fed random bytes at a random reader index: a value or a typed
    /// error, and on error the reader index is where it was.
    @Test func bufferReadersNeverTrapAndReadNothingOnError() {
        var rng = SplitMix64(seed: 0x1B_2A_0005)
        for _ in 0..<Self.iterations {
            let skip = Int.random(in: 0...3, using: &rng)
            let n = Int.random(in: 0...64, using: &rng)
            var b = ByteBuffer(bytes: (0..<(skip + n)).map { _ in UInt8.random(in: 0...255, using: &rng) })
            if n > 0, Bool.random(using: &rng) { b.setInteger(UInt8(0x60), at: skip) }  // IPv6 version
            b.moveReaderIndex(forwardBy: skip)
            let start = b.readerIndex
            var e = b
            if (try? e.readEthernetHeader()) == nil { #expect(e.readerIndex == start) }
            var a = b
            if (try? a.readARPPacket()) == nil { #expect(a.readerIndex == start) }
            var i = b
            if (try? i.readIPv6Header()) == nil { #expect(i.readerIndex == start) }
            var o = b
            if (try? o.readNDPOptions()) == nil { #expect(o.readerIndex == start) } else { #expect(o.readableBytes == 0) }
            _ = try? NDPMessage(decoding: b, source: .ipv6Unspecified, destination: .ipv6AllNodes)
        }
    }

    /// Every single-byte change of every captured frame, at every position and a spread of
    /// values: decoding gives a value or a typed error.
    @Test func everySingleByteMutationOfCapturesIsHandled() {
        var outcomes: [String: Int] = [:]
        for frame in C.arpFrames + C.ndpFrames {
            for offset in 0..<frame.readableBytes {
                for value: UInt8 in [0x00, 0x01, 0x06, 0x3A, 0x7F, 0x80, 0x87, 0x88, 0xFF] {
                    let mutated = frame.setting(value, at: offset)
                    let arp = frameError { () throws(FrameError) in try ARPFrame(decoding: mutated) }
                    let ndp = frameError { () throws(FrameError) in try NDPFrame(decoding: mutated) }
                    outcomes[arp.map { "\($0)".prefix(12).description } ?? "ok", default: 0] += 1
                    outcomes[ndp.map { "\($0)".prefix(12).description } ?? "ok", default: 0] += 1
                }
            }
        }
        #expect(outcomes["ok", default: 0] > 0)
        #expect(outcomes.count > 5, "mutations reach several distinct errors: \(outcomes)")
    }
}
