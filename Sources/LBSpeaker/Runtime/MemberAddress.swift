import LBCore
import LBProtocols

/// The `ironlb.dev/member-address` annotation on a speaker's Lease: where its membership
/// endpoint listens, as `HOST:PORT` (`192.0.2.10:7946`) or `[HOST]:PORT` for IPv6
/// (`[2001:db8::10]:7946`), the form URLs and `ss` use. Peers find each other by reading it.
public enum MemberAddress {
    /// The Lease annotation holding the address.
    public static let annotationKey = "ironlb.dev/member-address"

    /// `HOST:PORT`, brackets around an IPv6 host.
    public static func format(_ address: PeerAddress) -> String { address.description }

    /// Reads an annotation value written by `format` (by this or another speaker version).
    /// Throws, with the reason, for anything else: a missing port, a port outside 1-65535, a
    /// host that is not a numeric IP, or an IPv6 host without brackets.
    public static func parse(_ text: String) throws(MemberAddressError) -> PeerAddress {
        let hostText: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw MemberAddressError(text, "no closing \"]\"") }
            hostText = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw MemberAddressError(text, "expected \":PORT\" after \"]\"") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw MemberAddressError(text, "no \":PORT\"") }
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
            if hostText.contains(":") {
                throw MemberAddressError(text, "an IPv6 host must be in brackets, as in [2001:db8::1]:7946")
            }
        }
        guard let host = IPAddress(String(hostText)) else {
            throw MemberAddressError(text, "\"\(hostText)\" is not a numeric IP address")
        }
        if text.hasPrefix("[") && host.family != .ipv6 {
            throw MemberAddressError(text, "only IPv6 hosts go in brackets")
        }
        guard portText.allSatisfy(\.isASCIIDigit), portText.count <= 5, let port = UInt16(portText), port > 0 else {
            throw MemberAddressError(text, "the port \"\(portText)\" must be a number from 1 to 65535")
        }
        return PeerAddress(host: host, port: port)
    }
}

/// A member address annotation that could not be read: the value and why.
public struct MemberAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public let reason: String

    init(_ value: String, _ reason: String) {
        self.value = value
        self.reason = reason
    }

    public var description: String { "member address \"\(value)\": \(reason)" }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
