/// An IEEE 802.1Q tag (802.1Q-2018 section 9.6): priority code point, drop eligible indicator
/// and VLAN identifier, packed in the 16-bit Tag Control Information.
public struct VLANTag: Hashable, Sendable, CustomStringConvertible {
    /// The VLAN identifier, 0-4095. 0 means "priority tag only, no VLAN"; 4095 is reserved.
    public let id: UInt16
    /// Priority Code Point, 0-7 (IEEE 802.1Q Annex I).
    public let priority: UInt8
    /// Drop Eligible Indicator.
    public let dropEligible: Bool

    /// nil when `id` does not fit 12 bits or `priority` 3 bits.
    public init?(id: UInt16, priority: UInt8 = 0, dropEligible: Bool = false) {
        guard id <= 0x0FFF, priority <= 7 else { return nil }
        self.id = id
        self.priority = priority
        self.dropEligible = dropEligible
    }

    /// Unpacks a Tag Control Information field: PCP (3 bits), DEI (1 bit), VID (12 bits).
    public init(tagControlInformation tci: UInt16) {
        self.id = tci & 0x0FFF
        self.priority = UInt8(tci >> 13)
        self.dropEligible = tci & 0x1000 != 0
    }

    public var tagControlInformation: UInt16 {
        UInt16(priority) << 13 | (dropEligible ? 0x1000 : 0) | id
    }

    public var description: String { "vlan \(id)" + (priority == 0 ? "" : " p\(priority)") }
}
