import LBProtocols

/// What a `MembershipTransport` has seen and done, for metrics (all counters only grow).
public struct MembershipTransportCounters: Sendable, Hashable, CustomStringConvertible {
    /// Datagrams the state machine accepted (handshakes included).
    public var accepted = 0
    /// Datagrams that changed nothing, per reason (`ironlb_speaker_membership_drops_total{reason}`).
    public var drops: [MembershipDropReason: Int] = [:]
    /// Peers declared dead after `deadAfter` of silence: each one is a failover.
    public var failovers = 0
    /// Peers that became live (first contact, or back after dying or leaving).
    public var joins = 0
    /// Peers that left gracefully (said `leave`).
    public var leaves = 0
    /// Live peers seen with a new incarnation (their speaker restarted within `deadAfter`).
    public var restarts = 0
    /// Datagrams handed to the kernel.
    public var datagramsSent = 0
    /// Datagrams the kernel refused (no route, firewall, family mismatch, full buffer).
    public var sendErrors = 0
    /// Errors reported while reading the socket (ICMP errors surfacing on UDP, for instance).
    public var receiveErrors = 0
    /// The latest the failure-detector timer has fired after its deadline: a large value means
    /// this process was starved of CPU, and detection was that much slower.
    public var maxTimerLateness: Duration = .zero

    public init() {}

    /// Drops summed over all reasons.
    public var totalDrops: Int { drops.values.reduce(0, +) }

    public var description: String {
        let dropText = drops.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key)=\($0.value)" }
            .joined(separator: ",")
        return "accepted=\(accepted) drops={\(dropText)} failovers=\(failovers) joins=\(joins) leaves=\(leaves) "
            + "restarts=\(restarts) sent=\(datagramsSent) send_errors=\(sendErrors) receive_errors=\(receiveErrors) "
            + "max_timer_lateness=\(maxTimerLateness)"
    }
}
