/// The outcome of a layer2 election for one IP.
public struct ElectionResult: Sendable, Hashable {
    public let ip: IPAddress
    /// The node that announces the IP, or nil when no node is eligible.
    public let owner: String?
    /// The eligible nodes, best first: `ranking.first == owner`. If the owner goes away, the IP
    /// moves to `ranking[1]`, which is what rendezvous hashing guarantees.
    public let ranking: [String]
    /// Why each node other than the owner does not announce: ineligible nodes carry their
    /// eligibility reasons, eligible runners-up carry `.notElected(winner:)`.
    public let reasons: [String: [NotAnnouncingReason]]

    public init(ip: IPAddress, owner: String?, ranking: [String], reasons: [String: [NotAnnouncingReason]]) {
        self.ip = ip
        self.owner = owner
        self.ranking = ranking
        self.reasons = reasons
    }

    /// Whether `node` announces the IP.
    public func announces(_ node: String) -> Bool { owner == node }

    /// Why `node` does not announce the IP: empty for the owner, and for a node the election
    /// was not told about (it cannot know anything about it).
    public func reasons(for node: String) -> [NotAnnouncingReason] { reasons[node] ?? [] }
}
