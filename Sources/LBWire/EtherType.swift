/// An Ethernet II type field (IEEE 802.3 clause 3.2.6: values of 0x0600 and above name the
/// protocol of the payload; IANA keeps the registry).
public struct EtherType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let ipv4 = EtherType(rawValue: 0x0800)
    /// RFC 826.
    public static let arp = EtherType(rawValue: 0x0806)
    /// IEEE 802.1Q customer VLAN tag (C-tag).
    public static let vlan = EtherType(rawValue: 0x8100)
    /// RFC 8200 over Ethernet, RFC 2464 section 3.
    public static let ipv6 = EtherType(rawValue: 0x86DD)
    /// IEEE 802.1ad service VLAN tag (S-tag, "QinQ").
    public static let serviceVLAN = EtherType(rawValue: 0x88A8)
    /// A pre-standard QinQ tag some switches still send.
    public static let legacyQinQ = EtherType(rawValue: 0x9100)

    public var description: String { hex16(rawValue) }
}
