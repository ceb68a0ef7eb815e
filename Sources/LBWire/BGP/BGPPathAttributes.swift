import LBCore
import NIOCore

/// The path attributes of an UPDATE (RFC 4271 section 4.3 and 5.1) that IronLB sends or needs
/// to read. Attributes it does not know are kept raw in `other`.
public struct BGPPathAttributes: Sendable, Hashable {
    /// RFC 4271 section 5.1.1 ORIGIN (type 1, well-known mandatory).
    public enum Origin: UInt8, Sendable, Hashable {
        case igp = 0, egp = 1, incomplete = 2
    }

    /// RFC 4271 section 4.3 AS_PATH segment: AS_SET (1) or AS_SEQUENCE (2); RFC 5065 adds the
    /// confederation types 3 and 4.
    public struct ASPathSegment: Sendable, Hashable {
        public var type: UInt8
        public var asns: [UInt32]
        public static let asSet: UInt8 = 1
        public static let asSequence: UInt8 = 2
        public init(type: UInt8, asns: [UInt32]) {
            self.type = type
            self.asns = asns
        }
        public static func sequence(_ asns: [UInt32]) -> ASPathSegment { ASPathSegment(type: asSequence, asns: asns) }
    }

    /// An attribute kept as received: flags, type code and value (RFC 4271 section 4.3).
    public struct RawAttribute: Sendable, Hashable {
        public var flags: UInt8
        public var type: UInt8
        public var value: [UInt8]
        public init(flags: UInt8, type: UInt8, value: [UInt8]) {
            self.flags = flags
            self.type = type
            self.value = value
        }
    }

    /// RFC 4271 section 4.3 attribute type codes (8 from RFC 1997, 9/10 from RFC 4456, 14/15
    /// from RFC 4760, 16 from RFC 4360, 17/18 from RFC 6793, 32 from RFC 8092).
    public enum TypeCode {
        public static let origin: UInt8 = 1
        public static let asPath: UInt8 = 2
        public static let nextHop: UInt8 = 3
        public static let multiExitDisc: UInt8 = 4
        public static let localPref: UInt8 = 5
        public static let atomicAggregate: UInt8 = 6
        public static let aggregator: UInt8 = 7
        public static let communities: UInt8 = 8
        public static let originatorID: UInt8 = 9
        public static let clusterList: UInt8 = 10
        public static let mpReachNLRI: UInt8 = 14
        public static let mpUnreachNLRI: UInt8 = 15
        public static let extendedCommunities: UInt8 = 16
        public static let as4Path: UInt8 = 17
        public static let as4Aggregator: UInt8 = 18
        public static let largeCommunities: UInt8 = 32
    }

    /// RFC 4271 section 4.3 attribute flag bits.
    public enum Flag {
        public static let optional: UInt8 = 0x80
        public static let transitive: UInt8 = 0x40
        public static let partial: UInt8 = 0x20
        public static let extendedLength: UInt8 = 0x10
    }

    public var origin: Origin?
    /// AS_PATH, always in 4-octet form in this model (RFC 6793 section 4.1).
    public var asPath: [ASPathSegment]?
    /// RFC 4271 section 5.1.3 NEXT_HOP (type 3): the IPv4 next hop of the NLRI field.
    public var nextHop: IPAddress?
    /// RFC 4271 section 5.1.4 MULTI_EXIT_DISC (type 4, optional non-transitive).
    public var multiExitDisc: UInt32?
    /// RFC 4271 section 5.1.5 LOCAL_PREF (type 5, well-known, iBGP only).
    public var localPref: UInt32?
    /// RFC 4271 section 5.1.6 ATOMIC_AGGREGATE (type 6, length 0).
    public var atomicAggregate: Bool
    /// RFC 1997 COMMUNITIES (type 8, optional transitive), 4 octets each.
    public var communities: [BGPCommunity]
    /// RFC 8092 LARGE_COMMUNITIES (type 32, optional transitive), 12 octets each.
    public var largeCommunities: [BGPLargeCommunity]
    /// RFC 4760 section 3 MP_REACH_NLRI (type 14).
    public var mpReach: BGPMPReach?
    /// RFC 4760 section 4 MP_UNREACH_NLRI (type 15).
    public var mpUnreach: BGPMPUnreach?
    /// Every other attribute, in order of arrival (AGGREGATOR, AS4_PATH, unknown optional ones).
    public var other: [RawAttribute]

