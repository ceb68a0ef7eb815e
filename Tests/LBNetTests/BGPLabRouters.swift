import Foundation

/// One BGP neighbor (our session) as a lab router is configured for it.
struct BGPLabNeighbor {
    var name: String
    /// The router's own address on the session.
    var localAddress: String
    var localAS: UInt32
    /// Our address.
    var neighborAddress: String
    var neighborAS: UInt32
    var password: String? = nil
    var multihop = false
}

/// A route as a lab router shows it.
struct BGPLabRoute: CustomStringConvertible {
    var prefix: String
    var nextHop: String?
    var asPath: [UInt32]
    var localPref: UInt32?
    /// "ASN:VALUE" each.
    var communities: [String]
    /// "GLOBAL:LOCAL1:LOCAL2" each.
    var largeCommunities: [String]
    var description: String {
        "\(prefix) via \(nextHop ?? "-") path \(asPath) lp \(localPref.map(String.init) ?? "-") c \(communities) lc \(largeCommunities)"
    }
}

/// A router the interop tests can query the same way, whichever daemon runs.
protocol BGPLabRouter: AnyObject {
    var name: String { get }
    func start() throws
    func stop()
    func isEstablished(_ neighbor: BGPLabNeighbor) throws -> Bool
    func routes() throws -> [String: BGPLabRoute]
}

/// bird2 in the router namespace, `passive on` (it only listens; our speaker connects).
final class BirdLabRouter: BGPLabRouter {
    let lab: BGPRouterLab
    let routerID: String
    let neighbors: [BGPLabNeighbor]
    var name: String { "bird2" }
    private var process: Process?
    var socket: String { lab.file("bird.ctl") }

    init(lab: BGPRouterLab, routerID: String = BGPRouterLab.routerV4, neighbors: [BGPLabNeighbor]) {
        self.lab = lab
        self.routerID = routerID
        self.neighbors = neighbors
    }

    var configuration: String {
        var text = """
            router id \(routerID);
            protocol device { scan time 1; }
            protocol direct { ipv4; ipv6; }

            """
        for n in neighbors {
            text += """
                protocol bgp \(n.name) {
                  local \(n.localAddress) as \(n.localAS);
                  neighbor \(n.neighborAddress) as \(n.neighborAS);
                  passive on;
                  connect retry time 1;
                  error wait time 1, 2;
                \(n.password.map { "  password \"\($0)\";\n" } ?? "")\(n.multihop ? "  multihop 4;\n" : "")  ipv4 { import all; export none; };
                  ipv6 { import all; export none; };
                }

                """
        }
        return text
    }

    func start() throws {
        try lab.write("bird.conf", configuration)
        try? FileManager.default.removeItem(atPath: socket)
        // -f: stay in the foreground, so the Process is bird itself and stop() ends it.
        process = try lab.startDaemon(
            ["bird", "-f", "-c", lab.file("bird.conf"), "-s", socket, "-P", lab.file("bird.pid")], log: "bird.log")
        try BGPWait.blocking("bird's control socket") { FileManager.default.fileExists(atPath: self.socket) }
    }

    func stop() {
        if let process { lab.stopDaemon(process) }
        process = nil
    }

    func birdc(_ arguments: [String]) throws -> String {
        let result = try lab.inRouter(["birdc", "-s", socket] + arguments)
        guard result.status == 0 else { throw BGPRouterLab.LabError("birdc \(arguments) failed: \(result.output)") }
        return result.output
    }

    func isEstablished(_ neighbor: BGPLabNeighbor) throws -> Bool {
        try birdc(["show", "protocols", neighbor.name]).contains("Established")
    }

    /// Parses `show route all` (bird 2.0): a line per route ("PREFIX unicast [proto ...]" or,
    /// for a further route to the same prefix, indented), then tab-indented attribute lines.
    /// Only routes learned over BGP (the `direct` protocol adds the connected networks).
    func routes() throws -> [String: BGPLabRoute] {
        var routes: [String: BGPLabRoute] = [:]
        for neighbor in neighbors {
            routes.merge(try parseRoutes(birdc(["show", "route", "all", "protocol", neighbor.name]))) { $1 }
        }
        return routes
    }

    func parseRoutes(_ output: String) -> [String: BGPLabRoute] {
        var routes: [String: BGPLabRoute] = [:]
        var current: BGPLabRoute?
        func flush() {
            if let route = current { routes[route.prefix] = route }
            current = nil
        }
        for line in output.split(separator: "\n", omittingEmptySubsequences: true) {
            let text = String(line)
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if let first = text.first, !first.isWhitespace, let token = text.split(separator: " ").first,
                token.contains("/")
            {
                flush()
                current = BGPLabRoute(prefix: String(token), nextHop: nil, asPath: [], localPref: nil, communities: [], largeCommunities: [])
                continue
            }
            guard current != nil, trimmed.hasPrefix("BGP.") else { continue }
            let parts = trimmed.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            let value = parts[1]
            switch parts[0] {
            case "BGP.next_hop": current?.nextHop = value.split(separator: " ").first.map(String.init)
            case "BGP.as_path": current?.asPath = value.split(separator: " ").compactMap { UInt32($0) }
            case "BGP.local_pref": current?.localPref = UInt32(value)
            case "BGP.community":
                current?.communities = Self.tuples(value).map { $0.joined(separator: ":") }
            case "BGP.large_community":
                current?.largeCommunities = Self.tuples(value).map { $0.joined(separator: ":") }
            default: break
            }
        }
        flush()
        return routes
    }

