import LBCore
import NIOCore

/// An UPDATE message (RFC 4271 section 4.3): Withdrawn Routes Length (2), Withdrawn Routes,
/// Total Path Attribute Length (2), Path Attributes, Network Layer Reachability Information.
public struct BGPUpdate: Sendable, Hashable {
    /// RFC 4271 section 4.3 "Withdrawn Routes": IPv4 prefixes no longer reachable.
    public var withdrawn: [IPPrefix]
    /// RFC 4271 section 4.3 "Path Attributes" (IPv6 routes travel in `mpReach`/`mpUnreach`).
    public var attributes: BGPPathAttributes
    /// RFC 4271 section 4.3 "Network Layer Reachability Information": IPv4 prefixes announced.
    public var nlri: [IPPrefix]

    public init(withdrawn: [IPPrefix] = [], attributes: BGPPathAttributes = BGPPathAttributes(), nlri: [IPPrefix] = []) {
        self.withdrawn = withdrawn
        self.attributes = attributes
        self.nlri = nlri
    }

    /// The End-of-RIB marker (RFC 4724 section 2): an empty UPDATE for IPv4 unicast, an UPDATE
    /// holding only an empty MP_UNREACH_NLRI for any other AFI/SAFI.
    public static func endOfRIB(_ family: IPFamily) -> BGPUpdate {
        switch family {
        case .ipv4: BGPUpdate()
        case .ipv6: BGPUpdate(attributes: BGPPathAttributes(mpUnreach: BGPMPUnreach(afi: 2, safi: 1, withdrawn: [])))
        }
    }

    /// The family whose End-of-RIB this UPDATE is, or nil if it is not one (RFC 4724 section 2).
    public var endOfRIBFamily: IPFamily? {
        guard withdrawn.isEmpty, nlri.isEmpty else { return nil }
        if attributes.isEmpty { return .ipv4 }
        if let u = attributes.mpUnreach, u.withdrawn.isEmpty, u.rawWithdrawn.isEmpty,
            attributes == BGPPathAttributes(mpUnreach: u)
        {
            return BGPMPReach.family(afi: u.afi, safi: u.safi)
        }
        return nil
    }

    func encodeBody(into buffer: inout ByteBuffer) {
        let withdrawnIndex = buffer.writerIndex
        buffer.writeInteger(UInt16(0))
        for prefix in withdrawn { buffer.writeBGPPrefix(prefix) }
        buffer.setInteger(UInt16(truncatingIfNeeded: buffer.writerIndex - withdrawnIndex - 2), at: withdrawnIndex)
        let attributesIndex = buffer.writerIndex
        buffer.writeInteger(UInt16(0))
        attributes.encode(into: &buffer)
        buffer.setInteger(UInt16(truncatingIfNeeded: buffer.writerIndex - attributesIndex - 2), at: attributesIndex)
        for prefix in nlri { buffer.writeBGPPrefix(prefix) }
    }

    /// Decodes and checks an UPDATE body (RFC 4271 section 6.3, RFC 7606).
    static func decodeBody(_ body: inout ByteBuffer, fourOctetAS: Bool) throws(BGPDecodeError) -> BGPUpdate {
        typealias S = BGPNotification.UpdateSubcode
        // RFC 4271 section 6.3 / RFC 7606 section 5.3: lengths that do not add up leave the NLRI
        // unlocatable, so the session is reset with Malformed Attribute List.
        guard let withdrawnLength: UInt16 = body.readInteger(),
            var withdrawnField = body.readSlice(length: Int(withdrawnLength))
        else { throw .update(S.malformedAttributeList, .sessionReset, "Withdrawn Routes Length overruns the message") }
        guard let attributesLength: UInt16 = body.readInteger(),
            var attributesField = body.readSlice(length: Int(attributesLength))
        else { throw .update(S.malformedAttributeList, .sessionReset, "Total Path Attribute Length overruns the message") }
        // RFC 7606 section 5.3: a malformed Withdrawn Routes or NLRI field resets the session.
        guard let withdrawn = withdrawnField.readBGPPrefixes(family: .ipv4) else {
            throw .update(S.invalidNetworkField, .sessionReset, "malformed Withdrawn Routes")
        }
        guard let nlri = body.readBGPPrefixes(family: .ipv4) else {
            throw .update(S.invalidNetworkField, .sessionReset, "malformed NLRI")
        }
        var decoder = BGPPathAttributeDecoder(fourOctetAS: fourOctetAS)
        let attributes = try decoder.decode(&attributesField)
        if let error = decoder.withdrawError { throw error }
        // RFC 4271 section 6.3 / RFC 7606 section 3 (d): well-known mandatory attributes are
        // checked only when the UPDATE carries reachable NLRI; a missing one -> treat-as-withdraw.
        let reachable = !nlri.isEmpty || !(attributes.mpReach?.nlri.isEmpty ?? true)
        if reachable {
            var missing: [UInt8] = []
            if attributes.origin == nil { missing.append(BGPPathAttributes.TypeCode.origin) }
            if attributes.asPath == nil { missing.append(BGPPathAttributes.TypeCode.asPath) }
            if !nlri.isEmpty && attributes.nextHop == nil { missing.append(BGPPathAttributes.TypeCode.nextHop) }
            if let first = missing.first {
                throw .update(S.missingWellKnownAttribute, data: [first], .treatAsWithdraw, "missing well-known attribute \(first)")
            }
        }
        return BGPUpdate(withdrawn: withdrawn, attributes: attributes, nlri: nlri)
    }
}
