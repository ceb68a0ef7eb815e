import LBCore
import LBWire

/// One network interface as the layer-2 announcer needs to see it. A plain value, so interface
/// selection can be decided and tested without touching the host (see `AnnounceInterfaces`).
public struct InterfaceInfo: Hashable, Sendable, CustomStringConvertible {
    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let up = Flags(rawValue: 1 << 0)
        public static let loopback = Flags(rawValue: 1 << 1)
        /// IFF_NOARP: the interface does no address resolution, so answering ARP/NDP there is wrong.
        public static let noARP = Flags(rawValue: 1 << 2)
        public static let running = Flags(rawValue: 1 << 3)
    }

    /// An address configured on the interface with its prefix length (the address is kept, not
    /// masked, unlike `IPPrefix`).
    public struct Address: Hashable, Sendable, CustomStringConvertible {
        public let address: IPAddress
        public let prefixLength: Int
        public init(address: IPAddress, prefixLength: Int) {
            self.address = address
            self.prefixLength = prefixLength
        }
        public var prefix: IPPrefix? { IPPrefix(address: address, length: prefixLength) }
        public var description: String { "\(address)/\(prefixLength)" }
    }

    public var name: String
    public var index: Int32
    /// nil for interfaces without an Ethernet hardware address (loopback has 00:00:00:00:00:00).
    public var mac: MACAddress?
    public var flags: Flags
    public var addresses: [Address]
    /// The interface is a port of a Linux bridge (/sys/class/net/IF/brport exists): the bridge
    /// itself carries the addresses and must do the announcing.
    public var isBridgePort: Bool
    /// The interface is a bond member (/sys/class/net/IF/bonding_slave or master/bonding exists):
    /// the bond carries the addresses.
    public var isBondMember: Bool

    public init(
        name: String, index: Int32, mac: MACAddress?, flags: Flags, addresses: [Address] = [],
        isBridgePort: Bool = false, isBondMember: Bool = false
    ) {
        self.name = name
        self.index = index
        self.mac = mac
        self.flags = flags
        self.addresses = addresses
        self.isBridgePort = isBridgePort
        self.isBondMember = isBondMember
    }

    /// One line, as `l2-responder --list-interfaces` prints it:
    /// `3: eth0 02:00:00:00:00:02 <up,running> 192.0.2.2/24 2001:db8::2/64 [bridge-port]`.
    public var description: String {
        var flagNames: [String] = []
        if flags.contains(.up) { flagNames.append("up") }
        if flags.contains(.running) { flagNames.append("running") }
        if flags.contains(.loopback) { flagNames.append("loopback") }
        if flags.contains(.noARP) { flagNames.append("noarp") }
        var parts = ["\(index): \(name)", mac.map(\.description) ?? "-", "<\(flagNames.joined(separator: ","))>"]
        parts += addresses.map(\.description)
        if isBridgePort { parts.append("[bridge-port]") }
        if isBondMember { parts.append("[bond-member]") }
        return parts.joined(separator: " ")
    }
}
