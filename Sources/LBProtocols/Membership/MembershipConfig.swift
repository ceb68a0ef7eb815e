/// The failure detector's timers. Defaults give detection in 250-350 ms after a speaker stops
/// (plus delivery latency), for about ten 100-byte datagrams per second per peer.
///
/// Why these numbers: a layer2 failover cannot be faster than noticing the failure, and
/// MetalLB's memberlist takes seconds. Every member sends a heartbeat to every other member
/// each `interval` and declares a peer dead after `deadAfter` without a fresh message from it,
/// i.e. after three heartbeats in a row were lost or late (the fourth would be due at 400 ms).
/// With independent loss p per datagram a false "dead" needs p^3: at 1% loss that is about
/// once a day per pair of nodes, at 0.1% about once in three years, and it heals at the next
/// heartbeat. Two misses (250 ms) would make false positives 100 times more likely.
public struct MembershipConfig: Sendable, Hashable {
    /// How often a heartbeat goes to each peer (default 100 ms).
    public var interval: Duration
    /// Silence after which a peer is reported `suspect` (still live for the election; visible in
    /// `lbctl`, an early sign of loss). Default 250 ms: two and a half intervals.
    public var suspectAfter: Duration
    /// Silence after which a peer is dead and its IPs move (default 350 ms: three and a half
    /// intervals, so three heartbeats must be missed in a row; the half absorbs jitter).
    public var deadAfter: Duration
    /// How many copies of `leave` go to each peer on shutdown. They are sent at once (the
    /// process is going away and cannot schedule later copies); three copies make a lost
    /// hand-over need three independent losses, and the failure detector covers that case.
    public var leaveCopies: Int
    /// How many membership events `Membership.events` keeps, oldest dropped first.
    public var eventHistory: Int

    public init(
        interval: Duration = .milliseconds(100), suspectAfter: Duration = .milliseconds(250),
        deadAfter: Duration = .milliseconds(350), leaveCopies: Int = 3, eventHistory: Int = 128
    ) {
        self.interval = interval
        self.suspectAfter = suspectAfter
        self.deadAfter = deadAfter
        self.leaveCopies = leaveCopies
        self.eventHistory = eventHistory
    }

    /// Refuses timers that cannot work: a peer must be allowed to miss at least one heartbeat
    /// before it is dead, and `suspect` must come no later than `dead`.
    public func validate() throws(MembershipSetupError) {
        if interval < .milliseconds(1) {
            throw .invalidConfig("interval \(interval) must be at least 1ms")
        }
        if deadAfter < interval * 2 {
            throw .invalidConfig("deadAfter \(deadAfter) must be at least twice the interval (\(interval)), or one lost heartbeat kills a peer")
        }
        if suspectAfter <= interval || suspectAfter > deadAfter {
            throw .invalidConfig("suspectAfter \(suspectAfter) must be longer than the interval (\(interval)) and at most deadAfter (\(deadAfter))")
        }
        if !(1...16).contains(leaveCopies) {
            throw .invalidConfig("leaveCopies \(leaveCopies) must be between 1 and 16")
        }
        if eventHistory < 0 {
            throw .invalidConfig("eventHistory \(eventHistory) must not be negative")
        }
    }
}
