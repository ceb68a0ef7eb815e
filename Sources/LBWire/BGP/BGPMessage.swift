import NIOCore

/// One BGP-4 message (RFC 4271 section 4; ROUTE-REFRESH from RFC 2918).
public enum BGPMessage: Sendable, Hashable {
    case open(BGPOpen)
    case update(BGPUpdate)
    case notification(BGPNotification)
    case keepalive
    case routeRefresh(BGPRouteRefresh)

    /// RFC 4271 section 4.1 "Type" (1-4), RFC 2918 section 3 (5).
    public enum MessageType {
        public static let open: UInt8 = 1
        public static let update: UInt8 = 2
        public static let notification: UInt8 = 3
        public static let keepalive: UInt8 = 4
        public static let routeRefresh: UInt8 = 5
    }

    /// RFC 4271 section 4.1: the fixed header is 19 bytes (16 marker, 2 length, 1 type).
    public static let headerLength = 19
    /// RFC 4271 section 4.1: "The value of the Length field MUST always be at least 19 and no
    /// greater than 4096". (RFC 8654 extended messages are not negotiated by IronLB.)
    public static let maximumLength = 4096

    /// The type octet of this message.
    public var type: UInt8 {
        switch self {
        case .open: MessageType.open
        case .update: MessageType.update
        case .notification: MessageType.notification
        case .keepalive: MessageType.keepalive
        case .routeRefresh: MessageType.routeRefresh
        }
    }

    /// Writes the whole message, header included. Throws when the body exceeds 4096 - 19 bytes.
    public func encode(into buffer: inout ByteBuffer) throws(BGPEncodeError) {
        let start = buffer.writerIndex
        buffer.writeBGPHeaderPlaceholder(type: type)
        switch self {
        case .open(let open):
            do { try open.encodeBody(into: &buffer) } catch {
                buffer.moveWriterIndex(to: start)
                throw error
            }
        case .update(let update): update.encodeBody(into: &buffer)
        case .notification(let notification): notification.encodeBody(into: &buffer)
        case .keepalive: break
        case .routeRefresh(let refresh): refresh.encodeBody(into: &buffer)
        }
        let length = buffer.writerIndex - start
        guard length <= BGPMessage.maximumLength else {
            buffer.moveWriterIndex(to: start)
            throw .messageTooLarge(length)
        }
        buffer.setInteger(UInt16(length), at: start + 16)
    }

    /// The message as a new buffer.
    public func encoded() throws(BGPEncodeError) -> ByteBuffer {
        var buffer = ByteBuffer()
        try encode(into: &buffer)
        return buffer
    }
}

extension ByteBuffer {
    /// RFC 4271 section 4.1: Marker (16 octets of all ones), Length (filled in later), Type.
    mutating func writeBGPHeaderPlaceholder(type: UInt8) {
        writeRepeatingByte(0xFF, count: 16)
        writeInteger(UInt16(0))
        writeInteger(type)
    }
}
