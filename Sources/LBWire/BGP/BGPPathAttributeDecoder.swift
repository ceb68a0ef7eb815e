import LBCore
import NIOCore

/// Decodes the Path Attributes field of an UPDATE (RFC 4271 section 4.3) and checks every
/// attribute as RFC 4271 section 6.3, revised by RFC 7606 sections 3 and 7, prescribes.
///
/// Errors that reset the session are thrown at once. Errors whose RFC 7606 approach is
/// "treat-as-withdraw" are remembered (the first one wins) and decoding goes on, so that a later
/// session-reset error still takes precedence (RFC 7606 section 3 (h)). "Attribute discard"
/// errors (RFC 7606 section 2) drop the attribute silently.
struct BGPPathAttributeDecoder {
    typealias S = BGPNotification.UpdateSubcode
    typealias T = BGPPathAttributes.TypeCode
    typealias F = BGPPathAttributes.Flag

    /// Whether AS_PATH carries 4-octet AS numbers (both sides sent capability 65, RFC 6793
    /// section 4.1); otherwise 2-octet ones are widened.
    var fourOctetAS: Bool
    /// The first treat-as-withdraw error met, if any.
    private(set) var withdrawError: BGPDecodeError?

    init(fourOctetAS: Bool) { self.fourOctetAS = fourOctetAS }

    private mutating func withdraw(_ subcode: UInt8, data: [UInt8] = [], _ reason: String) {
        if withdrawError == nil { withdrawError = .update(subcode, data: data, .treatAsWithdraw, reason) }
    }

    mutating func decode(_ field: inout ByteBuffer) throws(BGPDecodeError) -> BGPPathAttributes {
        var attributes = BGPPathAttributes()
        var seen = Set<UInt8>()
        while field.readableBytes > 0 {
            let start = field.readerIndex
            let snapshot = field  // getBytes only reads readable octets, so keep the attribute's start
            guard let flags: UInt8 = field.readInteger(), let type: UInt8 = field.readInteger() else {
                // RFC 7606 section 4: the attribute cannot be parsed within Total Path Attribute Length.
                withdraw(S.malformedAttributeList, "truncated attribute header")
                field.moveReaderIndex(forwardBy: field.readableBytes)
                break
            }
            let extended = flags & F.extendedLength != 0
            let length: Int? = extended ? field.readInteger(as: UInt16.self).map(Int.init) : field.readInteger(as: UInt8.self).map(Int.init)
            guard let length, var value = field.readSlice(length: length) else {
                withdraw(S.malformedAttributeList, "attribute \(type) overruns Total Path Attribute Length")
                field.moveReaderIndex(forwardBy: field.readableBytes)
                break
            }
            let raw = snapshot.getBytes(at: start, length: field.readerIndex - start) ?? []
            // RFC 7606 section 3 (g): a repeated MP_REACH/MP_UNREACH resets the session; any other
            // repeated attribute is discarded.
            guard seen.insert(type).inserted else {
                if type == T.mpReachNLRI || type == T.mpUnreachNLRI {
                    throw .update(S.malformedAttributeList, .sessionReset, "MP attribute \(type) repeated")
                }
                continue
            }
            try decodeOne(flags: flags, type: type, value: &value, raw: raw, into: &attributes)
        }
        return attributes
    }

    /// Expected (optional, transitive) bits per RFC 4271 section 5 and the defining RFCs.
    private static func expectedFlags(_ type: UInt8) -> UInt8? {
        switch type {
        case T.origin, T.asPath, T.nextHop, T.localPref, T.atomicAggregate: F.transitive
        case T.multiExitDisc, T.mpReachNLRI, T.mpUnreachNLRI: F.optional
        case T.aggregator, T.communities, T.largeCommunities, T.extendedCommunities, T.as4Path, T.as4Aggregator:
            F.optional | F.transitive
        case T.originatorID, T.clusterList: F.optional
        default: nil
        }
    }

