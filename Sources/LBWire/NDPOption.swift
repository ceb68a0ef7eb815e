import NIOCore

/// A neighbor discovery option, RFC 4861 section 4.6: Type (8 bits), Length (8 bits, the whole
/// option in units of 8 octets), then the body.
public enum NDPOption: Hashable, Sendable {
    /// Type 1, RFC 4861 section 4.6.1: the link-layer address of the sender of a solicitation.
    case sourceLinkLayerAddress(MACAddress)
    /// Type 2, RFC 4861 section 4.6.1: the link-layer address of the target of an advertisement.
    case targetLinkLayerAddress(MACAddress)
    /// Any other option (a DAD Nonce, RFC 7527 type 14, for instance). RFC 4861 section 4.6:
    /// "Receivers MUST silently ignore any options they do not recognize and continue
    /// processing the message." `body` is everything after the Type and Length octets, kept so
    /// that a decoded message encodes back to the same bytes.
    case other(type: UInt8, body: [UInt8])

    public static let typeSourceLinkLayerAddress: UInt8 = 1
    public static let typeTargetLinkLayerAddress: UInt8 = 2

    /// The longest `.other` body a Length octet can describe: 255 * 8 - 2 bytes.
    public static let maximumBodyLength = 255 * 8 - 2

    public var type: UInt8 {
        switch self {
        case .sourceLinkLayerAddress: return NDPOption.typeSourceLinkLayerAddress
        case .targetLinkLayerAddress: return NDPOption.typeTargetLinkLayerAddress
        case .other(let type, _): return type
        }
    }

    /// The option's size on the wire, a multiple of 8.
    public var encodedLength: Int {
        switch self {
        case .sourceLinkLayerAddress, .targetLinkLayerAddress: return 8
        case .other(_, let body):
            let n = 2 + min(body.count, NDPOption.maximumBodyLength)
            return (n + 7) / 8 * 8
        }
    }
}

extension ByteBuffer {
    /// Reads options until the buffer is empty (options fill the rest of an NDP message).
    /// `messageOffset` is the offset of the first option within the ICMPv6 message, used only
    /// to name the place of an error. On error nothing is read.
    public mutating func readNDPOptions(messageOffset: Int = 24) throws(FrameError) -> [NDPOption] {
        var b = self
        var options: [NDPOption] = []
        while b.readableBytes > 0 {
            let offset = messageOffset + (self.readableBytes - b.readableBytes)
            guard b.readableBytes >= 2, let type = b.readInteger(as: UInt8.self),
                let units = b.readInteger(as: UInt8.self)
            else { throw .ndpOptionOverrun(offset: offset, length: 2, available: b.readableBytes) }
            guard units > 0 else { throw .ndpOptionLengthZero(offset: offset) }
            let length = Int(units) * 8
            guard let body = b.readBytes(length: length - 2) else {
                throw .ndpOptionOverrun(offset: offset, length: length, available: b.readableBytes + 2)
            }
            switch type {
            case NDPOption.typeSourceLinkLayerAddress, NDPOption.typeTargetLinkLayerAddress:
                guard units == 1, let mac = MACAddress(bytes: body.prefix(6)) else {
                    throw .linkLayerAddressOptionLength(Int(units))
                }
                options.append(
                    type == NDPOption.typeSourceLinkLayerAddress
                        ? .sourceLinkLayerAddress(mac) : .targetLinkLayerAddress(mac))
            default:
                options.append(.other(type: type, body: body))
            }
        }
        self = b
        return options
    }

    /// Writes one option, padding an `.other` body with zeros to a multiple of 8 octets (and
    /// cutting it at `NDPOption.maximumBodyLength`); returns the number of bytes written.
    @discardableResult
    public mutating func writeNDPOption(_ option: NDPOption) -> Int {
        let length = option.encodedLength
        var n = writeInteger(option.type) + writeInteger(UInt8(length / 8))
        switch option {
        case .sourceLinkLayerAddress(let mac), .targetLinkLayerAddress(let mac):
            n += writeMACAddress(mac)
        case .other(_, let body):
            n += writeBytes(body.prefix(NDPOption.maximumBodyLength))
        }
        return n + writeRepeatingByte(0, count: length - n)
    }
}
