import BenchSupport
import Foundation
import LBLab

#if canImport(Glibc)
import Glibc
#endif

/// bird2 in the router namespace with one `protocol bgp announcer` (passive, eBGP) that every
/// announcer in turn connects to. The protocol starts `disabled`: each trial enables it when its
/// announcer is ready, so the session never comes up before the routes are loaded.
///
/// Every timestamp bird writes is `%s.%6f` (Unix seconds with microseconds, the same clock as
/// `now()`), so its log lines and route times compare directly with the bench's own clock.
final class BirdRouter {
    static let protocolName = "announcer"

    let lab: Lab
    let namespace: String
    let configPath: String
    let socketPath: String
    let logPath: String
    private(set) var process: LabProcess?
    private var control: BirdControl?

    init(lab: Lab, routerAddress: String, routerASN: UInt32, announcerAddress: String, announcerASN: UInt32) throws {
        self.lab = lab
        namespace = lab.client.namespace
        configPath = "\(lab.workDirectory)/bird.conf"
        socketPath = "\(lab.workDirectory)/bird.ctl"
        logPath = "\(lab.workDirectory)/bird-events.log"
        // bird has no memory knobs; what could slow it down is left out: no kernel protocol (no
        // netlink writes), no filters, no import/receive limits, and only state and event
        // tracing (`debug { routes }` would write a log line per route). The hold time is long so
        // a busy moment never drops the session.
        let config = """
            # bgp-bench router: collects what the announcer sends, exports nothing.
            log "\(logPath)" all;
            router id \(routerAddress);
            timeformat base "%s.%6f";
            timeformat log "%s.%6f";
            timeformat protocol "%s.%6f";
            timeformat route "%s.%6f";

            protocol device {
              scan time 10;
            }

            protocol bgp \(Self.protocolName) {
              disabled;
              local \(routerAddress) as \(routerASN);
              neighbor \(announcerAddress) as \(announcerASN);
              passive on;
              hold time 240;
              error wait time 1, 5;
              debug { states, events };
              ipv4 {
                import all;
                export none;
              };
            }

            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func start() throws {
        let process = try lab.spawn(in: namespace, executable: "bird",
                                    arguments: ["-f", "-c", configPath, "-s", socketPath, "-P", "\(lab.workDirectory)/bird.pid"],
                                    logFile: "\(lab.workDirectory)/bird.out")
        self.process = process
        var last = ""
        let ready = labPoll(timeout: 15) {
            guard process.isRunning else { return true }
            guard let control = try? BirdControl(path: socketPath) else { return false }
            self.control = control
            last = (try? control.command("show status")) ?? ""
            return last.contains("Daemon is up")
        }
        guard ready, process.isRunning else {
            throw BenchError("bird did not start: \(last) \(process.log.suffix(1000))")
        }
    }

    func stop() {
        control = nil
        process?.stop(grace: 5)
    }

    /// A command over the persistent control connection (`birdc` without the process start).
    @discardableResult
    func command(_ text: String) throws -> String {
        guard let control else { throw BenchError("bird is not running") }
        return try control.command(text)
    }

    func enable() throws {
        let reply = try command("enable \(Self.protocolName)")
        guard reply.contains("enabled") else { throw BenchError("birdc enable: \(reply)") }
    }

    func disable() throws {
        let reply = try command("disable \(Self.protocolName)")
        guard reply.contains("disabled") else { throw BenchError("birdc disable: \(reply)") }
    }

    /// Routes the announcer's channel holds now: the `Routes: N imported` counter of
    /// `show protocols all announcer` (a counter read, no table walk, so polling it costs bird
    /// little); 0 while the channel is down.
    func importedRoutes() throws -> Int {
        let reply = try command("show protocols all \(Self.protocolName)")
        guard let range = reply.range(of: "Routes:") else { return 0 }
        let words = reply[range.upperBound...].split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard let first = words.first, let count = Int(first) else { throw BenchError("unparsable route count in: \(reply)") }
        return count
    }

    /// bird's session state word ("Established", "Passive", "Active", ...).
    func sessionState() throws -> String {
        let reply = try command("show protocols all \(Self.protocolName)")
        guard let range = reply.range(of: "BGP state:") else { return "down" }
        return reply[range.upperBound...].split(whereSeparator: { $0 == " " || $0 == "\n" }).first.map(String.init) ?? "?"
    }

    /// The current length of bird's log, to find lines written after it.
    func logOffset() -> Int {
        (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? 0
    }

    /// bird's own time of the first "BGP session established" written after `offset`.
    func establishedTime(after offset: Int) -> Double? {
        guard let handle = FileHandle(forReadingAtPath: logPath) else { return nil }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(offset))
        guard let data = try? handle.readToEnd(), let text = String(data: data, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.contains("\(Self.protocolName): BGP session established") {
            return Double(line.split(separator: " ").first ?? "")
        }
        return nil
    }

    /// The latest route time bird shows for the announcer's routes (`show route protocol
    /// announcer`, each route's `[announcer TIME]`): bird's own clock when the last route was
    /// stored. Read after the measurement, so the 10,000-line listing costs no measured time.
    func lastRouteTime() throws -> (time: Double, routes: Int)? {
        let reply = try command("show route protocol \(Self.protocolName)")
        var latest: Double?
        var routes = 0
        let marker = "[\(Self.protocolName) "
        for line in reply.split(separator: "\n") {
            guard let range = line.range(of: marker) else { continue }
            let rest = line[range.upperBound...]
            guard let time = Double(rest.prefix { $0 != "]" && $0 != " " }) else { continue }
            routes += 1
            latest = max(latest ?? time, time)
        }
        return latest.map { ($0, routes) }
    }
}

/// A client of bird's control socket (the protocol `birdc` speaks): a command is one line; each
/// reply line starts with a 4-digit code and `-` (more follows) or a space (last line), or with
/// a space alone (continuation of the previous code).
final class BirdControl {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket(AF_UNIX): errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw BenchError("bird socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard status == 0 else {
            close(fd)
            throw BenchError("connect \(path): errno \(errno)")
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = try readReply()  // "0001 BIRD 2.0.12 ready."
    }

    deinit { close(fd) }

    /// Sends `text` and returns the reply's lines, codes stripped.
    func command(_ text: String) throws -> String {
        let line = Array((text + "\n").utf8)
        let sent = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard sent == line.count else { throw BenchError("bird control socket: write failed (errno \(errno))") }
        return try readReply()
    }

    private func readReply() throws -> String {
        var lines: [String] = []
        var start = 0
        defer { buffer.removeSubrange(..<start) }
        while true {
            while let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let bytes = buffer[start..<newline]
                start = newline + 1
                let coded = bytes.count >= 5 && bytes.prefix(4).allSatisfy { $0 >= 48 && $0 <= 57 }
                if coded {
                    lines.append(String(decoding: bytes.dropFirst(5), as: UTF8.self))
                    if bytes[bytes.startIndex + 4] == UInt8(ascii: " ") { return lines.joined(separator: "\n") }
                } else {
                    lines.append(String(decoding: bytes.dropFirst(), as: UTF8.self))
                }
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw BenchError("bird control socket closed or timed out (errno \(errno))") }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}
