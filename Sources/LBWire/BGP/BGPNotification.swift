import NIOCore

/// A NOTIFICATION message (RFC 4271 section 4.5): error code, error subcode and data. It is
/// sent when an error is detected, and the connection is closed right after it.
public struct BGPNotification: Sendable, Hashable, CustomStringConvertible {
    /// RFC 4271 section 4.5 "Error code", plus the codes later RFCs registered.
    public var code: UInt8
    /// RFC 4271 section 4.5 "Error subcode"; 0 means "unspecific" when no subcode is defined.
    public var subcode: UInt8
    /// RFC 4271 section 4.5 "Data": variable, its meaning depends on code and subcode.
    public var data: [UInt8]

    public init(code: UInt8, subcode: UInt8, data: [UInt8] = []) {
        self.code = code
        self.subcode = subcode
        self.data = data
    }

    /// Error codes (RFC 4271 section 4.5; 5 from RFC 6608, 7 from RFC 7313).
    public enum Code {
        public static let messageHeaderError: UInt8 = 1
        public static let openMessageError: UInt8 = 2
        public static let updateMessageError: UInt8 = 3
        public static let holdTimerExpired: UInt8 = 4
        public static let finiteStateMachineError: UInt8 = 5
        public static let cease: UInt8 = 6
        public static let routeRefreshMessageError: UInt8 = 7
    }

    /// Message Header Error subcodes (RFC 4271 section 4.5 and 6.1).
    public enum HeaderSubcode {
        public static let connectionNotSynchronized: UInt8 = 1
        public static let badMessageLength: UInt8 = 2
        public static let badMessageType: UInt8 = 3
    }

    /// OPEN Message Error subcodes (RFC 4271 section 4.5 and 6.2; 5 is deprecated; 7 from RFC 5492).
    public enum OpenSubcode {
        public static let unsupportedVersionNumber: UInt8 = 1
        public static let badPeerAS: UInt8 = 2
        public static let badBGPIdentifier: UInt8 = 3
        public static let unsupportedOptionalParameter: UInt8 = 4
        public static let unacceptableHoldTime: UInt8 = 6
        public static let unsupportedCapability: UInt8 = 7
    }

    /// UPDATE Message Error subcodes (RFC 4271 section 4.5 and 6.3; 7 is deprecated).
    public enum UpdateSubcode {
        public static let malformedAttributeList: UInt8 = 1
        public static let unrecognizedWellKnownAttribute: UInt8 = 2
        public static let missingWellKnownAttribute: UInt8 = 3
        public static let attributeFlagsError: UInt8 = 4
        public static let attributeLengthError: UInt8 = 5
        public static let invalidOriginAttribute: UInt8 = 6
        public static let invalidNextHopAttribute: UInt8 = 8
        public static let optionalAttributeError: UInt8 = 9
        public static let invalidNetworkField: UInt8 = 10
        public static let malformedASPath: UInt8 = 11
    }

    /// Finite State Machine Error subcodes (RFC 6608 section 3).
    public enum FSMSubcode {
        public static let unexpectedMessageInOpenSent: UInt8 = 1
        public static let unexpectedMessageInOpenConfirm: UInt8 = 2
        public static let unexpectedMessageInEstablished: UInt8 = 3
    }

    /// Cease subcodes (RFC 4486 section 4; 9 from RFC 8538, 10 from RFC 9384).
    public enum CeaseSubcode {
        public static let maximumPrefixesReached: UInt8 = 1
        public static let administrativeShutdown: UInt8 = 2
        public static let peerDeconfigured: UInt8 = 3
        public static let administrativeReset: UInt8 = 4
        public static let connectionRejected: UInt8 = 5
        public static let otherConfigurationChange: UInt8 = 6
        public static let connectionCollisionResolution: UInt8 = 7
        public static let outOfResources: UInt8 = 8
        public static let hardReset: UInt8 = 9
        public static let bfdDown: UInt8 = 10
    }

    /// ROUTE-REFRESH Message Error subcodes (RFC 7313 section 5).
    public enum RouteRefreshSubcode {
        public static let invalidMessageLength: UInt8 = 1
    }

    public var description: String {
        "NOTIFICATION(\(code)/\(subcode)\(data.isEmpty ? "" : " data \(data.count)B"))"
    }

    /// Decodes the message body (everything after the 19-byte header). RFC 4271 section 4.5:
    /// the body is at least 2 bytes; the header check (length >= 21) guarantees that.
    static func decodeBody(_ body: inout ByteBuffer) -> BGPNotification {
        let code: UInt8 = body.readInteger() ?? 0
        let subcode: UInt8 = body.readInteger() ?? 0
        let data = body.readBytes(length: body.readableBytes) ?? []
        return BGPNotification(code: code, subcode: subcode, data: data)
    }

    func encodeBody(into buffer: inout ByteBuffer) {
        buffer.writeInteger(code)
        buffer.writeInteger(subcode)
        buffer.writeBytes(data)
    }
}