    private mutating func decodeOne(
        flags: UInt8, type: UInt8, value: inout ByteBuffer, raw: [UInt8], into a: inout BGPPathAttributes
    ) throws(BGPDecodeError) {
        let length = value.readableBytes
        guard let expected = Self.expectedFlags(type) else {
            // RFC 4271 section 6.3: an unrecognized well-known attribute resets the session.
            guard flags & F.optional != 0 else {
                throw .update(S.unrecognizedWellKnownAttribute, data: raw, .sessionReset, "unrecognized well-known attribute \(type)")
            }
            a.other.append(.init(flags: flags & ~F.extendedLength, type: type, value: value.readBytes(length: length) ?? []))
            return
        }
        // RFC 4271 section 6.3 Attribute Flags Error; RFC 7606 section 3 (c) treat-as-withdraw,
        // except MP_* whose malformation resets the session (RFC 7606 section 7.11). RFC 4271
        // section 4.3: the Partial bit MUST be 0 on well-known and optional non-transitive ones.
        let partialAllowed = expected == F.optional | F.transitive
        if flags & (F.optional | F.transitive) != expected || (!partialAllowed && flags & F.partial != 0) {
            if type == T.mpReachNLRI || type == T.mpUnreachNLRI {
                throw .update(S.attributeFlagsError, data: raw, .sessionReset, "attribute \(type) flags \(flags)")
            }
            withdraw(S.attributeFlagsError, data: raw, "attribute \(type) flags \(flags)")
            return
        }
        switch type {
        case T.origin:
            // RFC 7606 section 7.1: bad length or value -> treat-as-withdraw.
            guard length == 1, let v: UInt8 = value.readInteger() else {
                return withdraw(S.attributeLengthError, data: raw, "ORIGIN length \(length)")
            }
            guard let origin = BGPPathAttributes.Origin(rawValue: v) else {
                return withdraw(S.invalidOriginAttribute, data: raw, "ORIGIN value \(v)")
            }
            a.origin = origin
        case T.asPath:
            // RFC 7606 section 7.2: malformed AS_PATH -> treat-as-withdraw.
            guard let path = decodeASPath(&value, fourOctet: fourOctetAS) else { return withdraw(S.malformedASPath, "malformed AS_PATH") }
            a.asPath = path
        case T.nextHop:
            // RFC 7606 section 7.3; RFC 4271 section 6.3: 0.0.0.0, multicast or broadcast are invalid.
            guard length == 4, let v: UInt32 = value.readInteger() else {
                return withdraw(S.attributeLengthError, data: raw, "NEXT_HOP length \(length)")
            }
            guard v != 0, v >> 28 != 0xE, v != .max else {
                return withdraw(S.invalidNextHopAttribute, data: raw, "NEXT_HOP \(IPAddress(ipv4: v))")
            }
            a.nextHop = IPAddress(ipv4: v)
        case T.multiExitDisc, T.localPref:
            // RFC 7606 sections 7.4 and 7.5.
            guard length == 4, let v: UInt32 = value.readInteger() else {
                return withdraw(S.attributeLengthError, data: raw, "attribute \(type) length \(length)")
            }
            if type == T.multiExitDisc { a.multiExitDisc = v } else { a.localPref = v }
        case T.atomicAggregate:
            // RFC 7606 section 7.6: bad length -> attribute discard.
            if length == 0 { a.atomicAggregate = true }
        case T.aggregator, T.as4Aggregator:
            // RFC 7606 section 7.7 and RFC 6793 section 6: bad length -> attribute discard.
            if length == (fourOctetAS || type == T.as4Aggregator ? 8 : 6) { keep(flags, type, &value, into: &a) }
        case T.as4Path:
            // RFC 6793 section 6: a malformed AS4_PATH (or one holding confederation segments,
            // section 3) is discarded; the AS_PATH alone is used.
            var copy = value
            if let segments = decodeASPath(&copy, fourOctet: true), segments.allSatisfy({ $0.type <= 2 }) {
                keep(flags, type, &value, into: &a)
            }
        case T.communities:
            // RFC 7606 section 7.8: "malformed if its length is not a non-zero multiple of 4"
            // -> treat-as-withdraw.
            guard length > 0, length % 4 == 0 else {
                return withdraw(S.attributeLengthError, data: raw, "COMMUNITIES length \(length)")
            }
            while let v: UInt32 = value.readInteger() { a.communities.append(BGPCommunity(value: v)) }
        case T.originatorID, T.clusterList:
            // RFC 7606 sections 7.9 and 7.10: ORIGINATOR_ID other than 4 octets, CLUSTER_LIST not
            // a non-zero multiple of 4 -> treat-as-withdraw.
            guard type == T.originatorID ? length == 4 : (length > 0 && length % 4 == 0) else {
                return withdraw(S.attributeLengthError, data: raw, "attribute \(type) length \(length)")
            }
            keep(flags, type, &value, into: &a)
        case T.extendedCommunities:
            // RFC 7606 section 7.14: a length not a non-zero multiple of 8 -> treat-as-withdraw.
            guard length > 0, length % 8 == 0 else {
                return withdraw(S.attributeLengthError, data: raw, "EXTENDED_COMMUNITIES length \(length)")
            }
            keep(flags, type, &value, into: &a)
        case T.largeCommunities:
            // RFC 8092 section 6: "malformed if the length ... is not a non-zero multiple of 12"
            // -> treat-as-withdraw.
            guard length > 0, length % 12 == 0 else {
                return withdraw(S.attributeLengthError, data: raw, "LARGE_COMMUNITIES length \(length)")
            }
            while let g: UInt32 = value.readInteger(), let l1: UInt32 = value.readInteger(), let l2: UInt32 = value.readInteger() {
                a.largeCommunities.append(BGPLargeCommunity(global: g, local1: l1, local2: l2))
            }
        case T.mpReachNLRI:
            // RFC 7606 section 7.11 and 5.3: a malformed MP_REACH_NLRI resets the session.
            guard let reach = BGPMPReach.decode(&value) else {
                throw .update(S.optionalAttributeError, data: raw, .sessionReset, "malformed MP_REACH_NLRI")
            }
            a.mpReach = reach
        case T.mpUnreachNLRI:
            guard let unreach = BGPMPUnreach.decode(&value) else {
                throw .update(S.optionalAttributeError, data: raw, .sessionReset, "malformed MP_UNREACH_NLRI")
            }
            a.mpUnreach = unreach
        default:
            break
        }
    }

