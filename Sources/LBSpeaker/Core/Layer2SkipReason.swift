import LBCore

/// Why an IP of one of our Services is not handled by layer 2 at all (on any node), as opposed to
/// a `NotAnnouncingReason`, which says why one node loses the election for a layer 2 IP.
public enum Layer2SkipReason: Sendable, Hashable, CustomStringConvertible {
    /// The IP is in none of the configured address pools: the pool was removed or shrunk after
    /// the controller assigned the IP, or something other than IronLB wrote the status.
    case noPool
    /// The IP belongs to a pool whose protocol is not `layer2` (today: `bgp`): it is advertised
    /// as a route, not announced with ARP/NDP.
    case notLayer2(pool: String, protocol: PoolProtocol)

    /// A short stable identifier, for metrics labels and machine-readable output.
    public var code: String {
        switch self {
        case .noPool: "noPool"
        case .notLayer2: "notLayer2Pool"
        }
    }

    /// The pool the IP belongs to, if any.
    public var pool: String? {
        switch self {
        case .noPool: nil
        case .notLayer2(let pool, _): pool
        }
    }

    public var description: String {
        switch self {
        case .noPool:
            "the IP is in none of the configured address pools, so no node announces it; add it back to a pool, "
                + "or let the controller reassign the Service"
        case .notLayer2(let pool, let proto):
            "the IP belongs to address pool \"\(pool)\", whose protocol is \(proto.rawValue): it is advertised "
                + "that way, not announced with ARP/NDP by layer 2"
        }
    }
}
