import NIOCore

/// Splits a TCP byte stream into BGP messages (RFC 4271 section 4), SwiftNIO style: a pure
/// struct, fed whatever bytes have arrived.
///
/// `parseStep` returns nil while a whole message has not arrived ("need more data"; nothing is
/// consumed), returns a message and consumes its bytes, or throws a `BGPDecodeError` carrying
/// the NOTIFICATION to send. Header errors leave the buffer as is (the session ends). Body errors
/// consume the whole message first, so after a `.treatAsWithdraw` error the caller simply calls
/// `parseStep` again.
public struct BGPMessageDecoder: Sendable {
    /// Whether AS_PATH and AGGREGATOR carry 4-octet AS numbers: true once both speakers sent the
    /// 4-octet AS capability (RFC 6793 section 4.1). IronLB always sends it.
    public var fourOctetAS: Bool
    /// When set, an OPEN from another AS is "Bad Peer AS" (RFC 4271 section 6.2).
    public var expectedPeerAS: UInt32?

    public init(fourOctetAS: Bool = true, expectedPeerAS: UInt32? = nil) {
        self.fourOctetAS = fourOctetAS
        self.expectedPeerAS = expectedPeerAS
    }

    public mutating func parseStep(_ buffer: inout ByteBuffer) throws(BGPDecodeError) -> BGPMessage? {
        typealias H = BGPNotification.HeaderSubcode
        let start = buffer.readerIndex
        // RFC 4271 section 6.1: a marker that is not all ones -> Connection Not Synchronized.
        // Checked on the octets already here, so a bad stream is refused without waiting.
        let markerSeen = min(16, buffer.readableBytes)
        if let marker = buffer.getBytes(at: start, length: markerSeen), marker.contains(where: { $0 != 0xFF }) {
            throw .header(H.connectionNotSynchronized, "marker is not all ones")
        }
        guard let length: UInt16 = buffer.getInteger(at: start + 16), let type: UInt8 = buffer.getInteger(at: start + 18)
        else { return nil }
        // RFC 4271 section 6.1: Bad Message Type, data = the type octet.
        guard let minimum = Self.minimumLength(type: type) else {
            throw .header(H.badMessageType, data: [type], "message type \(type)")
        }
        // RFC 4271 section 6.1: Bad Message Length, data = the erroneous Length field. KEEPALIVE
        // is exactly 19 octets; ROUTE-REFRESH exactly 23 (RFC 2918 section 3).
        let exact = type == BGPMessage.MessageType.keepalive
        guard Int(length) >= minimum, Int(length) <= BGPMessage.maximumLength, !exact || Int(length) == minimum else {
            throw .header(H.badMessageLength, data: [UInt8(length >> 8), UInt8(length & 0xFF)], "length \(length) for type \(type)")
        }
        guard buffer.readableBytes >= Int(length) else { return nil }
        guard let whole = buffer.getSlice(at: start, length: Int(length)),
            var body = buffer.getSlice(at: start + BGPMessage.headerLength, length: Int(length) - BGPMessage.headerLength)
        else { return nil }
        buffer.moveReaderIndex(forwardBy: Int(length))
        switch type {
        case BGPMessage.MessageType.open:
            return .open(try BGPOpen.decodeBody(&body, expectedPeerAS: expectedPeerAS))
        case BGPMessage.MessageType.update:
            return .update(try BGPUpdate.decodeBody(&body, fourOctetAS: fourOctetAS))
        case BGPMessage.MessageType.notification:
            return .notification(BGPNotification.decodeBody(&body))
        case BGPMessage.MessageType.keepalive:
            return .keepalive
        default:
            // RFC 7313 section 5: a ROUTE-REFRESH whose length is not 23 -> code 7 subcode 1,
            // data = the whole message.
            guard length == 23, let refresh = BGPRouteRefresh.decodeBody(&body) else {
                let data = whole.readableBytesView.map { $0 }
                throw BGPDecodeError(
                    BGPNotification(code: BGPNotification.Code.routeRefreshMessageError,
                                    subcode: BGPNotification.RouteRefreshSubcode.invalidMessageLength, data: data),
                    reason: "ROUTE-REFRESH length \(length)")
            }
            return .routeRefresh(refresh)
        }
    }

    /// Minimum lengths per type (RFC 4271 sections 4.2-4.5). ROUTE-REFRESH is checked against
    /// 19 here: RFC 7313 section 5 reports its other lengths with its own error code.
    static func minimumLength(type: UInt8) -> Int? {
        switch type {
        case BGPMessage.MessageType.open: 29
        case BGPMessage.MessageType.update: 23
        case BGPMessage.MessageType.notification: 21
        case BGPMessage.MessageType.keepalive: 19
        case BGPMessage.MessageType.routeRefresh: 19
        default: nil
        }
    }
}
