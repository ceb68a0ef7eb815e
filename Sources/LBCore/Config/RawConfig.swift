/// The config as written, after each value has been read on its own (types, syntax, ranges) but
/// before the rules that relate values to each other (overlaps, duplicates, references, defaults).
/// Every value keeps the path and line it came from so those later rules can name it.
///
/// This is the YAML schema, kept apart from the validated model (`Config`): `RawConfigReader`
/// fills it from YAML, `ConfigValidator` turns it into a `Config`. A field is nil when it was not
/// given *or* could not be read; in the second case an error has already been reported and the
/// rules that need the field skip it rather than pile up follow-on errors.
struct RawConfig {
    var pools: [Pool] = []
    var peers: [Peer] = []
    /// `bgp-communities` entries that could be read, in order.
    var communityAliases: [(name: Located<String>, value: CommunityValue)] = []
    /// Alias names whose value was invalid (reported already): uses of them are not reported again.
    var brokenAliases: Set<String> = []
    var bfdProfiles: [BFDProfileEntry] = []

    struct Located<Value> {
        var value: Value
        var path: String
        var line: Int?
        var shown: String
    }

    struct Pool {
        var path: String
        var line: Int?
        var name: Located<String>?
        var proto: PoolProtocol?
        /// Entries of `addresses` that parsed, with their positions.
        var addresses: [Located<IPRange>] = []
        var autoAssign: Bool?
        var avoidBuggyIPs: Bool?
        /// nil when the key is absent; the advertisements that could be read otherwise.
        var advertisements: Located<[Advertisement]>?
        var interfaces: Located<[String]>?
        var nodeSelectors: [LabelSelector] = []
        var namespaces: [String] = []
    }

    struct Advertisement {
        var path: String
        var line: Int?
        var aggregationLength: Located<Int>?
        var aggregationLengthV6: Located<Int>?
        var localPref: UInt32?
        var communities: [Located<String>] = []
    }

    struct Peer {
        var path: String
        var line: Int?
        var name: Located<String>?
        var address: IPAddress?
        var peerASN: UInt32?
        var myASN: UInt32?
        var port: UInt16?
        /// Whole seconds, MetalLB's rounding down applied.
        var holdTime: Located<Int>?
        var keepaliveTime: Located<Int>?
        var routerID: IPAddress?
        var sourceAddress: IPAddress?
        var password: String?
        var ebgpMultihop: Located<Bool>?
        var bfdProfile: Located<String>?
        var nodeSelectors: [LabelSelector] = []
        /// Keys whose value was given but could not be read: rules needing them are skipped.
        var unreadable: Set<String> = []
    }

    struct BFDProfileEntry {
        var name: Located<String>?
        var profile: BFDProfile
    }
}
