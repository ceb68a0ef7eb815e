/// Why a received datagram changed nothing. Counted per reason (`Membership.dropCounts`) for
/// the `ironlb_speaker_membership_drops_total{reason}` metric, and returned for logs and tests.
public enum MembershipDropReason: String, Error, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    // Structure: stray, cut or corrupted datagrams.
    /// Shorter than its fields say (cut in transit, or not ours).
    case truncated
    /// Longer than the largest valid message (578 bytes); refused before any parsing.
    case oversized
    /// Does not start with "IL": other traffic on the port.
    case badMagic
    /// A protocol version this speaker does not speak (a newer speaker during an upgrade).
    case unsupportedVersion
    /// A message kind this version does not know.
    case unknownKind
    /// A name that is empty, not UTF-8, or longer than 253 bytes.
    case invalidName
    /// Bytes after the MAC.
    case trailingBytes
    /// Incarnation 0, which no speaker sends.
    case invalidIncarnation
    // Authenticity.
    /// The MAC does not verify: a different secret, a flipped bit, or a forgery.
    case authenticationFailed
    // Meaning and freshness (authentic messages).
    /// Claims to come from this node: a reflected packet, or two nodes with one name.
    case fromSelf
    /// Addressed to another node: captured on its way there and replayed here.
    case wrongReceiver
    /// From a node not in the peer list (its Lease is not seen yet, or it was removed).
    case unknownSender
    /// From an incarnation older than one already heard from that node: a replay of a
    /// previous life.
    case staleIncarnation
    /// A sequence number already passed: a duplicate, a reordered late copy, or a replay.
    case replayedSequence
    /// From an incarnation that has already said `leave` (extra leave copies land here).
    case alreadyLeft

    public var description: String { rawValue }
}
