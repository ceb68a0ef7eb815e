import Crypto

/// A compact summary of a member's view of who is live: small enough for every heartbeat, so
/// each member learns whether its peers agree with it without shipping the member list.
public struct MemberView: Sendable, Hashable, CustomStringConvertible {
    /// Number of live members, the sender included (saturates at 65535).
    public var liveCount: UInt16
    /// First 8 bytes of SHA-256 over the sorted names, each prefixed by its length: equal sets
    /// give equal digests on every node; different sets collide with probability 2^-64.
    public var digest: UInt64

    public init(liveCount: UInt16, digest: UInt64) {
        self.liveCount = liveCount
        self.digest = digest
    }

    public init(of members: Set<String>) {
        var hasher = SHA256()
        for name in members.sorted() {
            let bytes = Array(name.utf8)
            let count = UInt32(truncatingIfNeeded: bytes.count)
            hasher.update(data: [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)])
            hasher.update(data: bytes)
        }
        var d: UInt64 = 0
        for b in hasher.finalize().prefix(8) { d = d << 8 | UInt64(b) }
        liveCount = UInt16(clamping: members.count)
        digest = d
    }

    public var description: String {
        let hex = String(digest, radix: 16)
        return "\(liveCount) live, digest \(String(repeating: "0", count: 16 - hex.count))\(hex)"
    }
}
