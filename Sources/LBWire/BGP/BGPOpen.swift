import NIOCore

/// A capability advertised in an OPEN (RFC 5492 section 4): code, length, value.
public enum BGPCapability: Sendable, Hashable {
    /// RFC 4760 section 8, code 1: AFI (2 octets), reserved (1), SAFI (1).
    case multiprotocol(afi: UInt16, safi: UInt8)
    /// RFC 2918 section 2, code 2, empty value.
    case routeRefresh
    /// RFC 6793 section 3, code 65: the speaker's 4-octet AS number.
    case fourOctetAS(UInt32)
    /// Any other capability, kept as is: RFC 5492 section 3 lets a speaker ignore capabilities
    /// it does not understand.
    case unknown(code: UInt8, value: [UInt8])

    public static let ipv4Unicast = BGPCapability.multiprotocol(afi: 1, safi: 1)
    public static let ipv6Unicast = BGPCapability.multiprotocol(afi: 2, safi: 1)

    /// Writes the capability as RFC 5492 section 4 lays it out: code, length, value. Also the
    /// data of an Unsupported Capability NOTIFICATION (RFC 5492 section 5).
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .multiprotocol(let afi, let safi):
            buffer.writeInteger(UInt8(1)); buffer.writeInteger(UInt8(4))
            buffer.writeInteger(afi); buffer.writeInteger(UInt8(0)); buffer.writeInteger(safi)
        case .routeRefresh:
            buffer.writeInteger(UInt8(2)); buffer.writeInteger(UInt8(0))
        case .fourOctetAS(let asn):
            buffer.writeInteger(UInt8(65)); buffer.writeInteger(UInt8(4)); buffer.writeInteger(asn)
        case .unknown(let code, let value):
            // A capability value holds at most 255 octets (one-octet Capability Length).
            let kept = value.prefix(255)
            buffer.writeInteger(code); buffer.writeInteger(UInt8(kept.count))
            buffer.writeBytes(kept)
        }
    }

    static func decode(code: UInt8, value: [UInt8]) -> BGPCapability {
        switch (code, value.count) {
        case (1, 4): .multiprotocol(afi: UInt16(value[0]) << 8 | UInt16(value[1]), safi: value[3])
        case (2, 0): .routeRefresh
        case (65, 4): .fourOctetAS(value.reduce(0) { $0 << 8 | UInt32($1) })
        default: .unknown(code: code, value: value)
        }
    }
}

/// An OPEN message (RFC 4271 section 4.2).
public struct BGPOpen: Sendable, Hashable {
    /// RFC 4271 section 4.2 "Version": 4.
    public var version: UInt8
    /// RFC 4271 section 4.2 "My Autonomous System" (2 octets). RFC 6793 section 3: AS_TRANS
    /// (23456) when the real AS does not fit, the real one going in the capability.
    public var myAS: UInt16
    /// RFC 4271 section 4.2 "Hold Time" in seconds: 0 or at least 3.
    public var holdTime: UInt16
    /// RFC 4271 section 4.2 "BGP Identifier" (RFC 6286: any non-zero 32-bit value).
    public var identifier: UInt32
    /// RFC 5492: the capabilities of all Capabilities optional parameters, in order.
    public var capabilities: [BGPCapability]

    /// RFC 6793 section 9: the reserved 2-octet AS number standing for a 4-octet one.
    public static let asTrans: UInt16 = 23456

    public init(version: UInt8 = 4, myAS: UInt16, holdTime: UInt16, identifier: UInt32, capabilities: [BGPCapability]) {
        self.version = version
        self.myAS = myAS
        self.holdTime = holdTime
        self.identifier = identifier
        self.capabilities = capabilities
    }

    /// An OPEN for a 4-octet AS: My AS is AS_TRANS when `asNumber` > 65535, and the 4-octet AS
    /// capability is always added (RFC 6793 section 3).
    public init(asNumber: UInt32, holdTime: UInt16, identifier: UInt32, capabilities: [BGPCapability]) {
        let two = asNumber > UInt32(UInt16.max) ? BGPOpen.asTrans : UInt16(asNumber)
        var caps = capabilities.filter { if case .fourOctetAS = $0 { false } else { true } }
        caps.append(.fourOctetAS(asNumber))
        self.init(myAS: two, holdTime: holdTime, identifier: identifier, capabilities: caps)
    }

    /// The sender's AS: the 4-octet capability's value when present, else My AS.
    public var asNumber: UInt32 {
        for case .fourOctetAS(let asn) in capabilities { return asn }
        return UInt32(myAS)
    }

    /// Whether the sender advertised the 4-octet AS capability (RFC 6793 section 3).
    public var supportsFourOctetAS: Bool {
        capabilities.contains { if case .fourOctetAS = $0 { true } else { false } }
    }

