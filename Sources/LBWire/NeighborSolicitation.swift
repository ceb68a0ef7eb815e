import LBCore

/// A Neighbor Solicitation, RFC 4861 section 4.3.
///
/// ```
/// Type 135 | Code 0 | Checksum
/// Reserved (32 bits: "MUST be initialized to zero by the sender and MUST be ignored by the receiver")
/// Target Address (128 bits): "MUST NOT be a multicast address"
/// Options: Source link-layer address ("MUST NOT be included when the source IP address is the
///   unspecified address. Otherwise, on link layers that have addresses this option MUST be
///   included in multicast solicitations and SHOULD be included in unicast solicitations.")
/// ```
public struct NeighborSolicitation: Hashable, Sendable {
    /// The IPv6 address whose link-layer address is asked for.
    public var target: IPAddress
    /// All options in wire order, unknown ones included.
    public var options: [NDPOption]

    public init(target: IPAddress, options: [NDPOption] = []) {
        self.target = target
        self.options = options
    }

    /// The first Source Link-Layer Address option, if any (later duplicates are ignored, as
    /// the Linux kernel does).
    public var sourceLinkLayerAddress: MACAddress? {
        for case .sourceLinkLayerAddress(let mac) in options { return mac }
        return nil
    }
}
