import LBCore

/// Where and how to reach one BGP peer: the TCP side of a `peers[]` entry. Only outbound
/// connections are made (like MetalLB's native speaker, IronLB does not listen on port 179).
public struct BGPPeerEndpoint: Sendable, Hashable {
    /// A name for logs and metrics (e.g. the peer address, or `peer-address:peer-port`).
    public var name: String
    /// The peer's address (`peer-address`).
    public var address: IPAddress
    /// The peer's TCP port (`peer-port`); 179 is the BGP port (RFC 4271 section 8.2.1).
    public var port: UInt16
    /// When set, the local end is bound to this address before connecting (`source-address`),
    /// so the router sees the session coming from it. It must be of the peer's family and
    /// assigned to a local interface, or every connect fails with "Cannot assign requested address".
    public var sourceAddress: IPAddress?
    /// The TCP MD5 signature key (`password`, RFC 2385), set with TCP_MD5SIG for the peer's
    /// address before connecting; at most 80 bytes (TCP_MD5SIG_MAXKEYLEN). A mismatch is
    /// invisible at the TCP level: the peer drops our SYNs and every connect times out.
    public var password: String?
    /// The IP TTL (IPv4) or unicast hop limit (IPv6) of our packets: 1 for a directly connected
    /// eBGP peer, 255 for `ebgp-multihop`, nil (the kernel default, 64) for iBGP.
    public var ttl: Int?
    /// When set, the connection's socket is opened inside this network namespace (as created by
    /// `ip netns add`, i.e. /var/run/netns/NAME) while the session itself runs on its event loop
    /// as usual; nil means the process's own. For labs and tests that put the speaker's end of a
    /// link into a namespace: the event-loop thread enters the namespace only for the instant
    /// the socket is created, because a thread that stays in another namespace passes it on to
    /// every thread it creates (libdispatch workers among them). Needs CAP_SYS_ADMIN.
    public var networkNamespace: String?

    public init(
        name: String, address: IPAddress, port: UInt16 = 179, sourceAddress: IPAddress? = nil,
        password: String? = nil, ttl: Int? = nil, networkNamespace: String? = nil
    ) {
        self.networkNamespace = networkNamespace
        self.name = name
        self.address = address
        self.port = port
        self.sourceAddress = sourceAddress
        self.password = password
        self.ttl = ttl
    }
}