    /// Writes the body. The capabilities go in Capabilities optional parameters (type 2) of at
    /// most 255 octets each, as many as needed (RFC 5492 section 4 allows several); throws when
    /// the optional parameters exceed the 255 octets of Optional Parameters Length (IronLB does
    /// not send the RFC 9072 extended form).
    func encodeBody(into buffer: inout ByteBuffer) throws(BGPEncodeError) {
        buffer.writeInteger(version)
        buffer.writeInteger(myAS)
        buffer.writeInteger(holdTime)
        buffer.writeInteger(identifier)
        var parameters = ByteBuffer()
        var pending = ByteBuffer()
        func flush() {
            guard pending.readableBytes > 0 else { return }
            parameters.writeInteger(UInt8(2))
            parameters.writeInteger(UInt8(pending.readableBytes))
            parameters.writeBuffer(&pending)
            pending.clear()
        }
        for capability in capabilities {
            var one = ByteBuffer()
            capability.encode(into: &one)
            if pending.readableBytes + one.readableBytes > 255 { flush() }
            pending.writeBuffer(&one)
        }
        flush()
        guard parameters.readableBytes <= 255 else { throw .optionalParametersTooLarge(parameters.readableBytes) }
        buffer.writeInteger(UInt8(parameters.readableBytes))
        buffer.writeBuffer(&parameters)
    }

    /// Decodes and checks an OPEN body (RFC 4271 section 6.2).
    /// - Parameter expectedPeerAS: when set, a different AS is "Bad Peer AS".
    static func decodeBody(_ body: inout ByteBuffer, expectedPeerAS: UInt32?) throws(BGPDecodeError) -> BGPOpen {
        typealias S = BGPNotification.OpenSubcode
        // The header check guarantees 10 octets (message length >= 29).
        guard let version: UInt8 = body.readInteger(), let myAS: UInt16 = body.readInteger(),
            let holdTime: UInt16 = body.readInteger(), let identifier: UInt32 = body.readInteger(),
            let paramsLength: UInt8 = body.readInteger()
        else { throw .header(BGPNotification.HeaderSubcode.badMessageLength, "OPEN shorter than 29 octets") }
        guard version == 4 else {
            // Data: the largest locally supported version number, 2 octets.
            throw .open(S.unsupportedVersionNumber, data: [0, 4], "version \(version), expected 4")
        }
        // RFC 9072 section 2: Optional Parameters Length 255 followed by a Non-Ext OP Type of
        // 255 announces the extended form: a 2-octet length, and 2-octet parameter lengths.
        let extended = paramsLength == 255 && body.getInteger(at: body.readerIndex, as: UInt8.self) == 255
        if extended { body.moveReaderIndex(forwardBy: 1) }
        guard let declared = extended ? body.readInteger(as: UInt16.self).map(Int.init) : Int(paramsLength),
            declared == body.readableBytes
        else {
            throw BGPDecodeError(
                BGPNotification(code: BGPNotification.Code.openMessageError, subcode: 0),
                reason: "Optional Parameters Length \(paramsLength) but \(body.readableBytes) octets follow")
        }
        var capabilities: [BGPCapability] = []
        while body.readableBytes > 0 {
            guard let type: UInt8 = body.readInteger(),
                let length = extended ? body.readInteger(as: UInt16.self).map(Int.init) : body.readInteger(as: UInt8.self).map(Int.init),
                var value = body.readSlice(length: length)
            else {
                throw .open(0, "optional parameter overruns the Optional Parameters field")
            }
            guard type == 2 else {
                throw .open(S.unsupportedOptionalParameter, "optional parameter type \(type), only 2 (Capabilities) is supported")
            }
            while value.readableBytes > 0 {
                guard let code: UInt8 = value.readInteger(), let capLength: UInt8 = value.readInteger(),
                    let capValue = value.readBytes(length: Int(capLength))
                else { throw .open(0, "capability overruns its Capabilities parameter") }
                capabilities.append(.decode(code: code, value: capValue))
            }
        }
        let open = BGPOpen(version: version, myAS: myAS, holdTime: holdTime, identifier: identifier, capabilities: capabilities)
        // RFC 4271 section 6.2: Hold Time 1 or 2 is unacceptable.
        guard holdTime == 0 || holdTime >= 3 else {
            throw .open(S.unacceptableHoldTime, "hold time \(holdTime)s, must be 0 or at least 3")
        }
        // RFC 6286 section 2.2: the identifier is a non-zero 32-bit value.
        guard identifier != 0 else { throw .open(S.badBGPIdentifier, "BGP Identifier 0.0.0.0") }
        // RFC 7607 section 2: AS 0 is invalid; RFC 4271 section 6.2: an unexpected AS is bad.
        let asn = open.asNumber
        if asn == 0 || (expectedPeerAS.map { $0 != asn } ?? false) {
            throw .open(S.badPeerAS, "peer AS \(asn)\(expectedPeerAS.map { ", expected \($0)" } ?? "")")
        }
        return open
    }
}
