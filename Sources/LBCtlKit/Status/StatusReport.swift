/// What `lbctl status` shows: a plain, `Codable` value built by `StatusReport.build` from a
/// `ClusterSnapshot` (the config text, the Services, the speakers' Leases, the controller's
/// Events) and the time. It does no I/O, so every wording is tested with fixture objects; the
/// renderers only lay it out.
///
/// Field order is the output order of `-o yaml`: the verdict first. Counts of addresses are
/// decimal strings, as `AddressCount` encodes them: a /64 has 2^64 addresses, past what a JSON
/// number holds exactly.
public struct StatusReport: Sendable, Hashable, Codable {
    /// One line that says whether all is well: "all 12 services served", "2 services pending",
    /// followed by other problems ("; config invalid", "; 1 speaker not live").
    public var verdict: String
    /// True when nothing needs attention: every Service served by a live speaker without a split
    /// view, the config loaded, every speaker live, every BGP session up.
    public var healthy: Bool
    public var config: ConfigState
    public var pools: [Pool]
    public var services: [ServiceLine]
    public var speakers: [Speaker]

    /// Whether `--strict` fails: a Service is pending, or the config is missing or invalid.
    public var hasStrictProblems: Bool {
        config.state != .loaded || services.contains { $0.state == .pending }
    }

    /// The config as the ConfigMap holds it, and whether the controller has it in force.
    public struct ConfigState: Sendable, Hashable, Codable {
        public enum State: String, Sendable, Hashable, Codable {
            case loaded, missing, invalid
        }
        public var state: State
        /// Where it was read from: `ConfigMap ironlb-system/config`.
        public var source: String
        /// The ConfigMap's content is not what the controller runs with (it is missing or
        /// invalid, so the controller keeps the last valid config, or has none).
        public var stale: Bool
        /// The parser's errors when invalid (each naming the field, the value and what was
        /// expected); why it is missing otherwise; empty when loaded.
        public var errors: [String]
        /// The controller's latest Event about the ConfigMap (`ConfigLoaded: config loaded: 2
        /// pools, 1 peer`), nil when there is none (or events cannot be read).
        public var lastEvent: String?
    }

    /// One address pool and how much of it Services use.
    public struct Pool: Sendable, Hashable, Codable {
        public var name: String
        public var `protocol`: String
        /// One entry per family the pool has addresses of, IPv4 first.
        public var families: [FamilyUsage]
    }

    /// Addresses of one family in one pool: in use (distinct IPs in Services' status) out of the
    /// usable total (buggy .0/.255 addresses left out when the pool avoids them).
    public struct FamilyUsage: Sendable, Hashable, Codable {
        public var family: String
        public var inUse: String
        public var total: String
    }

    /// One LoadBalancer Service that IronLB serves.
    public struct ServiceLine: Sendable, Hashable, Codable {
        public enum State: String, Sendable, Hashable, Codable {
            case served, pending
        }
        /// `namespace/name`.
        public var name: String
        public var state: State
        /// The IPs in `status.loadBalancer.ingress`.
        public var ips: [String]
        /// The `ironlb.dev/assigned-pool` annotation, else the configured pool holding the IP.
        public var pool: String?
        /// How the IPs are reached: the pool's protocol (`layer2`, `bgp`).
        public var mode: String?
        /// Layer 2: the node announcing the IP (per the live speakers' states), `split view`
        /// when they disagree, `none` when no live speaker announces it. BGP: every live node
        /// that advertises it, comma-separated. Nil when pending or when no speaker state is
        /// available.
        public var node: String?
        /// BGP: the peers (by name) at least one of those nodes advertises it to; nil otherwise.
        public var peers: [String]?
        /// Why the Service is pending (the controller's `AllocationFailed` event, else what the
        /// allocator answers for it now), or what is odd about a served one (an IP in no pool,
        /// speakers that disagree, no live speaker announcing it).
        public var reason: String?
    }

    /// One speaker, from its Lease `ironlb-speaker-<node>`.
    public struct Speaker: Sendable, Hashable, Codable {
        public var node: String
        /// The Lease was renewed less than `leaseDurationSeconds` ago.
        public var live: Bool
        /// `spec.renewTime` as written (RFC 3339, microseconds); nil when never renewed.
        public var lastRenewal: String?
        /// Seconds from `lastRenewal` to the report's time; nil when never renewed.
        public var lastRenewalAgeSeconds: Int?
        /// IPs this speaker says it announces (listed ones plus any the document had to omit);
        /// nil when its state could not be read.
        public var announced: Int?
        /// BGP sessions in state Established; nil when the speaker runs none.
        public var bgpSessionsUp: Int?
        /// BGP sessions this speaker runs; nil when it runs none.
        public var bgpSessionsTotal: Int?
        /// The speakers it sees as live members; empty when its state could not be read.
        public var members: [String]
        /// Why the state is absent or unreadable, or which BGP sessions are down and why; nil
        /// when there is nothing to say.
        public var note: String?
    }
}
