import LBCore
import NIOCore

/// The fixed IPv6 header, RFC 8200 section 3.
///
/// ```
/// Version 4 | Traffic Class 8 | Flow Label 20
/// Payload Length 16 | Next Header 8 | Hop Limit 8
/// Source Address 128
/// Destination Address 128
/// ```
public struct IPv6Header: Hashable, Sendable {
    /// 40 bytes.
    public static let length = 40
    /// IANA protocol number of ICMPv6 (RFC 4443).
    public static let nextHeaderICMPv6: UInt8 = 58

    /// The "Next Header" values that are IPv6 extension headers (RFC 8200 section 4, RFC 7045
    /// section 4 / the IANA "IPv6 Extension Header Types" registry): Hop-by-Hop (0), Routing
    /// (43), Fragment (44), ESP (50), AH (51), Destination Options (60), Mobility (135), HIP
    /// (139), Shim6 (140) and the experimental 253 and 254.
    public static let extensionHeaders: Set<UInt8> = [0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254]

    public var trafficClass: UInt8
    /// 20 bits.
    public var flowLabel: UInt32
    /// The length of everything after this header, in bytes.
    public var payloadLength: UInt16
    public var nextHeader: UInt8
    /// RFC 4861 section 7.1.1: 255 on every valid neighbor discovery message.
    public var hopLimit: UInt8
    /// An IPv6 address.
    public var source: IPAddress
    /// An IPv6 address.
    public var destination: IPAddress

    public init(
        source: IPAddress, destination: IPAddress, nextHeader: UInt8 = IPv6Header.nextHeaderICMPv6,
        hopLimit: UInt8 = 255, payloadLength: UInt16 = 0, trafficClass: UInt8 = 0, flowLabel: UInt32 = 0
    ) {
        self.trafficClass = trafficClass
        self.flowLabel = flowLabel & 0xF_FFFF
        self.payloadLength = payloadLength
        self.nextHeader = nextHeader
        self.hopLimit = hopLimit
        self.source = source
        self.destination = destination
    }
}

extension ByteBuffer {
    /// Reads the 40-byte fixed IPv6 header; the version must be 6. Neither the next header nor
    /// the payload length is checked against what follows: that is the frame decoder's job.
    /// On error nothing is read.
    public mutating func readIPv6Header() throws(FrameError) -> IPv6Header {
        var b = self
        let available = b.readableBytes
        guard let first = b.readInteger(as: UInt32.self), let payloadLength = b.readInteger(as: UInt16.self),
            let nextHeader = b.readInteger(as: UInt8.self), let hopLimit = b.readInteger(as: UInt8.self),
            let source = b.readIPv6Address(), let destination = b.readIPv6Address()
        else { throw .truncated(.ipv6, needed: IPv6Header.length, available: available) }
        let version = UInt8(first >> 28)
        guard version == 6 else { throw .ipVersion(version) }
        self = b
        return IPv6Header(
            source: source, destination: destination, nextHeader: nextHeader, hopLimit: hopLimit,
            payloadLength: payloadLength, trafficClass: UInt8(truncatingIfNeeded: first >> 20),
            flowLabel: first & 0xF_FFFF)
    }

    /// Writes `header` (40 bytes) as given; returns the number of bytes written.
    @discardableResult
    public mutating func writeIPv6Header(_ header: IPv6Header) -> Int {
        let first = UInt32(6) << 28 | UInt32(header.trafficClass) << 20 | (header.flowLabel & 0xF_FFFF)
        return writeInteger(first) + writeInteger(header.payloadLength)
            + writeInteger(header.nextHeader) + writeInteger(header.hopLimit)
            + writeIPv6Address(header.source) + writeIPv6Address(header.destination)
    }
}
