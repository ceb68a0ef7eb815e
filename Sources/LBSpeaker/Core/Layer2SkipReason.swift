import LBCore

/// Why an IP of one of our Services is not handled at all (on any node), as opposed to a
/// `NotAnnouncingReason`, which says why one node loses the election for a layer 2 IP. (An IP of
/// a bgp pool is not skipped: the BGP plan handles it.)
public enum Layer2SkipReason: Sendable, Hashable, CustomStringConvertible {
    /// The IP is in none of the configured address pools: the pool was removed or shrunk after
    /// the controller assigned the IP, or something other than IronLB wrote the status.
    case noPool

    /// A short stable identifier, for metrics labels and machine-readable output.
    public var code: String {
        switch self {
        case .noPool: "noPool"
        }
    }

    /// The pool the IP belongs to, if any.
    public var pool: String? {
        switch self {
        case .noPool: nil
        }
    }

    public var description: String {
        switch self {
        case .noPool:
            "the IP is in none of the configured address pools, so no node announces it; add it back to a pool, "
                + "or let the controller reassign the Service"
        }
    }
}
