/// Which nodes may announce an IP, and why the others may not. Both election variants build on
/// it: layer2 picks one node from `eligible`, BGP lets all of them advertise.
public struct Eligibility: Sendable, Hashable {
    /// Eligible node names, sorted by name.
    public let eligible: [String]
    /// Every ineligible node with all the reasons it fails, most basic first (a node whose
    /// speaker is down is reported so even if it also lacks an endpoint), so a user can fix
    /// them all at once.
    public let reasons: [String: [NotAnnouncingReason]]

    public init(eligible: [String], reasons: [String: [NotAnnouncingReason]]) {
        self.eligible = eligible
        self.reasons = reasons
    }
}
