#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The state one speaker publishes for `lbctl status` and `lbctl explain`: which IPs it
/// announces and how, why it does not announce the others, and which speakers it sees alive.
///
/// The speaker writes it as JSON (`jsonData()`) into the annotation `annotationKey` of its node's
/// Lease in the IronLB namespace; lbctl reads it back with `decode(_:)`, so lbctl needs no access
/// to the nodes. The document is versioned: a reader refuses a version it does not know with a
/// clear error instead of showing half-understood fields.
///
/// Encoding is canonical: keys sorted, lists sorted, so an unchanged state encodes to identical
/// bytes and the speaker can skip the API write when nothing changed. Field names are part of the
/// contract with lbctl of other versions: rename nothing without bumping `currentVersion`.
public struct SpeakerState: Sendable, Hashable, Codable {
    /// The document version this build writes and the only one it reads.
    public static let currentVersion = 1
    /// The Lease annotation that carries the document.
    public static let annotationKey = "ironlb.dev/speaker-state"

    /// Always `currentVersion` in documents this build writes.
    public var version: Int
    /// The node this speaker runs on.
    public var node: String
    /// The address (`host:port`) this speaker uses in the membership protocol, or nil when it has
    /// not joined yet.
    public var memberAddress: String?
    /// The speakers (node names) this speaker sees as live members, itself included once joined.
    public var liveMembers: [String]
    /// Every Service IP this speaker knows of, announced or not (unless `omitted` says some were
    /// left out to fit the annotation size limit).
    public var ips: [AddressState]
    /// Set only when the document had to shrink to fit Kubernetes' 256 KiB annotation limit
    /// (`jsonString(fittingIn:)`): how many IPs were left out of `ips`. Absent otherwise.
    public var omitted: Omitted?
    /// The BGP sessions this speaker runs (one per configured peer whose `node-selectors` match
    /// its node), sorted by peer name. Absent when the config has no peer for this node, so
    /// layer-2-only documents are unchanged; readers that predate it ignore it.
    public var bgpPeers: [PeerState]?

    /// One BGP session as the speaker sees it.
    public struct PeerState: Sendable, Hashable, Codable {
        /// The peer's name from the config (`name`, else `ADDRESS:PORT`).
        public var name: String
        /// The peer's address, canonical text.
        public var address: String
        /// The peer's AS number.
        public var asn: UInt32
        /// RFC 4271 state name: `Idle`, `Connect`, `Active`, `OpenSent`, `OpenConfirm`, `Established`.
        public var state: String
        /// When the session last reached Established (RFC 3339, UTC); nil when it is not up.
        public var establishedSince: String?
        /// Prefixes currently advertised to this peer.
        public var prefixesAdvertised: Int
        /// Why the session last went down or failed to come up, in words; nil when it never did.
        public var lastError: String?

        public init(
            name: String, address: String, asn: UInt32, state: String, establishedSince: String?,
            prefixesAdvertised: Int, lastError: String?
        ) {
            self.name = name
            self.address = address
            self.asn = asn
            self.state = state
            self.establishedSince = establishedSince
            self.prefixesAdvertised = prefixesAdvertised
            self.lastError = lastError
        }

        public var isEstablished: Bool { state == "Established" }
    }

    /// What `jsonString(fittingIn:)` left out.
    public struct Omitted: Sendable, Hashable, Codable {
        /// Reason messages were dropped (codes kept): readers show the code.
        public var messages: Bool
        /// IPs this node announces that are not listed.
        public var announced: Int
        /// IPs this node does not announce that are not listed.
        public var notAnnounced: Int

        public init(messages: Bool, announced: Int, notAnnounced: Int) {
            self.messages = messages
            self.announced = announced
            self.notAnnounced = notAnnounced
        }
    }

    /// One Service IP as this speaker sees it.
    public struct AddressState: Sendable, Hashable, Codable {
        /// The IP, in canonical text form (RFC 5952 for IPv6).
        public var ip: IPAddress
        /// The address pool holding the IP; nil when it is in none.
        public var pool: String?
        /// The Services using the IP, as `namespace/name`.
        public var services: [String]
        /// How the IP is made reachable: the pool's protocol (`layer2`, `bgp`); nil when the IP
        /// is in no pool.
        public var `protocol`: PoolProtocol?
        /// Whether this node announces the IP.
        public var announced: Bool
        /// The node that announces the IP as this speaker computes it (layer2), or nil when none
        /// is eligible or the protocol elects no single owner. Speakers that disagree here see
        /// different members or Nodes: `lbctl status` shows it as a split view.
        public var owner: String?
        /// The interfaces this node announces the IP on; empty when it does not announce it, or
        /// (with `announced` true) on every interface with an address in the IP's subnet.
        public var interfaces: [String]
        /// Why this node does not announce the IP, most basic first; empty when it does.
        public var reasons: [Reason]
        /// BGP only: the peers (by name) this node advertises the IP's prefix to, i.e. whose
        /// session is Established. Absent for layer-2 IPs.
        public var peers: [String]?
        /// BGP only: the advertised prefix (`ip/len` after `aggregation-length`). Absent for layer 2.
        public var prefix: String?