    /// Keeps a recognised attribute IronLB does not model in `other`, without the Extended
    /// Length bit (an encoding detail the encoder sets again when the value needs it).
    private func keep(_ flags: UInt8, _ type: UInt8, _ value: inout ByteBuffer, into a: inout BGPPathAttributes) {
        a.other.append(.init(flags: flags & ~F.extendedLength, type: type, value: value.readBytes(length: value.readableBytes) ?? []))
    }

    /// RFC 4271 section 4.3 AS_PATH: segments of type (1), count (1), count ASes. RFC 7606
    /// section 7.2: an unknown type, a zero count or an overrun makes it malformed.
    private func decodeASPath(_ value: inout ByteBuffer, fourOctet: Bool) -> [BGPPathAttributes.ASPathSegment]? {
        var segments: [BGPPathAttributes.ASPathSegment] = []
        while value.readableBytes > 0 {
            guard let type: UInt8 = value.readInteger(), (1...4).contains(type),
                let count: UInt8 = value.readInteger(), count > 0
            else { return nil }
            var asns: [UInt32] = []
            for _ in 0..<count {
                if fourOctet {
                    guard let asn: UInt32 = value.readInteger() else { return nil }
                    asns.append(asn)
                } else {
                    guard let asn: UInt16 = value.readInteger() else { return nil }
                    asns.append(UInt32(asn))
                }
            }
            segments.append(.init(type: type, asns: asns))
        }
        return segments
    }
}
