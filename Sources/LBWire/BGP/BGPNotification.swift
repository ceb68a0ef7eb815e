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

    /// OPEN Message Error subcodes (RFC 4271 section 4.5 and 6.2; 7 from RFC 5492).
    public enum OpenSubcode {
        public static let unsupportedVersionNumber: UInt8 = 1
        public static let badPeerAS: UInt8 = 2
        public static let badBGPIdentifier: UInt8 = 3
        public static let unsupportedOptionalParameter: UInt8 = 4
        /// "5 - [Deprecated - see Appendix A]" (was Authentication Failure in RFC 1771). Never
        /// sent; named so that a peer that still sends it is logged readably.
        public static let authenticationFailure: UInt8 = 5
        public static let unacceptableHoldTime: UInt8 = 6
        public static let unsupportedCapability: UInt8 = 7
    }

    /// UPDATE Message Error subcodes (RFC 4271 section 4.5 and 6.3).
    public enum UpdateSubcode {
        public static let malformedAttributeList: UInt8 = 1
        public static let unrecognizedWellKnownAttribute: UInt8 = 2
        public static let missingWellKnownAttribute: UInt8 = 3
        public static let attributeFlagsError: UInt8 = 4
        public static let attributeLengthError: UInt8 = 5
        public static let invalidOriginAttribute: UInt8 = 6
        /// "7 - [Deprecated - see Appendix A]" (was AS Routing Loop in RFC 1771). Never sent.
        public static let asRoutingLoop: UInt8 = 7
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

    /// "NOTIFICATION 2/6 OPEN Message Error / Unacceptable Hold Time", followed by the data: the
    /// shutdown communication of a Cease (RFC 9003) in quotes, otherwise the octets in hex.
    /// This is what logs and `lbctl` show for a NOTIFICATION sent or received.
    public var description: String {
        var text = "NOTIFICATION \(code)/\(subcode) \(codeName)"
        if let name = subcodeName { text += " / \(name)" }
        if let communication = shutdownCommunication {
            text += ": \"\(communication)\""
        } else if !data.isEmpty {
            let shown = data.prefix(32).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
            text += ", data \(shown.joined())\(data.count > 32 ? "... (\(data.count) octets)" : "")"
        }
        return text
    }

    /// The error code's name as RFC 4271 section 4.5 (and RFC 6608, RFC 7313) spell it.
    public var codeName: String {
        switch code {
        case Code.messageHeaderError: "Message Header Error"
        case Code.openMessageError: "OPEN Message Error"
        case Code.updateMessageError: "UPDATE Message Error"
        case Code.holdTimerExpired: "Hold Timer Expired"
        case Code.finiteStateMachineError: "Finite State Machine Error"
        case Code.cease: "Cease"
        case Code.routeRefreshMessageError: "ROUTE-REFRESH Message Error"
        default: "unknown error code"
        }
    }

    /// The subcode's name (RFC 4271 section 4.5, RFC 5492, RFC 6608, RFC 4486, RFC 7313), nil
    /// for 0 ("Unspecific" where the code defines subcodes, none where it does not) and for
    /// subcodes no RFC defines.
    public var subcodeName: String? {
        switch (code, subcode) {
        case (_, 0): Self.subcodeNames[code] == nil ? nil : "Unspecific"
        default: Self.subcodeNames[code]?[subcode]
        }
    }

    private static let subcodeNames: [UInt8: [UInt8: String]] = [
        Code.messageHeaderError: [
            HeaderSubcode.connectionNotSynchronized: "Connection Not Synchronized",
            HeaderSubcode.badMessageLength: "Bad Message Length",
            HeaderSubcode.badMessageType: "Bad Message Type",
        ],
        Code.openMessageError: [
            OpenSubcode.unsupportedVersionNumber: "Unsupported Version Number",
            OpenSubcode.badPeerAS: "Bad Peer AS",
            OpenSubcode.badBGPIdentifier: "Bad BGP Identifier",
            OpenSubcode.unsupportedOptionalParameter: "Unsupported Optional Parameter",
            OpenSubcode.authenticationFailure: "Authentication Failure (deprecated)",
            OpenSubcode.unacceptableHoldTime: "Unacceptable Hold Time",
            OpenSubcode.unsupportedCapability: "Unsupported Capability",
        ],
        Code.updateMessageError: [
            UpdateSubcode.malformedAttributeList: "Malformed Attribute List",
            UpdateSubcode.unrecognizedWellKnownAttribute: "Unrecognized Well-known Attribute",
            UpdateSubcode.missingWellKnownAttribute: "Missing Well-known Attribute",
            UpdateSubcode.attributeFlagsError: "Attribute Flags Error",
            UpdateSubcode.attributeLengthError: "Attribute Length Error",
            UpdateSubcode.invalidOriginAttribute: "Invalid ORIGIN Attribute",
            UpdateSubcode.asRoutingLoop: "AS Routing Loop (deprecated)",
            UpdateSubcode.invalidNextHopAttribute: "Invalid NEXT_HOP Attribute",
            UpdateSubcode.optionalAttributeError: "Optional Attribute Error",
            UpdateSubcode.invalidNetworkField: "Invalid Network Field",
            UpdateSubcode.malformedASPath: "Malformed AS_PATH",
        ],
        Code.finiteStateMachineError: [
            FSMSubcode.unexpectedMessageInOpenSent: "Receive Unexpected Message in OpenSent State",
            FSMSubcode.unexpectedMessageInOpenConfirm: "Receive Unexpected Message in OpenConfirm State",
            FSMSubcode.unexpectedMessageInEstablished: "Receive Unexpected Message in Established State",
        ],
        Code.cease: [
            CeaseSubcode.maximumPrefixesReached: "Maximum Number of Prefixes Reached",
            CeaseSubcode.administrativeShutdown: "Administrative Shutdown",
            CeaseSubcode.peerDeconfigured: "Peer De-configured",
            CeaseSubcode.administrativeReset: "Administrative Reset",
            CeaseSubcode.connectionRejected: "Connection Rejected",
            CeaseSubcode.otherConfigurationChange: "Other Configuration Change",
            CeaseSubcode.connectionCollisionResolution: "Connection Collision Resolution",
            CeaseSubcode.outOfResources: "Out of Resources",
            CeaseSubcode.hardReset: "Hard Reset",
            CeaseSubcode.bfdDown: "BFD Down",
        ],
        Code.routeRefreshMessageError: [
            RouteRefreshSubcode.invalidMessageLength: "Invalid Message Length",
        ],
    ]

    /// The shutdown communication of a Cease / Administrative Shutdown or Administrative Reset
    /// (RFC 9003 section 2: a length octet, then that many octets of UTF-8, at most 255), or
    /// nil when there is none or the data is not one.
    public var shutdownCommunication: String? {
        guard code == Code.cease,
            subcode == CeaseSubcode.administrativeShutdown || subcode == CeaseSubcode.administrativeReset,
            let length = data.first, length > 0, data.count == 1 + Int(length)
        else { return nil }
        return String(validating: data.dropFirst(), as: UTF8.self)
    }

    /// A Cease / Administrative Shutdown, with `communication` as its RFC 9003 shutdown
    /// communication when given (truncated to 255 octets at a character boundary).
    public static func administrativeShutdown(communication: String? = nil) -> BGPNotification {
        var data: [UInt8] = []
        if let communication, !communication.isEmpty {
            var utf8: [UInt8] = []
            for character in communication {
                let bytes = Array(String(character).utf8)
                guard utf8.count + bytes.count <= 255 else { break }
                utf8 += bytes
            }
            data = [UInt8(utf8.count)] + utf8
        }
        return BGPNotification(code: Code.cease, subcode: CeaseSubcode.administrativeShutdown, data: data)
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
