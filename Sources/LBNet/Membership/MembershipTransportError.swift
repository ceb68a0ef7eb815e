/// Why a `MembershipTransport` could not start (socket failures are `LBNetError`s, which
/// carry the errno).
public enum MembershipTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bind host is not a numeric IPv4 or IPv6 address.
    case invalidBindHost(String, reason: String)
    /// The port is outside 0...65535.
    case invalidPort(Int)

    public var description: String {
        switch self {
        case .invalidBindHost(let host, let reason):
            "membership bind address \"\(host)\": \(reason); expected a numeric IPv4 or IPv6 address such as 0.0.0.0 or ::"
        case .invalidPort(let port): "membership port \(port) must be between 0 and 65535 (0: any free port)"
        }
    }
}
