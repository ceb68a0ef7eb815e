import LBCore
import LBWire

/// Where the speaker's layer 2 decisions go: for each interface, the IPs to answer ARP/NDP for
/// there. Production uses `Layer2AnnouncementSink` (raw sockets, needs CAP_NET_RAW); tests use a
/// recording fake, so the whole speaker runs without privileges.
///
/// `announce` is on the failover path: it must return promptly and never throw (a sink logs
/// and counts its own failures).
public protocol AnnouncementSink: Sendable {
    /// Replaces what is announced. Interfaces absent from `owned` (or mapped to an empty set)
    /// announce nothing; an IP removed from an interface stops being answered at once.
    func announce(_ owned: [String: Set<IPAddress>])

    /// What happened on the wire since the last call: per-IP counter increments and the
    /// foreign claims seen. Never loses counts when an interface's announcer is retired.
    func drainActivity() -> Layer2Activity

    /// Stops announcing everywhere and releases every socket. Idempotent; `announce` after it
    /// does nothing.
    func stop() async
}

/// Layer 2 activity over some period, per IP (increments, not totals).
public struct Layer2Activity: Sendable, Hashable {
    /// Requests (ARP requests, neighbor solicitations) answered, per IP.
    public var requestsReceived: [IPAddress: Int]
    /// Replies sent, per IP.
    public var responsesSent: [IPAddress: Int]
    /// Gratuitous ARP / unsolicited NA frames sent, per IP.
    public var gratuitousSent: [IPAddress: Int]
    /// Frames in which another MAC claimed one of our IPs, per IP.
    public var foreignAnswers: [IPAddress: Int]
    /// The distinct claims behind `foreignAnswers` (who claimed what, where).
    public var foreignClaims: Set<ForeignClaim>
    /// Frames received and not answered, per `Layer2DropReason.label` (plus "unknownEtherType"),
    /// summed over interfaces: malformed, truncated and bad-checksum frames are counted here
    /// (issue 4: "counted and dropped"), as are the routine ones (`targetNotOwned`, ...).
    public var drops: [String: Int]

    /// Another host answering for an IP this node announces.
    public struct ForeignClaim: Sendable, Hashable, CustomStringConvertible {
        public var ip: IPAddress
        public var mac: MACAddress
        public var interface: String

        public init(ip: IPAddress, mac: MACAddress, interface: String) {
            self.ip = ip
            self.mac = mac
            self.interface = interface
        }

        public var description: String { "\(ip) claimed by \(mac) on \(interface)" }
    }

    public init(
        requestsReceived: [IPAddress: Int] = [:], responsesSent: [IPAddress: Int] = [:],
        gratuitousSent: [IPAddress: Int] = [:], foreignAnswers: [IPAddress: Int] = [:],
        foreignClaims: Set<ForeignClaim> = [], drops: [String: Int] = [:]
    ) {
        self.requestsReceived = requestsReceived
        self.responsesSent = responsesSent
        self.gratuitousSent = gratuitousSent
        self.foreignAnswers = foreignAnswers
        self.foreignClaims = foreignClaims
        self.drops = drops
    }

    /// Nothing happened.
    public var isEmpty: Bool {
        requestsReceived.isEmpty && responsesSent.isEmpty && gratuitousSent.isEmpty && foreignAnswers.isEmpty
            && foreignClaims.isEmpty && drops.isEmpty
    }

    /// Adds `other`'s increments to these.
    public mutating func merge(_ other: Layer2Activity) {
        requestsReceived.merge(other.requestsReceived, uniquingKeysWith: +)
        responsesSent.merge(other.responsesSent, uniquingKeysWith: +)
        gratuitousSent.merge(other.gratuitousSent, uniquingKeysWith: +)
        foreignAnswers.merge(other.foreignAnswers, uniquingKeysWith: +)
        foreignClaims.formUnion(other.foreignClaims)
        drops.merge(other.drops, uniquingKeysWith: +)
    }
}