    /// "(65000,100) (65000,200)" or "(65000, 1, 2)" -> [["65000","100"], ...]
    static func tuples(_ text: String) -> [[String]] {
        text.split(separator: ")").compactMap { chunk in
            let inner = chunk.replacingOccurrences(of: "(", with: "").trimmingCharacters(in: .whitespaces)
            guard !inner.isEmpty else { return nil }
            return inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }
}

/// gobgpd in the router namespace, passive, queried with `gobgp -j`.
final class GoBGPLabRouter: BGPLabRouter {
    let lab: BGPRouterLab
    let routerID: String
    let localAS: UInt32
    let neighbors: [BGPLabNeighbor]
    var name: String { "gobgpd" }
    private var process: Process?
    let apiPort = 50051

    init(lab: BGPRouterLab, routerID: String = BGPRouterLab.routerV4, localAS: UInt32, neighbors: [BGPLabNeighbor]) {
        self.lab = lab
        self.routerID = routerID
        self.localAS = localAS
        self.neighbors = neighbors
    }

    var configuration: String {
        var text = """
            [global.config]
              as = \(localAS)
              router-id = "\(routerID)"
              port = 179
              local-address-list = ["\(BGPRouterLab.routerV4)", "\(BGPRouterLab.routerV6)"]

            """
        for n in neighbors {
            text += """
                [[neighbors]]
                  [neighbors.config]
                    neighbor-address = "\(n.neighborAddress)"
                    peer-as = \(n.neighborAS)
                \(n.password.map { "    auth-password = \"\($0)\"\n" } ?? "")  [neighbors.transport.config]
                    passive-mode = true
                    local-address = "\(n.localAddress)"
                \(n.multihop ? "  [neighbors.ebgp-multihop.config]\n    enabled = true\n    multihop-ttl = 4\n" : "")  [neighbors.timers.config]
                    connect-retry = 1
                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "ipv4-unicast"
                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "ipv6-unicast"

                """
        }
        return text
    }

    func start() throws {
        try lab.write("gobgpd.toml", configuration)
        process = try lab.startDaemon(
            ["gobgpd", "-f", lab.file("gobgpd.toml"), "-t", "toml", "-p", "--api-hosts", "127.0.0.1:\(apiPort)", "--pprof-disable"],
            log: "gobgpd.log")
        try BGPWait.blocking("gobgpd's API") { (try? self.gobgp(["neighbor"])) != nil }
    }

    func stop() {
        if let process { lab.stopDaemon(process) }
        process = nil
    }

    func gobgp(_ arguments: [String]) throws -> String {
        let result = try lab.inRouter(["gobgp", "-p", "\(apiPort)", "-u", "127.0.0.1"] + arguments)
        guard result.status == 0 else { throw BGPRouterLab.LabError("gobgp \(arguments) failed: \(result.output)") }
        return result.output
    }

    func isEstablished(_ neighbor: BGPLabNeighbor) throws -> Bool {
        let output = try gobgp(["neighbor", "-j"])
        guard let peers = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]] else { return false }
        for peer in peers {
            let conf = peer["conf"] as? [String: Any]
            guard (conf?["neighbor_address"] as? String) == neighbor.neighborAddress else { continue }
            let state = (peer["state"] as? [String: Any])?["session_state"]
            return "\(state ?? "")" == "6" || "\(state ?? "")".lowercased() == "established"
        }
        return false
    }

    func routes() throws -> [String: BGPLabRoute] {
        var routes: [String: BGPLabRoute] = [:]
        for family in ["ipv4", "ipv6"] {
            let output = try gobgp(["global", "rib", "-a", family, "-j"])
            guard let table = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else { continue }
            for (prefix, paths) in table {
                guard let path = (paths as? [[String: Any]])?.first, let attributes = path["attrs"] as? [[String: Any]] else { continue }
                var route = BGPLabRoute(prefix: prefix, nextHop: nil, asPath: [], localPref: nil, communities: [], largeCommunities: [])
                for attribute in attributes {
                    switch attribute["type"] as? Int {
                    case 2:
                        for segment in attribute["as_paths"] as? [[String: Any]] ?? [] {
                            route.asPath += (segment["asns"] as? [Any] ?? []).compactMap { UInt32("\($0)") }
                        }
                    case 3: route.nextHop = attribute["nexthop"] as? String
                    case 5: route.localPref = (attribute["value"] as? NSNumber)?.uint32Value
                    case 8:
                        route.communities = (attribute["communities"] as? [Any] ?? []).compactMap { UInt32("\($0)") }
                            .map { "\($0 >> 16):\($0 & 0xFFFF)" }
                    case 14:
                        route.nextHop = attribute["nexthop"] as? String
                    case 32:
                        route.largeCommunities = (attribute["value"] as? [[String: Any]] ?? []).map {
                            "\($0["ASN"] ?? 0):\($0["LocalData1"] ?? 0):\($0["LocalData2"] ?? 0)"
                        }
                    default: break
                    }
                }
                routes[prefix] = route
            }
        }
        return routes
    }
}
