import LBCore
import LBWire
import LBTestSupport
import NIOCore

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
