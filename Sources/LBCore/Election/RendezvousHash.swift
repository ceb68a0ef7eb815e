/// The weight of a (node, IP) pair for rendezvous (highest-random-weight) hashing.
///
/// Every speaker computes the owner of every IP on its own, with no coordination, so the hash
/// must give the same number on every node, every run and every build: Swift's `Hasher` is
/// seeded at random per process, so it cannot be used. This is FNV-1a 64 over an unambiguous
/// encoding of the pair, followed by MurmurHash3's 64-bit finalizer (`fmix64`): FNV-1a alone
/// mixes the last bytes of short inputs poorly into the high bits that decide the ranking, and
/// the finalizer spreads every input bit over the whole word. Both are defined on bytes and
/// fixed integer arithmetic, so the result does not depend on platform, endianness or Swift
/// version. A cryptographic hash is not needed: node names and IPs are not chosen by attackers
/// who gain anything from skewing the ranking, and this runs for every IP on every change.
///
/// Changing this function changes which node owns which IP: speakers of two versions in one
/// cluster (a rolling upgrade) would then both claim some IPs. The test vectors in
/// `ElectionTests` pin it; change it only with a protocol version bump.
enum RendezvousHash {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// Hash of: node name length (4 bytes, big endian), node name UTF-8, family (4 or 6), the
    /// address bytes in network order. The length prefix keeps ("ab", x) and ("a", "b"+x) apart.
    static func weight(node: String, ip: IPAddress) -> UInt64 {
        var h = offsetBasis
        @inline(__always) func mix(_ byte: UInt8) {
            h ^= UInt64(byte)
            h &*= prime
        }
        let utf8 = node.utf8
        let count = UInt32(truncatingIfNeeded: utf8.count)
        for shift in stride(from: 24, through: 0, by: -8) { mix(UInt8(truncatingIfNeeded: count >> UInt32(shift))) }
        for b in utf8 { mix(b) }
        mix(ip.family == .ipv4 ? 4 : 6)
        for b in ip.bytes { mix(b) }
        return fmix64(h)
    }

    /// MurmurHash3's 64-bit finalizer: an invertible mix in which every input bit affects every
    /// output bit with probability about one half.
    static func fmix64(_ x: UInt64) -> UInt64 {
        var k = x
        k ^= k >> 33
        k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }
}
