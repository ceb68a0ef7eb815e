import NIOCore
import PropertyBased
import Testing

@testable import LBProtocols

/// The membership wire format: round trips, a datagram computed by an independent
/// implementation, byte-by-byte truncation, bit flips, garbage, and key handling.
@Suite struct MembershipCodecTests {
    static let key = Array(UInt8(0)...UInt8(31))
    static let codec = try! MembershipCodec(key: key)

    static let sample = MembershipMessage(
        kind: .heartbeat, sender: "node-a", receiver: "node-b", incarnation: 0x0102_0304_0506_0708, sequence: 42,
        receiverIncarnation: 7, view: MemberView(liveCount: 3, digest: 0x1122_3344_5566_7788))

    /// Computed with Python's hmac/hashlib (HKDF-SHA256 with no salt and the info label, then
    /// HMAC-SHA256 over the header and names), not with this code.
    static let goldenHex =
        "494c01010102030405060708000000000000002a000000000000000700031122334455667788066e6f64652d61066e6f64652d62"
        + "c574405893340693a5a572ffbb96300c3a26a36c8711da9038819922d4b4828c"

    static func bytes(_ buf: ByteBuffer) -> [UInt8] { Array(buf.readableBytesView) }
    static func hex(_ b: [UInt8]) -> String {
        b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
    static func decode(_ b: [UInt8], _ c: MembershipCodec = codec) -> Result<MembershipMessage, MembershipDropReason> {
        c.decode(ByteBuffer(bytes: b))
    }

    @Test func encodesTheDocumentedLayout() {
        let b = Self.bytes(Self.codec.encode(Self.sample))
        #expect(Self.hex(b) == Self.goldenHex)
        #expect(b.count == 84)
        #expect(Self.decode(b) == .success(Self.sample))
    }

    @Test(arguments: [
        ("a", "b"), ("node-a.example.com", "ip-10-0-0-1.ec2.internal"),
        (String(repeating: "x", count: 253), String(repeating: "y", count: 253)), ("nœud-é", "узел"),
    ])
    func roundTrips(_ sender: String, _ receiver: String) {
        for kind in MembershipMessage.Kind.allCases {
            let m = MembershipMessage(
                kind: kind, sender: sender, receiver: receiver, incarnation: .max, sequence: 1, receiverIncarnation: 0,
                view: MemberView(of: [sender, receiver]))
            let b = Self.bytes(Self.codec.encode(m))
            #expect(b.count <= MembershipCodec.maximumSize)
            #expect(b.count >= MembershipCodec.minimumSize)
            #expect(Self.decode(b) == .success(m))
        }
    }

    @Test func viewDigestIsPinned() {
        // Python: sha256 over len32be(name) || name for the sorted names, first 8 bytes.
        #expect(MemberView(of: ["node-c", "node-a", "node-b"]) == MemberView(liveCount: 3, digest: 0xf324_ba15_50cc_ae1a))
        #expect(MemberView(of: ["ab", "c"]) != MemberView(of: ["a", "bc"]))
    }

    /// Every cut of a valid datagram, fed one byte longer each time, is refused as truncated.
    @Test func everyPrefixIsTruncated() {
        let b = Self.bytes(Self.codec.encode(Self.sample))
        for n in 0..<b.count {
            #expect(Self.decode(Array(b.prefix(n))) == .failure(.truncated), "prefix \(n)")
        }
    }

    @Test func trailingAndOversizedInputIsRefused() {
        let b = Self.bytes(Self.codec.encode(Self.sample))
        #expect(Self.decode(b + [0]) == .failure(.trailingBytes))
        #expect(Self.decode(b + [UInt8](repeating: 0, count: MembershipCodec.maximumSize)) == .failure(.oversized))
        #expect(Self.decode([UInt8](repeating: 0x49, count: 100_000)) == .failure(.oversized))
    }

    /// Any single flipped bit is refused, and never decodes as a different message.
    @Test func everyBitFlipIsRefused() {
        let b = Self.bytes(Self.codec.encode(Self.sample))
        for i in 0..<b.count * 8 {
            var f = b
            f[i / 8] ^= 1 << UInt8(i % 8)
            guard case .failure(let reason) = Self.decode(f) else {
                Issue.record("bit \(i) flipped was accepted")
                continue
            }
            // Header fields past the checks fail on the MAC, the checked ones on their own reason.
            #expect(reason != .oversized, "bit \(i)")
        }
    }

    @Test func fieldChecksNameTheirReason() {
        let b = Self.bytes(Self.codec.encode(Self.sample))
        var x = b
        x[0] = 0x50
        #expect(Self.decode(x) == .failure(.badMagic))
        x = b
        x[2] = 2
        #expect(Self.decode(x) == .failure(.unsupportedVersion))
        x = b
        x[3] = 9
        #expect(Self.decode(x) == .failure(.unknownKind))
        x = b
        x[38] = 0  // sender name length 0
        #expect(Self.decode(x) == .failure(.invalidName))
        x = b
        x[39] = 0xFF  // not UTF-8
        #expect(Self.decode(x) == .failure(.invalidName))
        x = b
        x[45] = 200  // receiver name length beyond the datagram
        #expect(Self.decode(x) == .failure(.truncated))
        x = b
        x[84 - 1] ^= 0x80  // last MAC byte
        #expect(Self.decode(x) == .failure(.authenticationFailed))
        var zero = Self.sample
        zero.incarnation = 0
        #expect(Self.decode(Self.bytes(Self.codec.encode(zero))) == .failure(.invalidIncarnation))
    }

    @Test func aSpoofedSenderNameFailsTheMAC() {
        var b = Self.bytes(Self.codec.encode(Self.sample))
        b[44] = UInt8(ascii: "c")  // node-a -> node-c
        #expect(Self.decode(b) == .failure(.authenticationFailed))
    }

    @Test func keysMustMatchAndCanRotate() throws {
        let newKey = [UInt8](repeating: 0xA5, count: 32)
        let old = Self.bytes(Self.codec.encode(Self.sample))
        let onlyNew = try MembershipCodec(key: newKey)
        #expect(Self.decode(old, onlyNew) == .failure(.authenticationFailed))
        let rotating = try MembershipCodec(key: newKey, previousKeys: [Self.key])
        #expect(Self.decode(old, rotating) == .success(Self.sample))
        // The rotating codec signs with the new key, which the old-only codec refuses.
        #expect(Self.decode(Self.bytes(rotating.encode(Self.sample))) == .failure(.authenticationFailed))
        #expect(Self.decode(Self.bytes(rotating.encode(Self.sample)), onlyNew) == .success(Self.sample))
        #expect(throws: MembershipSetupError.keyTooShort(bytes: 15)) { try MembershipCodec(key: Array(repeating: 1, count: 15)) }
        #expect(throws: MembershipSetupError.keyTooShort(bytes: 0)) {
            try MembershipCodec(key: newKey, previousKeys: [[]])
        }
    }

    /// Random bytes never decode (the chance of a valid MAC is 2^-256), and never crash.
    @Test func garbageIsRefused() async {
        await propertyCheck(count: 500, input: Gen.uint8().array(of: 0...700)) { bytes in
            #expect(throws: (any Error).self) { try Self.decode(bytes).get() }
        }
    }

    /// Garbage behind a valid header reaches the deeper checks, which refuse it too.
    @Test func garbageBehindAValidHeaderIsRefused() async {
        await propertyCheck(count: 500, input: Gen.uint8().array(of: 0...600), Gen.uint8(in: 1...2)) { tail, kind in
            let bytes: [UInt8] = [0x49, 0x4C, 1, kind] + tail
            guard case .failure(let reason) = Self.decode(bytes) else {
                Issue.record("accepted garbage")
                return
            }
            #expect(reason != .badMagic && reason != .unsupportedVersion && reason != .unknownKind)
        }
    }
}
