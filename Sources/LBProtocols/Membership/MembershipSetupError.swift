/// Why a `Membership` or `MembershipCodec` could not be set up; `description` names the
/// value and what was expected.
public enum MembershipSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidConfig(String)
    /// The shared secret is shorter than 16 bytes (128 bits).
    case keyTooShort(bytes: Int)
    /// A node name is empty or longer than 253 bytes (a Kubernetes node name is a DNS subdomain).
    case invalidName(String)
    /// Incarnation 0 means "unknown" on the wire.
    case zeroIncarnation

    public var description: String {
        switch self {
        case .invalidConfig(let s): "membership config: \(s)"
        case .keyTooShort(let n): "membership secret is \(n) bytes; it must be at least 16 random bytes"
        case .invalidName(let n): "node name \"\(n)\" must be 1 to 253 bytes"
        case .zeroIncarnation: "incarnation must be at least 1 (0 means unknown on the wire)"
        }
    }
}
