import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A throw-away lab of two network namespaces (client, node) joined by a veth pair, named with a
/// unique prefix so tests can run in parallel. Only used by root-only integration tests.
final class NetnsLab {
    struct CommandResult {
        var status: Int32
        var output: String
    }

    static let clientMAC = "02:1b:00:00:00:01"
    static let nodeMAC = "02:1b:00:00:00:02"

    let prefix: String
    var client: String { "\(prefix)c" }
    var node: String { "\(prefix)n" }
    var clientIF: String { "\(prefix)vc" }
    var nodeIF: String { "\(prefix)vn" }

    init() {
        prefix = "ilbn" + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
    }

    /// Why the integration tests cannot run here, or nil when they can. The reason is also written
    /// to stderr, since a skip trait's comment is fixed text.
    static let missingPrerequisite: String? = {
        let reason = findMissingPrerequisite()
        if let reason { FileHandle.standardError.write(Data("LBNetTests: integration tests skipped: \(reason)\n".utf8)) }
        return reason
    }()

    static func findMissingPrerequisite() -> String? {
        if getuid() != 0 { return "needs root (CAP_NET_ADMIN, CAP_NET_RAW)" }
        for tool in ["ip", "arping", "ndisc6"] where which(tool) == nil { return "needs `\(tool)` on PATH" }
        if !FileManager.default.isExecutableFile(atPath: responderPath) {
            return "needs the built l2-responder at \(responderPath) (set IRONLB_BIN_DIR or run `swift build` first)"
        }
        return nil
    }

    /// IRONLB_BIN_DIR, else the package's .build/debug (swift test runs in the package root).
    static var binDir: String {
        if let dir = ProcessInfo.processInfo.environment["IRONLB_BIN_DIR"], !dir.isEmpty { return dir }
        let cwd = FileManager.default.currentDirectoryPath + "/.build/debug"
        if FileManager.default.fileExists(atPath: cwd) { return cwd }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug").path
    }

    static var responderPath: String { binDir + "/l2-responder" }

    static func which(_ tool: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(tool)") {
            return "\(dir)/\(tool)"
        }
        return nil
    }

    /// Runs a command to completion, capturing stdout and stderr together.
    @discardableResult
    static func run(_ arguments: [String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: which(arguments[0]) ?? arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Runs a setup step that must succeed.
    func must(_ arguments: [String]) throws {
        let result = try Self.run(arguments)
        guard result.status == 0 else {
            throw LabError("`\(arguments.joined(separator: " "))` failed (\(result.status)): \(result.output)")
        }
    }

    struct LabError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// client 192.0.2.1/24 + 2001:db8:42::1/64 <-veth-> node 192.0.2.2/24 + 2001:db8:42::2/64.
    func build() throws {
        try must(["ip", "netns", "add", client])
        try must(["ip", "netns", "add", node])
        try must([
            "ip", "link", "add", clientIF, "address", Self.clientMAC, "type", "veth", "peer", "name", nodeIF,
            "address", Self.nodeMAC,
        ])
        try must(["ip", "link", "set", clientIF, "netns", client])
        try must(["ip", "link", "set", nodeIF, "netns", node])
        for (ns, dev, v4, v6) in [(client, clientIF, "192.0.2.1/24", "2001:db8:42::1/64"),
                                  (node, nodeIF, "192.0.2.2/24", "2001:db8:42::2/64")] {
            try must(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.keep_addr_on_down=1"])
            try must(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.\(dev).keep_addr_on_down=1"])
            try must(["ip", "-n", ns, "link", "set", "lo", "up"])
            try must(["ip", "-n", ns, "addr", "add", v4, "dev", dev])
            try must(["ip", "-n", ns, "addr", "add", v6, "dev", dev, "nodad"])
            try must(["ip", "-n", ns, "link", "set", dev, "up"])
        }
    }

    /// Deletes the veth first (namespace deletion is asynchronous), then the namespaces. Never throws.
    func destroy() {
        _ = try? Self.run(["ip", "-n", client, "link", "del", clientIF])
        _ = try? Self.run(["ip", "-n", node, "link", "del", nodeIF])
        _ = try? Self.run(["ip", "link", "del", clientIF])  // if setup failed before moving it
        _ = try? Self.run(["ip", "netns", "del", client])
        _ = try? Self.run(["ip", "netns", "del", node])
    }
}
