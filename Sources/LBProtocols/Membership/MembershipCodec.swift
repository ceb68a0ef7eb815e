import Crypto
import NIOCore

/// Encodes and authenticates membership datagrams. Version 1 layout, integers big endian:
///
/// ```
/// offset size  field
///  0     2     magic "IL" (0x49 0x4C): cheap rejection of stray traffic on the port
///  2     1     version = 1
///  3     1     kind: 1 heartbeat, 2 leave
///  4     8     sender incarnation (never 0)
/// 12     8     sequence
/// 20     8     receiver incarnation as the sender knows it (0: unknown)
/// 28     2     sender's live-member count
/// 30     8     sender's view digest
/// 38     1+n   sender name (length, then 1-253 bytes of UTF-8)
///  .     1+m   receiver name (same form)
///  .     32    HMAC-SHA256 over every byte above
/// ```
///
/// The MAC key is derived from the shared secret with HKDF-SHA256 and a label naming this
/// protocol and version, so the secret reused elsewhere (or a future version) cannot produce
/// valid messages here. Several keys may verify (the current one signs) so that a secret can
/// be rotated without a partition: add the new one as current with the old one as previous,
/// roll the speakers, then drop the old one.
public struct MembershipCodec: Sendable {
    public static let magic: UInt16 = 0x494C
    public static let version: UInt8 = 1
    public static let fixedHeaderSize = 38
    public static let macSize = 32
    public static let maxNameBytes = 253
    /// Shortest valid datagram: one-byte names.
    public static let minimumSize = fixedHeaderSize + 2 * 2 + macSize
    /// Longest valid datagram (578 bytes): two 253-byte names. Anything longer is refused before
    /// any work is spent on it, and it always fits one unfragmented datagram.
    public static let maximumSize = fixedHeaderSize + 2 * (1 + maxNameBytes) + macSize
    static let keyLabel = Array("ironlb membership v1 hmac-sha256".utf8)

    let signingKey: SymmetricKey
    let verifyingKeys: [SymmetricKey]

    /// - Parameters:
    ///   - key: the shared secret (at least 16 random bytes; the Secret the speakers mount).
    ///   - previousKeys: secrets still accepted while a rotation rolls out.
    public init(key: [UInt8], previousKeys: [[UInt8]] = []) throws(MembershipSetupError) {
        for k in [key] + previousKeys where k.count < 16 { throw .keyTooShort(bytes: k.count) }
        func derive(_ secret: [UInt8]) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: secret), info: Self.keyLabel, outputByteCount: 32)
        }
        signingKey = derive(key)
        verifyingKeys = ([key] + previousKeys).map(derive)
    }

    /// Whether `name` fits the wire: 1 to 253 bytes of UTF-8.
    public static func isValidName(_ name: String) -> Bool {
        (1...maxNameBytes).contains(name.utf8.count)
    }

    /// The datagram for `message`, MAC included. Names must satisfy `isValidName` (the state
    /// machine checks them where they enter: at setup and in `setPeers`).
    public func encode(_ message: MembershipMessage) -> ByteBuffer {
        precondition(Self.isValidName(message.sender) && Self.isValidName(message.receiver), "unchecked node name")
        var buf = ByteBuffer()
        buf.reserveCapacity(Self.fixedHeaderSize + 2 + message.sender.utf8.count + message.receiver.utf8.count + Self.macSize)
        buf.writeInteger(Self.magic)
        buf.writeInteger(Self.version)
        buf.writeInteger(message.kind.rawValue)
        buf.writeInteger(message.incarnation)
        buf.writeInteger(message.sequence)
        buf.writeInteger(message.receiverIncarnation)
        buf.writeInteger(message.view.liveCount)
        buf.writeInteger(message.view.digest)
        for name in [message.sender, message.receiver] {
            buf.writeInteger(UInt8(name.utf8.count))
            buf.writeString(name)
        }
        let mac = buf.withUnsafeReadableBytes { HMAC<SHA256>.authenticationCode(for: $0, using: signingKey) }
        buf.writeBytes(Array(mac))
        return buf
    }

    /// The message in `datagram`, or why it is refused. Checks structure first (cheap, and it
    /// tells a cut or foreign packet from a forged one), then the MAC. Freshness (replay,
    /// incarnation) needs per-peer state and is `Membership`'s job.
    public func decode(_ datagram: ByteBuffer) -> Result<MembershipMessage, MembershipDropReason> {
        var buf = datagram
        let total = buf.readableBytes
        if total > Self.maximumSize { return .failure(.oversized) }
        guard let magic = buf.readInteger(as: UInt16.self) else { return .failure(.truncated) }
        if magic != Self.magic { return .failure(.badMagic) }
        guard let version = buf.readInteger(as: UInt8.self) else { return .failure(.truncated) }
        if version != Self.version { return .failure(.unsupportedVersion) }
        guard let rawKind = buf.readInteger(as: UInt8.self) else { return .failure(.truncated) }
        guard let kind = MembershipMessage.Kind(rawValue: rawKind) else { return .failure(.unknownKind) }
        guard let incarnation = buf.readInteger(as: UInt64.self),
            let sequence = buf.readInteger(as: UInt64.self),
            let echo = buf.readInteger(as: UInt64.self),
            let liveCount = buf.readInteger(as: UInt16.self),
            let digest = buf.readInteger(as: UInt64.self)
        else { return .failure(.truncated) }
        var names: [String] = []
        for _ in 0..<2 {
            guard let length = buf.readInteger(as: UInt8.self) else { return .failure(.truncated) }
            guard let bytes = buf.readBytes(length: Int(length)) else { return .failure(.truncated) }
            guard length > 0, let name = String(validating: bytes, as: UTF8.self), Self.isValidName(name) else {
                return .failure(.invalidName)
            }
            names.append(name)
        }
        if buf.readableBytes < Self.macSize { return .failure(.truncated) }
        if buf.readableBytes > Self.macSize { return .failure(.trailingBytes) }
        if incarnation == 0 { return .failure(.invalidIncarnation) }
        let signedLength = total - Self.macSize
        let mac = buf.readBytes(length: Self.macSize) ?? []
        let authentic = datagram.withUnsafeReadableBytes { all in
            let signed = UnsafeRawBufferPointer(rebasing: all.prefix(signedLength))
            return verifyingKeys.contains { HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: $0) }
        }
        if !authentic { return .failure(.authenticationFailed) }
        return .success(
            MembershipMessage(
                kind: kind, sender: names[0], receiver: names[1], incarnation: incarnation, sequence: sequence,
                receiverIncarnation: echo, view: MemberView(liveCount: liveCount, digest: digest)))
    }
}