        public init(
            ip: IPAddress, pool: String?, services: [String], protocol: PoolProtocol?, announced: Bool,
            owner: String?, interfaces: [String], reasons: [Reason], peers: [String]? = nil, prefix: String? = nil
        ) {
            self.peers = peers
            self.prefix = prefix
            self.ip = ip
            self.pool = pool
            self.services = services
            self.protocol = `protocol`
            self.announced = announced
            self.owner = owner
            self.interfaces = interfaces
            self.reasons = reasons
        }
    }

    /// A reason, in the form every reader can show: a stable `code` (for scripts, metrics labels)
    /// and a `message` in the user's words saying what to change.
    public struct Reason: Sendable, Hashable, Codable {
        public var code: String
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// A document of the current version. Lists are put in canonical order here (members,
    /// services and interfaces by name, IPs by address, IPv4 first); reasons keep their order,
    /// which carries meaning.
    public init(
        node: String, memberAddress: String?, liveMembers: [String], ips: [AddressState], bgpPeers: [PeerState]? = nil
    ) {
        self.version = Self.currentVersion
        self.bgpPeers = bgpPeers
        self.node = node
        self.memberAddress = memberAddress
        self.liveMembers = liveMembers
        self.ips = ips
        self = normalized()
    }

    enum CodingKeys: String, CodingKey { case version, node, memberAddress, liveMembers, ips, omitted, bgpPeers }

