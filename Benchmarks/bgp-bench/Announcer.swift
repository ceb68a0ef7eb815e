import BenchSupport
import Foundation
import LBLab

#if canImport(Glibc)
import Glibc
#endif

/// One BGP implementation announcing the route set to bird. A trial is: `prepare` (routes
/// loaded, off the clock), bird's protocol enabled, `connect` (the session comes up: the clock
/// runs from bird's Established), `withdraw`, `finish` (session down).
protocol Announcer: AnyObject {
    /// The column heading.
    var name: String { get }
    /// How `connect` and `withdraw` are done, for the notes under the table.
    var method: String { get }
    func setUp() throws
    func prepare(trial: Int) throws
    func connect() throws
    /// Called with routes announced, before the withdrawal's clock starts.
    func beforeWithdraw() throws
    func withdraw() throws
    /// Called once bird holds no route, with the time the withdrawal was triggered.
    func afterWithdraw(triggered: Double)
    /// VmHWM (kB) of the announcing process now.
    func peakRSSKB() -> Int?
    func finish() throws
    func tearDown()
}

extension Announcer {
    func beforeWithdraw() throws {}
    func afterWithdraw(triggered: Double) {}
}

/// Addresses and AS numbers of the two sides, shared by every announcer.
struct Session {
    var routerAddress: String
    var routerASN: UInt32 = 64501
    var announcerAddress: String
    var announcerASN: UInt32 = 64500
    var announcerNamespace: String
}

// MARK: - gobgpd

/// gobgpd (Debian's) with the set in its global RIB, loaded by `gobgp mrt inject global` before
/// the neighbor exists; the neighbor is added with `gobgp neighbor add` (gobgpd then connects
/// after a few seconds: off the clock, which starts at Established), and the routes withdrawn
/// with `gobgp global rib del all`.
final class GoBGPAnnouncer: Announcer {
    let name = "gobgpd"
    let method = "gobgpd: routes injected into the global RIB from an MRT file before `gobgp neighbor add`; withdrawn with `gobgp global rib del all -a ipv4`"
    let lab: Lab
    let session: Session
    let routes: RouteSet
    private var process: LabProcess?
    private let mrtPath: String

    init(lab: Lab, session: Session, routes: RouteSet) {
        self.lab = lab
        self.session = session
        self.routes = routes
        mrtPath = "\(lab.workDirectory)/routes.mrt"
    }

    @discardableResult
    private func gobgp(_ arguments: [String]) throws -> String {
        try lab.run(in: session.announcerNamespace, "gobgp", arguments, timeout: 60).check().stdout
    }

    func setUp() throws {
        let config = """
            [global.config]
              as = \(session.announcerASN)
              router-id = "\(session.announcerAddress)"
              # Do not listen: the session is the one gobgpd opens to bird.
              port = -1

            """
        let configPath = "\(lab.workDirectory)/gobgpd.toml"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        try routes.mrt(nextHop: session.announcerAddress, peerAS: session.announcerASN).write(to: URL(fileURLWithPath: mrtPath))
        let process = try lab.spawn(in: session.announcerNamespace, executable: "gobgpd",
                                    arguments: ["-f", configPath, "--api-hosts", "127.0.0.1:50051", "-l", "warn"])
        self.process = process
        let up = labPoll(timeout: 20) { process.isRunning && (try? self.gobgp(["global"])) != nil }
        guard up, process.isRunning else { throw BenchError("gobgpd did not start: \(process.log.suffix(1000))") }
    }

    private func ribCount() throws -> Int {
        // "Table afi:AFI_IP safi:SAFI_UNICAST\nDestination: 10000, Path: 10000"
        let text = try gobgp(["global", "rib", "summary", "-a", "ipv4"])
        guard let range = text.range(of: "Destination: ") else { return 0 }
        return Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
    }