    public init(
        origin: Origin? = nil, asPath: [ASPathSegment]? = nil, nextHop: IPAddress? = nil,
        multiExitDisc: UInt32? = nil, localPref: UInt32? = nil, atomicAggregate: Bool = false,
        communities: [BGPCommunity] = [], largeCommunities: [BGPLargeCommunity] = [],
        mpReach: BGPMPReach? = nil, mpUnreach: BGPMPUnreach? = nil, other: [RawAttribute] = []
    ) {
        self.origin = origin
        self.asPath = asPath
        self.nextHop = nextHop
        self.multiExitDisc = multiExitDisc
        self.localPref = localPref
        self.atomicAggregate = atomicAggregate
        self.communities = communities
        self.largeCommunities = largeCommunities
        self.mpReach = mpReach
        self.mpUnreach = mpUnreach
        self.other = other
    }

    /// True when no attribute is present (an UPDATE that only withdraws, or End-of-RIB).
    public var isEmpty: Bool { self == BGPPathAttributes() }

    /// Writes the attributes in type-code order, as RFC 4271 section 5 recommends ("SHOULD be
    /// ordered by type code"), MP_UNREACH/MP_REACH first so a receiver finds them early.
    func encode(into buffer: inout ByteBuffer) {
        typealias T = TypeCode
        let wellKnown = Flag.transitive
        let optTrans = Flag.optional | Flag.transitive
        if let mpUnreach { buffer.writeAttribute(flags: Flag.optional, type: T.mpUnreachNLRI) { mpUnreach.encodeValue(into: &$0) } }
        if let mpReach { buffer.writeAttribute(flags: Flag.optional, type: T.mpReachNLRI) { mpReach.encodeValue(into: &$0) } }
        if let origin { buffer.writeAttribute(flags: wellKnown, type: T.origin) { $0.writeInteger(origin.rawValue) } }
        if let asPath {
            buffer.writeAttribute(flags: wellKnown, type: T.asPath) { b in
                for segment in asPath {
                    // A segment holds at most 255 ASes (one-octet count); split longer ones.
                    var rest = segment.asns[...]
                    repeat {
                        let chunk = rest.prefix(255)
                        rest = rest.dropFirst(chunk.count)
                        b.writeInteger(segment.type)
                        b.writeInteger(UInt8(chunk.count))
                        for asn in chunk { b.writeInteger(asn) }
                    } while !rest.isEmpty
                }
            }
        }
        if let nextHop { buffer.writeAttribute(flags: wellKnown, type: T.nextHop) { $0.writeBytes(nextHop.bytes) } }
        if let multiExitDisc { buffer.writeAttribute(flags: Flag.optional, type: T.multiExitDisc) { $0.writeInteger(multiExitDisc) } }
        if let localPref { buffer.writeAttribute(flags: wellKnown, type: T.localPref) { $0.writeInteger(localPref) } }
        if atomicAggregate { buffer.writeAttribute(flags: wellKnown, type: T.atomicAggregate) { _ in } }
        if !communities.isEmpty {
            buffer.writeAttribute(flags: optTrans, type: T.communities) { b in
                for c in communities { b.writeInteger(c.value) }
            }
        }
        if !largeCommunities.isEmpty {
            buffer.writeAttribute(flags: optTrans, type: T.largeCommunities) { b in
                for c in largeCommunities {
                    b.writeInteger(c.global); b.writeInteger(c.local1); b.writeInteger(c.local2)
                }
            }
        }
        for raw in other {
            buffer.writeAttribute(flags: raw.flags & ~Flag.extendedLength, type: raw.type) { $0.writeBytes(raw.value) }
        }
    }

    /// Encoded size in octets.
    var encodedLength: Int {
        var b = ByteBuffer()
        encode(into: &b)
        return b.readableBytes
    }
}

extension ByteBuffer {
    /// RFC 4271 section 4.3: flags, type code, then a 1-octet length, or a 2-octet one with the
    /// Extended Length bit when the value is longer than 255 octets.
    mutating func writeAttribute(flags: UInt8, type: UInt8, _ value: (inout ByteBuffer) -> Void) {
        var v = ByteBuffer()
        value(&v)
        if v.readableBytes > 255 {
            writeInteger(flags | BGPPathAttributes.Flag.extendedLength)
            writeInteger(type)
            writeInteger(UInt16(truncatingIfNeeded: v.readableBytes))
        } else {
            writeInteger(flags & ~BGPPathAttributes.Flag.extendedLength)
            writeInteger(type)
            writeInteger(UInt8(v.readableBytes))
        }
        writeBuffer(&v)
    }
}