    /// Checks `version` before anything else, so a document from a newer speaker fails with a
    /// message that says so rather than with a confusing error about some renamed field.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .version)
        guard version == Self.currentVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: c, debugDescription: SpeakerStateError.unsupportedVersion(version).description)
        }
        self.version = version
        node = try c.decode(String.self, forKey: .node)
        memberAddress = try c.decodeIfPresent(String.self, forKey: .memberAddress)
        liveMembers = try c.decode([String].self, forKey: .liveMembers)
        ips = try c.decode([AddressState].self, forKey: .ips)
        omitted = try c.decodeIfPresent(Omitted.self, forKey: .omitted)
        bgpPeers = try c.decodeIfPresent([PeerState].self, forKey: .bgpPeers)
    }

    /// The same state with every list in canonical order.
    public func normalized() -> SpeakerState {
        var copy = self
        copy.normalize()
        return copy
    }

    /// Puts every list in canonical order, in place (with 10,000 IPs, `normalized()`'s copies of
    /// the IP list were megabytes the speaker's peak memory paid for).
    public mutating func normalize() {
        liveMembers.sort()
        for i in ips.indices {
            if ips[i].services.count > 1 { ips[i].services.sort() }
            if ips[i].interfaces.count > 1 { ips[i].interfaces.sort() }
            if let peers = ips[i].peers, peers.count > 1 { ips[i].peers?.sort() }
        }
        ips.sort { $0.ip < $1.ip }
        bgpPeers?.sort { $0.name < $1.name }
    }

    /// The canonical JSON encoding: compact, keys sorted, lists sorted (`normalized()`), so
    /// equal states give equal bytes. Absent optionals are left out.
    ///
    /// Kubernetes limits all annotations of an object to 256 KiB together. One IP takes roughly
    /// 250-400 bytes (most of it the reason message), so a speaker with more than about 700 IPs
    /// must check the size before writing.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(normalized())
    }

    /// `jsonData()` as text, the form an annotation value takes.
    public func jsonString() throws -> String {
        String(decoding: try jsonData(), as: UTF8.self)
    }

    /// What a speaker may spend of the Lease's 256 KiB annotation budget on this document (the
    /// rest is headroom for the member address and annotations others add).
    public static let annotationBudget = 200_000

    /// Fewer bytes than any IP entry takes in the JSON, even without messages
    /// (`{"announced":false,"interfaces":[],"ip":"1.2.3.4","reasons":[],"services":[]}` is 75).
    static let minimumEntryBytes = 64

    /// The most IP entries a document of `limit` bytes can hold. `jsonString(fittingIn:)` keeps
    /// announced IPs in address order, then the others, while they fit; so only the first this
    /// many of each can ever be kept, and a builder with more IPs may build just those and set
    /// `omitted` to the counts of the rest.
    public static func maximumEntries(in limit: Int) -> Int {
        limit / minimumEntryBytes
    }

    /// Whether a document with `ipCount` IPs could fit in `limit` bytes with its reason
    /// messages. When it cannot, `jsonString(fittingIn:)` drops every message, so a speaker
    /// can build the document without them (they are most of its size in memory).
    public static func messagesCanFit(ipCount: Int, in limit: Int) -> Bool {
        ipCount * minimumEntryBytes <= limit
    }

    /// `jsonString()` if it fits in `limit` bytes; otherwise a smaller document that does, saying
    /// in `omitted` what it left out: first the reason messages (codes stay), then IPs this node
    /// does not announce (highest addresses first), then, only if still needed, announced ones.
    /// Without this, a speaker with more than about 700 IPs could not publish its state at all.
    ///
    /// Consuming: the document is trimmed in place rather than copied (with 10,000 IPs each copy
    /// of the IP list is megabytes).
    public consuming func jsonString(fittingIn limit: Int) throws -> String {
        // With more IPs than could fit even without messages, the two whole-document encodings
        // would only be thrown away: with 10,000 IPs they cost tens of milliseconds and megabytes.
        // A document that already says it left IPs out (`omitted` set by a builder that kept
        // only the candidates, see `maximumEntries(in:)`) is past keeping messages too.
        let preOmitted = omitted ?? Omitted(messages: true, announced: 0, notAnnounced: 0)
        let hopeless = omitted != nil || !Self.messagesCanFit(ipCount: ips.count, in: limit)
        // Every entry takes at least `minimumEntryBytes` plus its messages: when even that is over
        // the limit, the whole encoding (the encoder's working copy is several times the
        // output) would only be thrown away, as it was for every change of 1,000 IPs.
        var lowerBound = ips.count * Self.minimumEntryBytes
        if !hopeless {
            for entry in ips where lowerBound <= limit {
                for reason in entry.reasons { lowerBound += reason.message.utf8.count }
            }
        }
        if !hopeless && lowerBound <= limit {
            let full = try jsonString()
            if full.utf8.count <= limit { return full }
        }
        var compact = self
        compact.normalize()
        for i in compact.ips.indices {
            for j in compact.ips[i].reasons.indices where !compact.ips[i].reasons[j].message.isEmpty {
                compact.ips[i].reasons[j].message = ""
            }
        }
        compact.omitted = Omitted(messages: true, announced: 0, notAnnounced: 0)
        if !hopeless {
            let withoutMessages = try compact.jsonString()
            if withoutMessages.utf8.count <= limit { return withoutMessages }
        }
        // Keep announced entries first, then the others, in address order, while they fit. Each
        // entry's encoded size (plus its comma) is measured once; 512 bytes of slack cover the
        // `omitted` counts growing.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let all = compact.ips
        compact.ips = []
        var skeleton = compact
        let total = all.count + preOmitted.announced + preOmitted.notAnnounced
        skeleton.omitted = Omitted(messages: true, announced: total, notAnnounced: total)
        var used = try encoder.encode(skeleton).count + 512
        var kept: [AddressState] = []
        var omittedAnnounced = 0
        var omittedOthers = 0
        // Once one entry does not fit, the rest are only counted: encoding thousands of entries
        // that cannot be kept would cost more than everything else the speaker does per change.
        var full = false
        for announcedPass in [true, false] {
            for entry in all where entry.announced == announcedPass {
                if !full {
                    let size = try encoder.encode(entry).count + 1
                    if used + size <= limit {
                        kept.append(entry)
                        used += size
                        continue
                    }
                    full = true
                }
                if entry.announced { omittedAnnounced += 1 } else { omittedOthers += 1 }
            }
        }
        compact.ips = kept
        compact.omitted = Omitted(
            messages: true, announced: omittedAnnounced + preOmitted.announced,
            notAnnounced: omittedOthers + preOmitted.notAnnounced)
        return try compact.jsonString()
    }

    /// Reads a published document. Throws `SpeakerStateError.unsupportedVersion` for a version
    /// this build does not know (checked before any other field) and `.malformed` for anything
    /// that is not a valid document, naming the field at fault.
    public static func decode(_ data: Data) throws(SpeakerStateError) -> SpeakerState {
        struct VersionProbe: Decodable { var version: Int? }
        let decoder = JSONDecoder()
        let probe: VersionProbe
        do {
            probe = try decoder.decode(VersionProbe.self, from: data)
        } catch {
            throw .malformed(Self.explain(error))
        }
        guard let version = probe.version else { throw .malformed("the document has no \"version\" field") }
        guard version == currentVersion else { throw .unsupportedVersion(version) }
        do {
            return try decoder.decode(SpeakerState.self, from: data)
        } catch {
            throw .malformed(Self.explain(error))
        }
    }

    /// Reads a published document from an annotation value.
    public static func decode(_ text: String) throws(SpeakerStateError) -> SpeakerState {
        try decode(Data(text.utf8))
    }

    /// A decoding error in a user's words: the field path and what was wrong with it.
    static func explain(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the document" : "field \(text.hasPrefix(".") ? String(text.dropFirst()) : text)"
        }
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type); \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required field is missing"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
