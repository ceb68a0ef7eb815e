import LBCore

/// A Neighbor Advertisement, RFC 4861 section 4.4.
///
/// ```
/// Type 136 | Code 0 | Checksum
/// R | S | O | Reserved (29 bits)
/// Target Address (128 bits)
/// Options: Target link-layer address
/// ```
public struct NeighborAdvertisement: Hashable, Sendable {
    /// R: "the sender is a router". IronLB answers as a host: false.
    public var router: Bool
    /// S: "sent in response to a Neighbor Solicitation from the Destination address". "MUST
    /// NOT be set in multicast advertisements or in unsolicited unicast advertisements."
    public var solicited: Bool
    /// O: "the advertisement should override an existing cache entry and update the cached
    /// link-layer address".
    public var override: Bool
    /// For a solicited advertisement, the Target Address of the solicitation; for an
    /// unsolicited one, the address whose link-layer address has changed.
    public var target: IPAddress
    public var options: [NDPOption]

    public init(router: Bool = false, solicited: Bool, override: Bool, target: IPAddress, options: [NDPOption] = []) {
        self.router = router
        self.solicited = solicited
        self.override = override
        self.target = target
        self.options = options
    }

    /// The first Target Link-Layer Address option, if any.
    public var targetLinkLayerAddress: MACAddress? {
        for case .targetLinkLayerAddress(let mac) in options { return mac }
        return nil
    }

    /// The R, S and O flags in the first 32 bits after the checksum.
    var flagWord: UInt32 {
        (router ? 0x8000_0000 : 0) | (solicited ? 0x4000_0000 : 0) | (override ? 0x2000_0000 : 0)
    }
}