    func prepare(trial: Int) throws {
        try gobgp(["global", "rib", "del", "all", "-a", "ipv4"])
        try gobgp(["mrt", "inject", "global", mrtPath])
        var count = 0
        let loaded = try labPoll(timeout: 30) {
            count = try ribCount()
            return count == routes.count
        }
        if !loaded {
            // Whatever the injector lost, added one by one.
            let present = Set(try gobgp(["global", "rib", "-a", "ipv4"]).split(separator: "\n").compactMap {
                $0.split(separator: " ").first { $0.contains("/32") }.map(String.init)
            })
            for prefix in routes.prefixes where !present.contains(prefix) {
                try gobgp(["global", "rib", "add", "-a", "ipv4", prefix, "nexthop", session.announcerAddress])
            }
            count = try ribCount()
            guard count == routes.count else { throw BenchError("gobgpd holds \(count) routes, expected \(routes.count)") }
        }
    }

    func connect() throws {
        try gobgp(["neighbor", "add", session.routerAddress, "as", "\(session.routerASN)"])
    }

    func withdraw() throws {
        try gobgp(["global", "rib", "del", "all", "-a", "ipv4"])
    }

    func peakRSSKB() -> Int? { process.flatMap { memory(of: $0.pid)?.hwm } }

    func finish() throws {
        try gobgp(["neighbor", "del", session.routerAddress])
    }

    func tearDown() { process?.stop(grace: 5) }
}

// MARK: - exabgp

/// ExaBGP (Debian's) with the set as static routes in its configuration; started once bird is
/// enabled (it parses the 10,000 routes, then connects: off the clock). Withdrawn by a
/// configuration reload (SIGUSR1) with the static routes gone: the session stays up and exabgp
/// withdraws the difference. (Its API is far slower for this: 10,000 `withdraw route` lines took
/// about 5 s, 20 batched `withdraw attributes ... nlri` lines about 2.8 s, where the reload
/// takes tens of milliseconds.)
final class ExaBGPAnnouncer: Announcer {
    let name = "exabgp"
    let method = "exabgp: static routes in its config, process started after bird is enabled; withdrawn by SIGUSR1 reload of a config without them"
    let lab: Lab
    let session: Session
    let routes: RouteSet
    private var process: LabProcess?
    private let configPath: String
    private var fullConfig = ""
    private var emptyConfig = ""

    init(lab: Lab, session: Session, routes: RouteSet) {
        self.lab = lab
        self.session = session
        self.routes = routes
        configPath = "\(lab.workDirectory)/exabgp.conf"
    }

    func setUp() throws {
        let neighbor = """
            neighbor \(session.routerAddress) {
              router-id \(session.announcerAddress);
              local-address \(session.announcerAddress);
              local-as \(session.announcerASN);
              peer-as \(session.routerASN);
              hold-time 240;

            """
        emptyConfig = neighbor + "}\n"
        fullConfig = neighbor + "  static {\n" + routes.prefixes.map { "    route \($0) next-hop self;\n" }.joined() + "  }\n}\n"
    }

    func prepare(trial: Int) throws {
        try fullConfig.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func connect() throws {
        let environment = [
            "exabgp_daemon_user": "root", "exabgp_daemon_drop": "false", "exabgp_api_cli": "false",
            "exabgp_log_level": "WARNING",
        ]
        process = try lab.spawn(in: session.announcerNamespace, executable: "exabgp", arguments: [configPath],
                                environment: environment)
    }

    func withdraw() throws {
        guard let process, process.isRunning else { throw BenchError("exabgp is not running: \(process?.log.suffix(1000) ?? "")") }
        try emptyConfig.write(toFile: configPath, atomically: true, encoding: .utf8)
        process.signal(SIGUSR1)
    }

    func peakRSSKB() -> Int? { process.flatMap { memory(of: $0.pid)?.hwm } }

    func finish() throws {
        process?.stop(grace: 5)
        process = nil
    }

    func tearDown() { process?.stop(grace: 5) }
}
