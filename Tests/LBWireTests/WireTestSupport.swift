import LBCore
import LBWire
import NIOCore

/// A deterministic 64-bit PRNG (SplitMix64, Steele, Lea & Flood 2014) so fuzz runs are
/// reproducible from their seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension ByteBuffer {
    /// The readable bytes as lowercase hex, for failure messages.
    var hexDump: String {
        readableBytesView.map { b in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }

    /// The first `length` readable bytes as a new buffer.
    func prefix(_ length: Int) -> ByteBuffer {
        getSlice(at: readerIndex, length: Swift.min(length, readableBytes)) ?? ByteBuffer()
    }

    /// A copy with the byte at readable offset `offset` replaced.
    func setting(_ value: UInt8, at offset: Int) -> ByteBuffer {
        var copy = self
        copy.setInteger(value, at: readerIndex + offset)
        return copy
    }
}

/// The error `body` throws, nil if it returns.
func frameError<T>(_ body: () throws(FrameError) -> T) -> FrameError? {
    do throws(FrameError) {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// A fixture address; traps on a typo in the test itself.
func addr(_ text: String) -> IPAddress {
    guard let a = IPAddress(text) else { preconditionFailure("bad test address \(text)") }
    return a
}
