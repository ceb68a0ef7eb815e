import LBCore

/// Chooses the interfaces on which a node answers ARP/NDP for an IP. Pure: the caller passes the
/// interfaces (from `Interfaces.list()` in production, literals in tests).
///
/// DESIGN.md: "answers ... only on the interfaces where the IP belongs". When the pool names
/// interfaces, those are used; otherwise an interface qualifies when one of its addresses has a
/// prefix containing the IP. Either way loopback, NOARP, down, bridge-port and bond-member
/// interfaces are skipped: the bridge or bond above them owns the addresses and the MAC peers see.
public enum AnnounceInterfaces {
    /// Why an interface is not used for an IP; surfaced in logs and `lbctl explain`.
    public enum SkipReason: String, Hashable, Sendable, CustomStringConvertible {
        case loopback, noARP, down, bridgePort, bondMember, noMAC, notFound
        /// No address on the interface has a subnet containing the IP.
        case noAddressInSubnet
        public var description: String { rawValue }
    }

    public struct Selection: Hashable, Sendable, CustomStringConvertible {
        /// Names of the chosen interfaces, in interface-index order (pool order when named).
        public var chosen: [String]
        public var skipped: [String: SkipReason]
        public init(chosen: [String] = [], skipped: [String: SkipReason] = [:]) {
            self.chosen = chosen
            self.skipped = skipped
        }

        /// `chosen=[eth0] skipped=[eth1:noAddressInSubnet,lo:loopback]`, names sorted.
        public var description: String {
            let skippedText = skipped.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
            return "chosen=[\(chosen.joined(separator: ","))] skipped=[\(skippedText.joined(separator: ","))]"
        }
    }

    public static func select(for ip: IPAddress, among interfaces: [InterfaceInfo], poolInterfaces: [String]? = nil)
        -> Selection
    {
        var selection = Selection()
        if let names = poolInterfaces, !names.isEmpty {
            for name in names {
                guard let info = interfaces.first(where: { $0.name == name }) else {
                    selection.skipped[name] = .notFound
                    continue
                }
                if let reason = unusable(info) { selection.skipped[name] = reason } else { selection.chosen.append(name) }
            }
            return selection
        }
        for info in interfaces.sorted(by: { $0.index < $1.index }) {
            if let reason = unusable(info) {
                selection.skipped[info.name] = reason
            } else if info.addresses.contains(where: { $0.prefix?.contains(ip) ?? false }) {
                selection.chosen.append(info.name)
            } else {
                selection.skipped[info.name] = .noAddressInSubnet
            }
        }
        return selection
    }

    static func unusable(_ info: InterfaceInfo) -> SkipReason? {
        if info.flags.contains(.loopback) { return .loopback }
        if info.flags.contains(.noARP) { return .noARP }
        if info.isBridgePort { return .bridgePort }
        if info.isBondMember { return .bondMember }
        if !info.flags.contains(.up) { return .down }
        if info.mac == nil { return .noMAC }
        return nil
    }
}
