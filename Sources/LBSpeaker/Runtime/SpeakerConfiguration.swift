import LBCore
import LBProtocols

/// Settings of one speaker process (the flags of `lb-speaker`). Every default is documented
/// with the reason for it; `validate()` refuses combinations that cannot work, naming the value.
public struct SpeakerConfiguration: Sendable {
    /// This node's name: the Node object the speaker reads its labels and address from, its
    /// name in the membership protocol, and the suffix of its Lease. Must equal the Node's
    /// `metadata.name` (the DaemonSet passes `spec.nodeName` as `NODE_NAME`).
    public var nodeName: String
    /// IronLB's namespace: the ConfigMap and the speakers' Leases live here.
    public var namespace: String
    /// The ConfigMap holding the `config` key (MetalLB v0.12 format).
    public var configMapName: String
    /// Serve Services of this `spec.loadBalancerClass` only; nil serves Services without a class.
    public var loadBalancerClass: String?
    /// The numeric address the membership UDP socket binds: `0.0.0.0` (default: every IPv4
    /// address), `::` (dual-stack), or one of the node's own addresses.
    public var memberBindHost: String
    /// The membership UDP port, the same on every node. 7946 is the port MetalLB's memberlist
    /// uses, so existing firewall rules for MetalLB keep working. 0 picks a free port (tests).
    public var memberPort: Int
    /// The address peers send heartbeats to. nil (default): `memberBindHost` when that is a
    /// specific address, else the Node's first `InternalIP` of a family the socket can reach.
    public var memberAdvertiseAddress: IPAddress?
    /// The membership's shared secret (at least 16 bytes): a message without a valid MAC under
    /// it changes nothing.
    public var memberKey: [UInt8]
    /// More secrets whose messages are accepted (never used to send): rotating the key without
    /// a split. Roll out the new key here first, then make it `memberKey` with the old one here,
    /// then drop the old one. Each at least 16 bytes.
    public var memberAcceptedKeys: [[UInt8]] = []
    /// Heartbeat and failure-detector timers (default: `defaultMembership`; set from the flags
    /// with `setMemberTimers(interval:deadAfter:)`).
    public var membership: MembershipConfig
    /// `spec.leaseDurationSeconds` of this speaker's Lease (default 15 s, as the controller's):
    /// `lbctl` shows a speaker whose Lease was not renewed within it as stale.
    public var leaseDuration: Duration
    /// How often the Lease's `renewTime` is refreshed when nothing else changes (default 5 s: a
    /// third of the duration, so two renewals may fail before the Lease looks stale).
    public var leaseRenewInterval: Duration
    /// The shortest time between two writes of the published state (default 200 ms): under
    /// churn the state is written at most five times a second, always the newest one.
    public var minimumStateWriteInterval: Duration
    /// How often the interfaces are read again to follow links that appear, go down or change
    /// addresses (default 1 s), and how often announcer counters are collected for metrics.
    public var housekeepingInterval: Duration
    /// The most any single step of graceful shutdown may take (leave, stop announcers, final
    /// Lease write, close) before the next one starts anyway (default 2 s).
    public var shutdownStepTimeout: Duration

    public init(
        nodeName: String, namespace: String = "ironlb-system", configMapName: String = "config",
        loadBalancerClass: String? = nil, memberBindHost: String = "0.0.0.0", memberPort: Int = 7946,
        memberAdvertiseAddress: IPAddress? = nil, memberKey: [UInt8], membership: MembershipConfig = SpeakerConfiguration.defaultMembership,
        leaseDuration: Duration = .seconds(15), leaseRenewInterval: Duration = .seconds(5),
        minimumStateWriteInterval: Duration = .milliseconds(200), housekeepingInterval: Duration = .seconds(1),
        shutdownStepTimeout: Duration = .seconds(2)
    ) {
        self.nodeName = nodeName
        self.namespace = namespace
        self.configMapName = configMapName
        self.loadBalancerClass = loadBalancerClass
        self.memberBindHost = memberBindHost
        self.memberPort = memberPort
        self.memberAdvertiseAddress = memberAdvertiseAddress
        self.memberKey = memberKey
        self.membership = membership
        self.leaseDuration = leaseDuration
        self.leaseRenewInterval = leaseRenewInterval
        self.minimumStateWriteInterval = minimumStateWriteInterval
        self.housekeepingInterval = housekeepingInterval
        self.shutdownStepTimeout = shutdownStepTimeout
    }

    /// `--member-interval` default: a heartbeat to each peer every 40 ms.
    ///
    /// Chosen with Benchmarks/speaker-bench (owner's speaker SIGKILLed + link down, client
    /// probing every 10 ms; 2 shared cores at load 5-13). The gap is about dead-after minus half
    /// an interval plus ~5 ms for the new owner to answer:
    /// - 100 ms / 350 ms: median 290 ms, max 348 ms: misses the 250 ms target. No false death.
    /// - 50 ms / 200 ms: median 190 ms, max 214 ms, but 11 false deaths (a live peer taken for
    ///   dead for a moment) in two runs when the load reached 10-13: 150 ms of silence is too
    ///   little slack on a starved machine.
    /// - 40 ms / 240 ms (chosen): median 226 ms, max 249 ms, against about 330 ms for keepalived
    ///   VRRPv3 with advert_int 0.1. A live peer is taken for dead only after 200 ms without
    ///   being scheduled (six heartbeats in a row missed), 50 ms more slack than 50/200.
    /// The cost: 25 datagrams of about 100 bytes per second to each peer (a full mesh: nodes²).
    public static let defaultMemberInterval = "40ms"
    /// `--member-dead-after` default: 240 ms of silence (see `defaultMemberInterval`).
    public static let defaultMemberDeadAfter = "240ms"
    /// The membership timers the flags' defaults give.
    public static var defaultMembership: MembershipConfig {
        var config = SpeakerConfiguration(nodeName: "-", memberKey: [], membership: MembershipConfig())
        try? config.setMemberTimers(interval: defaultMemberInterval, deadAfter: defaultMemberDeadAfter)
        return config.membership
    }

