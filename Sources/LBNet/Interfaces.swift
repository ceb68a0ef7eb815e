import CLBNet
import LBCore
import LBWire

#if canImport(Glibc)
import Glibc
#endif

/// Reads the host's interfaces: getifaddrs(3) for names and addresses, SIOCGIFHWADDR for the MAC,
/// and /sys/class/net for bridge-port and bond-member status.
///
/// /sys shows the network namespace of whoever mounted it, not the caller's: inside
/// `ip netns exec` (which remounts /sys) and in the speaker (host network) it is right, but a
/// thread moved with `NetworkNamespace.run` still sees the process's /sys, so bridge/bond status
/// read there is that of same-named interfaces outside (usually none: reported as false).
public enum Interfaces {
    /// Every interface of the current network namespace, sorted by index.
    public static func list() throws(LBNetError) -> [InterfaceInfo] {
        var head: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&head) == 0 else { throw .current("getifaddrs", "*") }
        defer { freeifaddrs(head) }
        var byName: [String: InterfaceInfo] = [:]
        var order: [String] = []
        var cursor = head
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            let name = String(cString: entry.pointee.ifa_name)
            if byName[name] == nil {
                guard let info = describe(name, flags: entry.pointee.ifa_flags) else { continue }
                byName[name] = info
                order.append(name)
            }
            if let address = address(of: entry.pointee) { byName[name]?.addresses.append(address) }
        }
        return order.compactMap { byName[$0] }.sorted { $0.index < $1.index }
    }

    /// One interface by name, or nil if it does not exist.
    public static func named(_ name: String) throws(LBNetError) -> InterfaceInfo? {
        try list().first { $0.name == name }
    }

    static func describe(_ name: String, flags raw: UInt32) -> InterfaceInfo? {
        let index = Int32(bitPattern: if_nametoindex(name))
        guard index > 0 else { return nil }
        var flags: InterfaceInfo.Flags = []
        if raw & CLBNET_IFF_UP != 0 { flags.insert(.up) }
        if raw & CLBNET_IFF_LOOPBACK != 0 { flags.insert(.loopback) }
        if raw & CLBNET_IFF_NOARP != 0 { flags.insert(.noARP) }
        if raw & CLBNET_IFF_RUNNING != 0 { flags.insert(.running) }
        var mac: MACAddress?
        var bytes = [UInt8](repeating: 0, count: 6)
        var hwType: Int32 = 0
        let rc = bytes.withUnsafeMutableBufferPointer { clbnet_get_hwaddr(name, $0.baseAddress, &hwType) }
        if rc == 0, hwType == CLBNET_ARPHRD_ETHER { mac = MACAddress(bytes: bytes) }
        let sys = "/sys/class/net/\(name)"
        return InterfaceInfo(
            name: name, index: index, mac: mac, flags: flags,
            isBridgePort: exists("\(sys)/brport"),
            isBondMember: exists("\(sys)/bonding_slave") || exists("\(sys)/master/bonding"))
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func address(of entry: ifaddrs) -> InterfaceInfo.Address? {
        guard let sa = entry.ifa_addr else { return nil }
        switch Int32(sa.pointee.sa_family) {
        case AF_INET:
            let ip = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt32(bigEndian: $0.pointee.sin_addr.s_addr) }
            let mask = entry.ifa_netmask.map {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt32(bigEndian: $0.pointee.sin_addr.s_addr) }
            } ?? UInt32.max
            return .init(address: IPAddress(ipv4: ip), prefixLength: mask.nonzeroBitCount)
        case AF_INET6:
            let ip = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { bytes16($0.pointee.sin6_addr) }
            let mask = entry.ifa_netmask.map {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { bytes16($0.pointee.sin6_addr) }
            } ?? [UInt8](repeating: 0xFF, count: 16)
            guard let address = IPAddress(bytes: ip) else { return nil }
            return .init(address: address, prefixLength: mask.reduce(0) { $0 + $1.nonzeroBitCount })
        default:
            return nil
        }
    }

    static func bytes16(_ address: in6_addr) -> [UInt8] {
        withUnsafeBytes(of: address) { Array($0) }
    }
}
