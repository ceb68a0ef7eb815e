import Foundation

/// One of the lab's layer-2 segments: a bridge in the switch namespace with the switch's own
/// addresses on it. Network 0 is always there; network 1 exists with `secondNetwork: true`.
public struct LabNetwork: Sendable, Equatable {
    /// 0 or 1.
    public var index: Int
    /// The bridge's name inside the switch namespace.
    public var bridge: String
    /// The bridge's MAC address (the switch's own MAC on this segment).
    public var bridgeMAC: String
    /// "172.30.0" for network 0, "172.31.0" for network 1: host addresses are `ipv4Base.N`.
    public var ipv4Base: String
    /// "fd00:1b::" for network 0, "fd00:1c::" for network 1: host addresses are `ipv6Base` + hex.
    public var ipv6Base: String
    /// The switch's address on this segment (.1 / ::1), where `KubeAPIInLab` listens.
    public var switchIPv4: String { ipv4(host: 1) }
    public var switchIPv6: String { ipv6(host: 1) }
    public var ipv4Prefix: String { "\(ipv4Base).0/24" }
    public var ipv6Prefix: String { "\(ipv6Base)/64" }

    /// The IPv4 address with host part `host` (1...254) on this segment. Nodes use 11..., the
    /// client 100; 200...254 are free for LoadBalancer IPs.
    public func ipv4(host: Int) -> String { "\(ipv4Base).\(host)" }
    /// The IPv6 address whose last group is `host` written in hex (fd00:1b::64 for 100).
    public func ipv6(host: Int) -> String { "\(ipv6Base)\(String(host, radix: 16))" }
}

/// One interface of a node or the client: its veth end inside the host's namespace.
public struct LabInterface: Sendable, Equatable {
    /// Which `LabNetwork` it is plugged into.
    public var network: Int
    /// Name inside the host's namespace.
    public var name: String
    /// Name of the veth's other end, a port of the bridge in the switch namespace.
    public var switchPort: String
    /// Lower-case colon-separated MAC, as `ip`, `arping` and `tcpdump` print it.
    public var mac: String
    public var ipv4: String
    public var ipv6: String
}

/// A node or the client: a namespace with one interface per lab network.
public struct LabHost: Sendable, Equatable {
    /// "n1", "n2", ... or "client".
    public var name: String
    /// The network namespace (`ip netns exec NAMESPACE ...`).
    public var namespace: String
    /// `interfaces[0]` is on network 0; `interfaces[1]` on network 1 when it exists.
    public var interfaces: [LabInterface]

    /// The interface on network 0.
    public var primary: LabInterface { interfaces[0] }
    /// The interface on network 1, when the lab has a second network.
    public var secondary: LabInterface? { interfaces.count > 1 ? interfaces[1] : nil }
    /// The interface on `network`; traps on a network the lab does not have (a test bug).
    public func interface(_ network: Int) -> LabInterface { interfaces[network] }
}

/// Names and addresses of a lab, computed from its prefix before anything is created: `destroy`
/// uses the same plan, so it removes exactly what a (possibly partial) create could have made.
struct LabPlan: Sendable {
    static let maxPrefixLength = 8
    static let maxNodes = 50

    let prefix: String
    let switchNamespace: String
    let networks: [LabNetwork]
    let nodes: [LabHost]
    let client: LabHost

    var hosts: [LabHost] { nodes + [client] }
    var namespaces: [String] { [switchNamespace] + hosts.map(\.namespace) }

    /// Interface names: P + "br" + k (bridge), P + "n" + i + "e" + k (node i), P + "ce" + k
    /// (client), and the same with "s" in front of the role for the switch ends; with a prefix of
    /// at most 8 bytes and at most 50 nodes they stay within IFNAMSIZ - 1 = 15 bytes.
    init(prefix: String, nodeCount: Int, secondNetwork: Bool) throws {
        guard !prefix.isEmpty, prefix.utf8.count <= Self.maxPrefixLength,
              prefix.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }) else {
            throw LabError.invalidArgument(
                "prefix '\(prefix)' must be 1...\(Self.maxPrefixLength) lower-case ASCII letters or digits (interface names are limited to 15 bytes)")
        }
        guard (1...Self.maxNodes).contains(nodeCount) else {
            throw LabError.invalidArgument("nodes must be 1...\(Self.maxNodes), got \(nodeCount)")
        }
        self.prefix = prefix
        switchNamespace = "\(prefix)-sw"
        let networkCount = secondNetwork ? 2 : 1
        networks = (0..<networkCount).map { k in
            LabNetwork(index: k, bridge: "\(prefix)br\(k)", bridgeMAC: Self.mac(network: k, role: 2, index: 0),
                       ipv4Base: k == 0 ? "172.30.0" : "172.31.0", ipv6Base: k == 0 ? "fd00:1b::" : "fd00:1c::")
        }
        let networks = networks
        func host(name: String, namespace: String, role: String, macRole: Int, index: Int, hostPart: Int) -> LabHost {
            LabHost(name: name, namespace: namespace, interfaces: networks.map { net in
                LabInterface(network: net.index, name: "\(prefix)\(role)e\(net.index)",
                             switchPort: "\(prefix)s\(role)e\(net.index)",
                             mac: Self.mac(network: net.index, role: macRole, index: index),
                             ipv4: net.ipv4(host: hostPart), ipv6: net.ipv6(host: hostPart))
            })
        }
        nodes = (1...nodeCount).map { i in
            host(name: "n\(i)", namespace: "\(prefix)-n\(i)", role: "n\(i)", macRole: 0, index: i, hostPart: 10 + i)
        }
        client = host(name: "client", namespace: "\(prefix)-c", role: "c", macRole: 1, index: 0, hostPart: 100)
    }

    /// Locally administered unicast MACs, 02:1b:0K:00:RR:II, so a capture is readable at a glance:
    /// K network, RR role (00 node, 01 client, 02 switch), II node number. Labs never share a
    /// segment, so equal MACs in parallel labs do not matter.
    static func mac(network: Int, role: Int, index: Int) -> String {
        String(format: "02:1b:%02x:00:%02x:%02x", network, role, index)
    }
}
