import Foundation

/// One path bird holds for a prefix, from `birdc show route [for IP] [all]`.
public struct BirdRoute: Sendable, Equatable {
    /// The network, e.g. "203.0.113.1/32".
    public var prefix: String
    /// The protocol that learned it (for the lab router: the neighbour's name, "n1").
    public var protocolName: String
    /// The next hop ("via ADDRESS on DEV"), nil for routes without one.
    public var nextHop: String?
    /// The AS path as bird prints it after `[AS...]`, e.g. "64513i" (the trailing letter is the origin).
    public var asPath: String?
    /// True for the path bird marked best (`*`).
    public var best: Bool
    /// The path's BGP attributes as `show route ... all` prints them, by name without the
    /// `BGP.` prefix: "next_hop", "local_pref", "as_path" (empty for iBGP), "community"
    /// ("(64513,7)"), "large_community" ("(64513, 1, 2)"). Empty without `all`.
    public var bgp: [String: String]

    public init(
        prefix: String, protocolName: String, nextHop: String?, asPath: String?, best: Bool, bgp: [String: String] = [:]
    ) {
        self.prefix = prefix
        self.protocolName = protocolName
        self.nextHop = nextHop
        self.asPath = asPath
        self.best = best
        self.bgp = bgp
    }

    /// Parses `birdc show route ...` output (with or without `all`). Lines look like this
    /// (bird 2.0.12, two eBGP neighbours advertising the same /32, captured in a lab):
    ///
    ///     BIRD 2.0.12 ready.
    ///     Table master4:
    ///     203.0.113.1/32       unicast [n1 10:51:56.445] * (100) [AS64513i]
    ///     	via 10.99.0.11 on br0
    ///     	Type: BGP univ
    ///                          unicast [n2 10:51:56.446] (100) [AS64513i]
    ///     	via 10.99.0.12 on br0
    ///
    /// A continuation path starts with spaces and belongs to the last prefix. "Network not
    /// found" gives no routes (not an error: the demo waits for routes to arrive).
    public static func parse(_ output: String) -> [BirdRoute] {
        var routes: [BirdRoute] = []
        var prefix: String?
        for rawLine in output.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = String(rawLine)
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = words.first else { continue }
            if line.hasPrefix("\t") {
                // Attribute lines of the last path: the next hop, and the `BGP.name: value` ones.
                guard !routes.isEmpty else { continue }
                if first == "via", words.count >= 2 {
                    routes[routes.count - 1].nextHop = words[1]
                } else if first.hasPrefix("BGP."), first.hasSuffix(":") {
                    routes[routes.count - 1].bgp[String(first.dropFirst(4).dropLast())] =
                        words.dropFirst().joined(separator: " ")
                }
                continue
            }
            // A path line: "[PREFIX] TYPE [PROTO TIME] [*] (PREF) [ASPATH]".
            guard let open = words.firstIndex(where: { $0.hasPrefix("[") }), open + 1 < words.count else { continue }
            let startsWithPrefix = !line.hasPrefix(" ")
            if startsWithPrefix {
                guard first.contains("/") else { continue }  // "Table master4:", "BIRD ... ready."
                prefix = first
            }
            guard let currentPrefix = prefix else { continue }
            let protocolName = String(words[open].dropFirst())
            let rest = words[(open + 1)...]
            let best = rest.contains("*")
            let asPath = rest.last { $0.hasPrefix("[AS") && $0.hasSuffix("]") }.map { String($0.dropFirst(3).dropLast()) }
            routes.append(BirdRoute(prefix: currentPrefix, protocolName: protocolName, nextHop: nil, asPath: asPath,
                                    best: best))
        }
        return routes
    }
}

/// One line of `birdc show protocols`.
public struct BirdProtocol: Sendable, Equatable {
    public var name: String
    /// "BGP", "Device", ...
    public var kind: String
    /// "up", "start", "down", ...
    public var state: String
    /// The rest of the line after the time: for BGP the session state ("Established",
    /// "Passive", "Active", ...) and the last error, if any.
    public var info: String

    public init(name: String, kind: String, state: String, info: String) {
        self.name = name
        self.kind = kind
        self.state = state
        self.info = info
    }

    /// True for a BGP session that is up.
    public var isEstablished: Bool { info.hasPrefix("Established") }

    /// Parses `birdc show protocols` (bird 2.0.12, captured in a lab):
    ///
    ///     BIRD 2.0.12 ready.
    ///     Name       Proto      Table      State  Since         Info
    ///     device1    Device     ---        up     10:51:50.026
    ///     n1         BGP        ---        up     10:51:55.869  Established
    ///     n2         BGP        ---        start  10:52:01.015  Passive       Received: Administrative shutdown
    public static func parse(_ output: String) -> [BirdProtocol] {
        output.split(separator: "\n").compactMap { rawLine in
            let words = rawLine.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard words.count >= 5, words[0] != "Name", words[0] != "BIRD" else { return nil }
            return BirdProtocol(name: words[0], kind: words[1], state: words[3],
                                info: words.dropFirst(5).joined(separator: " "))
        }
    }
}