    /// Sets the heartbeat interval and the silence after which a peer is dead from Go-style
    /// durations (`50ms`, `0.2s`), as `--member-interval` and `--member-dead-after` give them.
    /// `deadAfter` must exceed twice `interval` (so at least two heartbeats in a row must be lost
    /// before a live peer is taken for dead); `suspect` comes one interval before dead.
    public mutating func setMemberTimers(interval: String, deadAfter: String) throws(SpeakerConfigurationError) {
        func parse(_ flag: String, _ text: String) throws(SpeakerConfigurationError) -> Int64 {
            let nanoseconds: Int64
            do {
                nanoseconds = try GoDuration.parseNanoseconds(text)
            } catch {
                throw .invalid(flag, "\"\(text)\"", "\(error.reason)")
            }
            guard nanoseconds >= 1_000_000, nanoseconds <= 60_000_000_000 else {
                throw .invalid(flag, "\"\(text)\"", "must be between 1ms and 1m")
            }
            return nanoseconds
        }
        let every = try parse("--member-interval", interval)
        let dead = try parse("--member-dead-after", deadAfter)
        guard dead > 2 * every else {
            throw .invalid(
                "--member-dead-after", "\"\(deadAfter)\"",
                "must be more than twice --member-interval (\(interval)), or two late heartbeats would take a live peer for dead")
        }
        membership.interval = .nanoseconds(every)
        membership.deadAfter = .nanoseconds(dead)
        membership.suspectAfter = .nanoseconds(dead - every)
    }

    /// The shortest shared secret accepted (128 bits).
    public static let minimumKeyBytes = 16

    /// `ironlb-speaker-<node>`: the Lease this speaker keeps in `namespace`.
    public var leaseName: String { SpeakerLease.name(for: nodeName) }

    /// The parsed bind host (valid after `validate()`).
    var bindAddress: IPAddress? { IPAddress(memberBindHost) }

    /// Refuses settings that cannot work, naming the setting and the value.
    public func validate() throws(SpeakerConfigurationError) {
        guard MembershipCodec.isValidName(nodeName) else { throw .invalidNodeName(nodeName) }
        guard leaseName.utf8.count <= 253 else { throw .invalidNodeName(nodeName) }
        guard !namespace.isEmpty else { throw .invalid("namespace", "\"\"", "must not be empty") }
        guard !configMapName.isEmpty else { throw .invalid("config-map", "\"\"", "must not be empty") }
        guard memberKey.count >= Self.minimumKeyBytes else { throw .keyTooShort(bytes: memberKey.count) }
        for key in memberAcceptedKeys where key.count < Self.minimumKeyBytes { throw .keyTooShort(bytes: key.count) }
        guard (0...65535).contains(memberPort) else {
            throw .invalid("member port", "\(memberPort)", "must be between 0 and 65535")
        }
        guard IPAddress(memberBindHost) != nil else {
            throw .invalid("member bind address", "\"\(memberBindHost)\"", "must be a numeric IPv4 or IPv6 address")
        }
        do { try membership.validate() } catch { throw .invalid("membership", "", error.description) }
        guard leaseDuration >= .seconds(1) else {
            throw .invalid("lease duration", "\(leaseDuration)", "must be at least 1s")
        }
        guard leaseRenewInterval > .zero, leaseRenewInterval < leaseDuration else {
            throw .invalid(
                "lease renew interval", "\(leaseRenewInterval)", "must be positive and shorter than the lease duration")
        }
        guard minimumStateWriteInterval >= .zero else {
            throw .invalid("minimum state write interval", "\(minimumStateWriteInterval)", "must not be negative")
        }
        guard housekeepingInterval > .zero else {
            throw .invalid("housekeeping interval", "\(housekeepingInterval)", "must be positive")
        }
        guard shutdownStepTimeout > .zero else {
            throw .invalid("shutdown step timeout", "\(shutdownStepTimeout)", "must be positive")
        }
    }
}

/// Why a `SpeakerConfiguration` cannot work; `description` names the setting and the value.
public enum SpeakerConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The node name is empty, longer than the membership allows, or too long for a Lease name.
    case invalidNodeName(String)
    /// The membership secret is shorter than `SpeakerConfiguration.minimumKeyBytes`.
    case keyTooShort(bytes: Int)
    /// Another setting: (setting, value, what was expected).
    case invalid(String, String, String)

    public var description: String {
        switch self {
        case .invalidNodeName(let name):
            "node name \"\(name)\" must be 1 to 238 bytes (a Kubernetes node name; the Lease is ironlb-speaker-<node>)"
        case .keyTooShort(let bytes):
            "the membership key is \(bytes) bytes; it must be at least \(SpeakerConfiguration.minimumKeyBytes) "
                + "bytes, the same on every node (e.g. the output of `openssl rand -base64 32`)"
        case .invalid(let setting, let value, let expected):
            value.isEmpty ? "\(setting): \(expected)" : "\(setting) \(value): \(expected)"
        }
    }
}
