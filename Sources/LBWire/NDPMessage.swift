import LBCore
import NIOCore

/// The two neighbor discovery messages IronLB reads and writes, as ICMPv6 messages (RFC 4443
/// section 2.1: Type, Code, Checksum, then the body).
public enum NDPMessage: Hashable, Sendable {
    case neighborSolicitation(NeighborSolicitation)
    case neighborAdvertisement(NeighborAdvertisement)

    /// RFC 4861 section 4.3.
    public static let typeNeighborSolicitation: UInt8 = 135
    /// RFC 4861 section 4.4.
    public static let typeNeighborAdvertisement: UInt8 = 136
    /// Type, code, checksum, 32 bits of reserved/flags and a 128-bit target: RFC 4861 sections
    /// 7.1.1/7.1.2, "ICMP length (derived from the IP length) is 24 or more octets".
    public static let minimumLength = 24

    public var type: UInt8 {
        switch self {
        case .neighborSolicitation: return NDPMessage.typeNeighborSolicitation
        case .neighborAdvertisement: return NDPMessage.typeNeighborAdvertisement
        }
    }

    public var target: IPAddress {
        switch self {
        case .neighborSolicitation(let ns): return ns.target
        case .neighborAdvertisement(let na): return na.target
        }
    }

    public var options: [NDPOption] {
        switch self {
        case .neighborSolicitation(let ns): return ns.options
        case .neighborAdvertisement(let na): return na.options
        }
    }

    /// Length of the encoded ICMPv6 message.
    public var encodedLength: Int {
        options.reduce(NDPMessage.minimumLength) { $0 + $1.encodedLength }
    }

    /// Decodes a whole ICMPv6 message (the IPv6 payload, exactly `payloadLength` bytes). In
    /// order: the type must be NS or NA, the checksum over the pseudo-header of `source` and
    /// `destination` must be valid (RFC 4443 section 2.3), the code must be 0 and the message at
    /// least 24 bytes (RFC 4861 sections 7.1.1/7.1.2), every option must have a non-zero length
    /// that fits (section 4.6). Reserved bits are ignored. Hop limit, target and address rules
    /// of section 7.1 are left to the caller, which knows what it will do with the message.
    public init(decoding message: ByteBuffer, source: IPAddress, destination: IPAddress) throws(FrameError) {
        var b = message
        let length = b.readableBytes
        guard let type = b.readInteger(as: UInt8.self), let code = b.readInteger(as: UInt8.self),
            let checksum = b.readInteger(as: UInt16.self)
        else { throw .truncated(.icmpv6, needed: 4, available: length) }
        guard type == NDPMessage.typeNeighborSolicitation || type == NDPMessage.typeNeighborAdvertisement else {
            throw .unsupportedICMPv6Type(type)
        }
        guard ICMPv6Checksum.isValid(message: message, source: source, destination: destination) else {
            let expected = ICMPv6Checksum.compute(message: message, source: source, destination: destination)
            throw .badChecksum(received: checksum, expected: expected)
        }
        guard code == 0 else { throw .icmpv6Code(type: type, code: code) }
        guard let word = b.readInteger(as: UInt32.self), let target = b.readIPv6Address() else {
            throw .truncated(.ndp, needed: NDPMessage.minimumLength, available: length)
        }
        let options = try b.readNDPOptions(messageOffset: NDPMessage.minimumLength)
        if type == NDPMessage.typeNeighborSolicitation {
            self = .neighborSolicitation(NeighborSolicitation(target: target, options: options))
        } else {
            self = .neighborAdvertisement(
                NeighborAdvertisement(
                    router: word & 0x8000_0000 != 0, solicited: word & 0x4000_0000 != 0,
                    override: word & 0x2000_0000 != 0, target: target, options: options))
        }
    }
}

extension ByteBuffer {
    /// Writes `message` as an ICMPv6 message with its checksum computed over the pseudo-header
    /// of `source` and `destination`; returns the number of bytes written.
    @discardableResult
    public mutating func writeNDPMessage(_ message: NDPMessage, source: IPAddress, destination: IPAddress) -> Int {
        let start = writerIndex
        var n = writeInteger(message.type) + writeInteger(UInt8(0)) + writeInteger(UInt16(0))
        switch message {
        case .neighborSolicitation: n += writeInteger(UInt32(0))
        case .neighborAdvertisement(let na): n += writeInteger(na.flagWord)
        }
        n += writeIPv6Address(message.target)
        for option in message.options { n += writeNDPOption(option) }
        if let written = getSlice(at: start, length: n) {
            let checksum = ICMPv6Checksum.compute(message: written, source: source, destination: destination)
            setInteger(checksum, at: start + 2)
        }
        return n
    }
}
