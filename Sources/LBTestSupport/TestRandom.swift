import NIOCore

// Helpers shared by the wire and protocol test targets (not shipped in any product).

/// A deterministic 64-bit PRNG (SplitMix64, Steele, Lea & Flood 2014) so fuzz runs are
/// reproducible from their seed.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension ByteBuffer {
    /// The readable bytes as lowercase hex, for failure messages.
    public var hexDump: String {
        readableBytesView.map { b in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }

    /// The first `length` readable bytes as a new buffer.
    public func prefix(_ length: Int) -> ByteBuffer {
        getSlice(at: readerIndex, length: Swift.min(length, readableBytes)) ?? ByteBuffer()
    }

    /// A copy with the byte at readable offset `offset` replaced.
    public func setting(_ value: UInt8, at offset: Int) -> ByteBuffer {
        var copy = self
        copy.setInteger(value, at: readerIndex + offset)
        return copy
    }
}

