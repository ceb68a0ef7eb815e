import CLBNet
import Foundation
import LBCore
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// A throw-away lab for interop tests against real routers: two network namespaces (router,
/// speaker) joined by a veth pair, named with a unique prefix; bird2 or gobgpd runs in the
/// router namespace, `BGPPeerSession` in the test process with its sockets opened in the speaker
/// namespace (`BGPPeerEndpoint.networkNamespace`). Root only.
///
/// router 192.0.2.1/24 + 2001:db8:42::1/64 <-veth-> speaker 192.0.2.2/24 + 2001:db8:42::2/64
final class BGPRouterLab: @unchecked Sendable {
    static let routerV4 = "192.0.2.1"
    static let routerV6 = "2001:db8:42::1"
    static let speakerV4 = "192.0.2.2"
    static let speakerV6 = "2001:db8:42::2"

    let prefix: String
    var router: String { "\(prefix)r" }
    var speaker: String { "\(prefix)s" }
    var routerIF: String { "\(prefix)vr" }
    var speakerIF: String { "\(prefix)vs" }
    let directory: URL
    /// The sessions' event-loop thread.
    private(set) var group: MultiThreadedEventLoopGroup?
    private var daemons: [Process] = []

    init() {
        prefix = "ilbg" + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ironlb-\(prefix)")
    }

    static let required = ProcessInfo.processInfo.environment["IRONLB_REQUIRE_LAB"] == "1"

    /// Why the router interop tests cannot run here, or nil. Written to stderr once.
    static let missingPrerequisite: String? = {
        let reason = findMissingPrerequisite()
        if let reason { FileHandle.standardError.write(Data("LBNetTests: BGP router tests skipped: \(reason)\n".utf8)) }
        return reason
    }()

    static func findMissingPrerequisite() -> String? {
        if getuid() != 0 { return "needs root (network namespaces, setns)" }
        for tool in ["ip", "bird", "birdc", "gobgpd", "gobgp"] where which(tool) == nil {
            return "needs `\(tool)` on PATH (Debian packages bird2, gobgpd)"
        }
        return nil
    }

    // Commands run as in the layer 2 lab of this target.
    typealias CommandResult = NetnsLab.CommandResult
    typealias LabError = NetnsLab.LabError
    static func which(_ tool: String) -> String? { NetnsLab.which(tool) }
    @discardableResult
    static func run(_ arguments: [String]) throws -> CommandResult { try NetnsLab.run(arguments) }

    @discardableResult
    func must(_ arguments: [String]) throws -> String {
        let result = try Self.run(arguments)
        guard result.status == 0 else {
            throw LabError("`\(arguments.joined(separator: " "))` failed (\(result.status)): \(result.output)")
        }
        return result.output
    }

    /// Runs a command inside the router namespace.
    func inRouter(_ arguments: [String]) throws -> CommandResult {
        try Self.run(["ip", "netns", "exec", router] + arguments)
    }

    func build() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try must(["ip", "netns", "add", router])
        try must(["ip", "netns", "add", speaker])
        try must(["ip", "link", "add", routerIF, "type", "veth", "peer", "name", speakerIF])
        try must(["ip", "link", "set", routerIF, "netns", router])
        try must(["ip", "link", "set", speakerIF, "netns", speaker])
        for (ns, dev, v4, v6) in [
            (router, routerIF, Self.routerV4, Self.routerV6), (speaker, speakerIF, Self.speakerV4, Self.speakerV6),
        ] {
            try must(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.keep_addr_on_down=1"])
            try must(["ip", "-n", ns, "link", "set", "lo", "up"])
            try must(["ip", "-n", ns, "addr", "add", "\(v4)/24", "dev", dev])
            try must(["ip", "-n", ns, "addr", "add", "\(v6)/64", "dev", dev, "nodad"])
            try must(["ip", "-n", ns, "link", "set", dev, "up"])
        }
        // The sessions open their sockets in the speaker namespace (`BGPPeerEndpoint.networkNamespace`);
        // no thread of the test process stays there: a thread that did would pass the namespace on
        // to every thread it creates, libdispatch workers among them, and later tests would open
        // their sockets inside a deleted namespace.
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// The event loop the sessions run on (its thread stays in the process's namespace).
    var speakerLoop: any EventLoop { group!.next() }

    /// Starts a daemon in the router namespace; it is killed by `destroy`.
    func startDaemon(_ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "exec", router] + arguments
        let logURL = directory.appendingPathComponent(log)
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logURL)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        daemons.append(process)
        return process
    }

    func stopDaemon(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func destroy() {
        for daemon in daemons { stopDaemon(daemon) }
        daemons = []
        try? group?.syncShutdownGracefully()
        group = nil
        _ = try? Self.run(["ip", "-n", router, "link", "del", routerIF])
        _ = try? Self.run(["ip", "-n", speaker, "link", "del", speakerIF])
        _ = try? Self.run(["ip", "link", "del", routerIF])
        _ = try? Self.run(["ip", "netns", "del", router])
        _ = try? Self.run(["ip", "netns", "del", speaker])
        try? FileManager.default.removeItem(at: directory)
    }

    func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: file(name), atomically: true, encoding: .utf8)
    }
}
