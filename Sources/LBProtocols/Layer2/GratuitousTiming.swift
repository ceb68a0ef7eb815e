import LBCore

/// Offsets from a takeover at which `GratuitousSchedule` announces an address, per family.
/// See `GratuitousSchedule` for why these defaults.
public struct GratuitousTiming: Hashable, Sendable {
    public let ipv4: [Duration]
    public let ipv6: [Duration]

    /// Offsets are sorted; negative ones are due at once.
    public init(ipv4: [Duration], ipv6: [Duration]) {
        self.ipv4 = ipv4.sorted()
        self.ipv6 = ipv6.sorted()
    }

    /// IPv4: 0, 250 ms, 1 s, 2 s, 4 s. IPv6: 0, 1 s, 2 s (RFC 4861 sections 7.2.6 and 10).
    public static let `default` = GratuitousTiming(
        ipv4: [.zero, .milliseconds(250), .seconds(1), .seconds(2), .seconds(4)],
        ipv6: [.zero, .seconds(1), .seconds(2)])

    public func offsets(for family: IPFamily) -> [Duration] { family == .ipv4 ? ipv4 : ipv6 }
}
