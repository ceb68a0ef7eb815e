import Foundation

/// A bird2 configuration for a lab router that only *collects* routes: one `protocol bgp` per
/// neighbour (the lab nodes running lb-speaker), every route imported into bird's own table,
/// nothing exported and nothing written to the kernel. The demo and tests read what it learned
/// with `birdc show route`.
///
/// Rendered text is deterministic (neighbours in the given order), so it can be compared in tests
/// and printed in the demo. Validation happens in `init`: a bad name or address is a clear error,
/// never a config bird refuses later with a line number.
public struct BirdConfig: Sendable, Equatable {
    /// One BGP neighbour: a lab node.
    public struct Neighbor: Sendable, Equatable {
        /// The protocol's name in bird (`show protocols` lists it), e.g. "n1".
        public var name: String
        /// The neighbour's IPv4 or IPv6 address on the lab network.
        public var address: String
        /// The neighbour's AS number (the `my-asn` of IronLB's peer entry).
        public var asn: UInt32

        public init(name: String, address: String, asn: UInt32) {
            self.name = name
            self.address = address
            self.asn = asn
        }
    }

    /// bird's router id: an IPv4 address (bird refuses to start without one it can derive).
    public var routerID: String
    /// The router's own address, used as the sessions' local address.
    public var localAddress: String
    /// The router's AS number (IronLB's `peer-asn`).
    public var localASN: UInt32
    public var neighbors: [Neighbor]
    /// `passive on`: bird only listens and never connects, so each session is opened by
    /// lb-speaker (as in MetalLB deployments where the ToR waits for the nodes). Default true.
    public var passive: Bool
    /// Hold time offered to the neighbours, in seconds (RFC 4271 4.2: 0 or at least 3). Short in
    /// the lab so a dead node's routes are withdrawn quickly.
    public var holdTime: Int

    public init(routerID: String, localAddress: String, localASN: UInt32, neighbors: [Neighbor],
                passive: Bool = true, holdTime: Int = 9) throws {
        guard Self.isIPv4(routerID) else {
            throw LabError.invalidArgument("bird router id '\(routerID)' must be an IPv4 address")
        }
        guard Self.isIP(localAddress) else {
            throw LabError.invalidArgument("bird local address '\(localAddress)' is not an IP address")
        }
        guard holdTime == 0 || (3...65535).contains(holdTime) else {
            throw LabError.invalidArgument("bird hold time \(holdTime) must be 0 or 3...65535 (RFC 4271 4.2)")
        }
        guard !neighbors.isEmpty else { throw LabError.invalidArgument("bird config needs at least one neighbor") }
        var names: Set<String> = []
        for neighbor in neighbors {
            // bird symbols: a letter first, then letters, digits and underscores.
            guard let first = neighbor.name.first, first.isASCII, first.isLetter,
                  neighbor.name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw LabError.invalidArgument(
                    "bird protocol name '\(neighbor.name)' must start with a letter and hold only letters, digits and '_'")
            }
            guard names.insert(neighbor.name).inserted else {
                throw LabError.invalidArgument("bird protocol name '\(neighbor.name)' is used twice")
            }
            guard Self.isIP(neighbor.address) else {
                throw LabError.invalidArgument("neighbor \(neighbor.name): '\(neighbor.address)' is not an IP address")
            }
            guard neighbor.asn != 0 else { throw LabError.invalidArgument("neighbor \(neighbor.name): AS 0 is reserved") }
        }
        guard localASN != 0 else { throw LabError.invalidArgument("bird local AS 0 is reserved") }
        self.routerID = routerID
        self.localAddress = localAddress
        self.localASN = localASN
        self.neighbors = neighbors
        self.passive = passive
        self.holdTime = holdTime
    }

    /// The configuration file's text. Every session carries both address families' channels the
    /// neighbour's transport allows (IPv4 over an IPv4 session, IPv6 over an IPv6 one), with
    /// `import all; export none;`: bird keeps every route it learns and advertises nothing back.
    public func render() -> String {
        var lines = [
            "# bird2 router of the IronLB lab: collects the routes lb-speaker advertises.",
            "log stderr all;",
            "router id \(routerID);",
            "",
            "# Interfaces, so bird knows which neighbours are directly connected.",
            "protocol device {",
            "  scan time 10;",
            "}",
        ]
        for neighbor in neighbors {
            let family = neighbor.address.contains(":") ? "ipv6" : "ipv4"
            lines += [
                "",
                "protocol bgp \(neighbor.name) {",
                "  local \(localAddress) as \(localASN);",
                "  neighbor \(neighbor.address) as \(neighbor.asn);",
                "  passive \(passive ? "on" : "off");",
                "  hold time \(holdTime);",
                "  connect retry time 1;",
                "  error wait time 1, 5;",
                "  \(family) {",
                "    import all;",
                "    export none;",
                "  };",
                "}",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    static func isIP(_ text: String) -> Bool {
        var address6 = in6_addr()
        return isIPv4(text) || inet_pton(AF_INET6, text, &address6) == 1
    }
}
