import LBCore

/// Where a speaker's membership endpoint listens: the node's address (from its per-node Lease)
/// and the UDP port. A plain value: the pure state machine never opens a socket.
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: IPAddress
    public var port: UInt16

    public init(host: IPAddress, port: UInt16) {
        self.host = host
        self.port = port
    }

    public var description: String {
        host.family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
