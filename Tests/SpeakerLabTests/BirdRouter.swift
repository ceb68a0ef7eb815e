import Foundation
import LBLab

/// A BIRD 2 router in a lab namespace, peering with every lab node: one eBGP session over IPv4
/// (router AS 64512, nodes AS 64513, optional MD5 password) and one iBGP session over IPv6
/// (AS 64513) per node, importing everything and exporting nothing. Protocols are named after
/// the nodes: `n1` (IPv4) and `n1v6` (IPv6).
///
/// BIRD is passive (it waits for the speakers, which only connect out, as MetalLB's do).
final class BirdRouter {
    static let routerASN = 64512
    static let nodeASN = 64513

    let lab: Lab
    let namespace: String
    let socket: String
    let configPath: String
    private(set) var process: LabProcess?

    init(lab: Lab, namespace: String, password: String? = nil) throws {
        self.lab = lab
        self.namespace = namespace
        socket = "\(lab.workDirectory)/bird.ctl"
        configPath = "\(lab.workDirectory)/bird.conf"
        try Self.config(lab: lab, password: password).write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// The router's config (pure; the BGP lab tests print it when a check fails).
    static func config(lab: Lab, password: String?) -> String {
        let network = lab.networks[0]
        var lines = [
            "router id \(network.switchIPv4);",
            "protocol device { scan time 1; }",
            "template bgp node4 {",
            "  local \(network.switchIPv4) as \(routerASN);",
            "  passive on;",
            "  hold time 9;",
            "  ipv4 { import all; export none; };",
            "  ipv6 { import all; export none; };",
        ]
        if let password { lines.append("  password \"\(password)\";") }
        lines += [
            "}",
            "template bgp node6 {",
            "  local \(network.switchIPv6) as \(nodeASN);",
            "  direct;",
            "  passive on;",
            "  hold time 9;",
            "  ipv6 { import all; export none; gateway direct; };",
            "}",
        ]
        for node in lab.nodes {
            lines.append("protocol bgp \(node.name) from node4 { neighbor \(node.primary.ipv4) as \(nodeASN); }")
            lines.append("protocol bgp \(node.name)v6 from node6 { neighbor \(node.primary.ipv6) as \(nodeASN); }")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func start() throws {
        let pidFile = "\(lab.workDirectory)/bird.pid"
        // -f: stay in the foreground so the lab owns (and kills) the process.
        process = try lab.spawn(in: namespace, executable: "bird",
                                arguments: ["-f", "-c", configPath, "-s", socket, "-P", pidFile])
    }

    /// Kills BIRD at once (its sessions drop without a NOTIFICATION, as a crashed router's do).
    func kill() {
        process?.signal(SIGKILL)
        _ = process?.waitForExit(timeout: 10)
        try? FileManager.default.removeItem(atPath: socket)
    }

    /// `birdc` output for `command` (a `show ...` line), or the error text.
    func show(_ command: String) -> String {
        guard let result = try? lab.run(in: namespace, "birdc", ["-s", socket] + command.split(separator: " ").map(String.init),
                                        timeout: 20)
        else { return "(birdc failed to run)" }
        return result.stdout + result.stderr
    }

    /// The paths BIRD holds for `prefix` (`ip/len`), one per protocol that sent it.
    func paths(for prefix: String) -> [BirdRoute] {
        BirdRoute.parse(show("show route \(prefix) all"))
    }

    /// `protocol name -> session state` ("Established", "Passive", ...) from `show protocols`.
    func sessionStates() -> [String: String] {
        var states: [String: String] = [:]
        for p in BirdProtocol.parse(show("show protocols")) where p.kind == "BGP" {
            states[p.name] = p.info.split(separator: " ").first.map(String.init) ?? p.state
        }
        return states
    }
}
