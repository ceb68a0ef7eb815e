import NIOCore

/// An Ethernet II header (destination, source, type), with at most one 802.1Q tag.
public struct EthernetHeader: Hashable, Sendable {
    public var destination: MACAddress
    public var source: MACAddress
    /// The 802.1Q tag between the source address and the type, if the frame had one.
    public var vlan: VLANTag?
    /// The protocol of the payload (the inner type when tagged).
    public var etherType: EtherType

    public init(destination: MACAddress, source: MACAddress, vlan: VLANTag? = nil, etherType: EtherType) {
        self.destination = destination
        self.source = source
        self.vlan = vlan
        self.etherType = etherType
    }

    /// 14 bytes, 18 with a VLAN tag.
    public var encodedLength: Int { vlan == nil ? 14 : 18 }

    /// The smallest frame on the wire without its 4-byte FCS: IEEE 802.3 clause 4.4.2's
    /// minFrameSize of 64 bytes less the FCS. Shorter frames are padded with zeros.
    public static let minimumFrameLength = 60

    /// The VLAN a frame belongs to: nil when untagged or priority-tagged (VID 0 means "no
    /// VLAN", IEEE 802.1Q section 9.6).
    public var vlanID: UInt16? {
        guard let vlan, vlan.id != 0 else { return nil }
        return vlan.id
    }
}

extension ByteBuffer {
    /// Reads an Ethernet II header: destination (6), source (6), type (2), skipping and
    /// reporting one 802.1Q tag (type 0x8100, then 2 bytes of TCI, then the inner type).
    /// On error nothing is read.
    public mutating func readEthernetHeader() throws(FrameError) -> EthernetHeader {
        var b = self
        let start = b.readableBytes
        guard let destination = b.readMACAddress(), let source = b.readMACAddress(),
            let outer = b.readInteger(as: UInt16.self)
        else { throw .truncated(.ethernet, needed: 14, available: start) }
        var type = outer
        var vlan: VLANTag?
        if outer == EtherType.vlan.rawValue {
            guard let tci = b.readInteger(as: UInt16.self), let inner = b.readInteger(as: UInt16.self) else {
                throw .truncated(.vlanTag, needed: 18, available: start)
            }
            vlan = VLANTag(tagControlInformation: tci)
            type = inner
            if type == EtherType.vlan.rawValue {
                throw .unsupportedVLANTagging(etherType: type)
            }
        }
        if type == EtherType.serviceVLAN.rawValue || type == EtherType.legacyQinQ.rawValue {
            throw .unsupportedVLANTagging(etherType: type)
        }
        guard type >= 0x0600 else { throw .notEthernetII(lengthField: type) }
        self = b
        return EthernetHeader(destination: destination, source: source, vlan: vlan, etherType: EtherType(rawValue: type))
    }

    /// Writes `header` (14 or 18 bytes); returns the number of bytes written.
    @discardableResult
    public mutating func writeEthernetHeader(_ header: EthernetHeader) -> Int {
        var n = writeMACAddress(header.destination) + writeMACAddress(header.source)
        if let vlan = header.vlan {
            n += writeInteger(EtherType.vlan.rawValue) + writeInteger(vlan.tagControlInformation)
        }
        return n + writeInteger(header.etherType.rawValue)
    }

    /// Pads the readable bytes with zeros up to the 60-byte Ethernet minimum
    /// (`EthernetHeader.minimumFrameLength`); returns the number of bytes added.
    @discardableResult
    public mutating func padToEthernetMinimum() -> Int {
        let missing = EthernetHeader.minimumFrameLength - readableBytes
        guard missing > 0 else { return 0 }
        return writeRepeatingByte(0, count: missing)
    }
}
