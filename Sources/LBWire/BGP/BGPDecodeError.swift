import LBCore

/// Why a BGP message could not be accepted, with the NOTIFICATION RFC 4271 section 6 (as
/// revised by RFC 7606) prescribes for it.
///
/// When `action` is `.sessionReset` the caller sends `notification` and closes the session.
/// When it is `.treatAsWithdraw` (RFC 7606 section 2) the UPDATE has been consumed whole, no
/// NOTIFICATION is sent, the routes it carried are treated as withdrawn (IronLB ignores
/// received routes anyway), the error is logged with `notification` as its classification,
/// and decoding continues with the next message.
public struct BGPDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// RFC 7606 section 2 error-handling approaches.
    public enum Action: Sendable, Hashable {
        /// Send the NOTIFICATION and close the session (RFC 4271 section 6).
        case sessionReset
        /// Keep the session; treat the UPDATE's routes as withdrawn (RFC 7606 section 2).
        case treatAsWithdraw
    }

    public var notification: BGPNotification
    public var action: Action
    /// A human-readable reason naming the field and value, for logs.
    public var reason: String

    public init(_ notification: BGPNotification, action: Action = .sessionReset, reason: String) {
        self.notification = notification
        self.action = action
        self.reason = reason
    }

    public var description: String { "\(reason) -> \(notification) (\(action))" }

    static func header(_ subcode: UInt8, data: [UInt8] = [], _ reason: String) -> BGPDecodeError {
        BGPDecodeError(
            BGPNotification(code: BGPNotification.Code.messageHeaderError, subcode: subcode, data: data),
            reason: reason)
    }

    static func open(_ subcode: UInt8, data: [UInt8] = [], _ reason: String) -> BGPDecodeError {
        BGPDecodeError(
            BGPNotification(code: BGPNotification.Code.openMessageError, subcode: subcode, data: data),
            reason: reason)
    }

    static func update(
        _ subcode: UInt8, data: [UInt8] = [], _ action: Action, _ reason: String
    ) -> BGPDecodeError {
        BGPDecodeError(
            BGPNotification(code: BGPNotification.Code.updateMessageError, subcode: subcode, data: data),
            action: action, reason: reason)
    }
}

/// Why a message could not be encoded (the input, not the peer, is at fault).
public enum BGPEncodeError: Error, Sendable, Hashable {
    /// An IPv4 prefix was announced without an IPv4 NEXT_HOP, or an IPv6 one without an IPv6
    /// next hop (RFC 4271 section 5.1.3, RFC 4760 section 3).
    case missingNextHop(IPFamily)
    /// The path attributes alone do not fit into a 4096-byte UPDATE (RFC 4271 section 4.3).
    case attributesTooLarge(Int)
    /// A message body does not fit into the 4096-byte maximum (RFC 4271 section 4.1).
    case messageTooLarge(Int)
    /// An OPEN's capabilities take more than the 255 octets of Optional Parameters Length
    /// (RFC 4271 section 4.2).
    case optionalParametersTooLarge(Int)
}
