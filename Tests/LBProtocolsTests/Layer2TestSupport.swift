import LBCore
import LBWire
import NIOCore

/// A deterministic 64-bit PRNG (SplitMix64, Steele, Lea & Flood 2014) so fuzz runs are
/// reproducible from their seed.
struct Layer2Random: RandomNumberGenerator {
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
    var layer2Hex: String {
        readableBytesView.map { b in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }

    /// The first `length` readable bytes as a new buffer.
    func layer2Prefix(_ length: Int) -> ByteBuffer {
        getSlice(at: readerIndex, length: Swift.min(length, readableBytes)) ?? ByteBuffer()
    }

    /// A copy with the byte at readable offset `offset` replaced.
    func layer2Setting(_ value: UInt8, at offset: Int) -> ByteBuffer {
        var copy = self
        copy.setInteger(value, at: readerIndex + offset)
        return copy
    }
}

/// A fixture address; traps on a typo in the test itself.
func layer2Addr(_ text: String) -> IPAddress {
    guard let a = IPAddress(text) else { preconditionFailure("bad test address \(text)") }
    return a
}

/// A fixture MAC; traps on a typo in the test itself.
func layer2MAC(_ text: String) -> MACAddress {
    guard let m = MACAddress(text) else { preconditionFailure("bad test MAC \(text)") }
    return m
}

extension ByteBuffer {
    /// Recomputes the ICMPv6 checksum of an untagged Ethernet/IPv6 frame whose payload is
    /// complete, so a test can change a field after the checksum without failing it.
    func layer2FixingChecksum() -> ByteBuffer {
        var b = self
        let base = b.readerIndex
        guard b.readableBytes >= 58, b.getInteger(at: base + 12, as: UInt16.self) == 0x86DD,
            let length = b.getInteger(at: base + 18, as: UInt16.self), Int(length) >= 4,
            54 + Int(length) <= b.readableBytes,
            var source = b.getSlice(at: base + 22, length: 16), var destination = b.getSlice(at: base + 38, length: 16),
            let s = source.readIPv6Address(), let d = destination.readIPv6Address()
        else { return b }
        b.setInteger(UInt16(0), at: base + 56)
        guard let message = b.getSlice(at: base + 54, length: Int(length)) else { return b }
        b.setInteger(ICMPv6Checksum.compute(message: message, source: s, destination: d), at: base + 56)
        return b
    }
}
