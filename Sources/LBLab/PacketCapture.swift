import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A running `tcpdump --immediate-mode -U -w FILE` in a lab namespace. Without `--immediate-mode
/// -U` frames still buffered are lost when tcpdump stops. `stop()` ends it and returns the frames.
public final class PacketCapture: Sendable {
    public let namespace: String
    public let interface: String
    /// The pcap file (kept in the lab's work directory for inspection with Wireshark).
    public let path: String
    let process: LabProcess

    init(lab: Lab, namespace: String, interface: String, filter: String, path: String) throws {
        self.namespace = namespace
        self.interface = interface
        self.path = path
        process = try lab.spawn(in: namespace, executable: "tcpdump",
                                arguments: ["-i", interface, "--immediate-mode", "-U", "-n", "-w", path] + (filter.isEmpty ? [] : [filter]),
                                logFile: path + ".log")
        do {
            // tcpdump prints this once the socket is open and the filter attached.
            try process.waitForLog(containing: "listening on", timeout: 10)
        } catch {
            process.signal(SIGKILL)
            throw error
        }
    }

    /// Stops tcpdump (SIGINT, as Ctrl-C: it flushes and closes the file) and returns every frame.
    public func stop() throws -> [CapturedFrame] {
        if process.isRunning {
            process.signal(SIGINT)
            if process.waitForExit(timeout: 10) == nil {
                process.signal(SIGKILL)
                process.waitForExit(timeout: 5)
            }
        }
        return try frames()
    }

    /// Frames written so far (tcpdump with -U flushes per packet, so this works while it runs).
    public func frames() throws -> [CapturedFrame] {
        let result = try LabCommand.run(["tcpdump", "-r", path, "-e", "-n", "-tt"], timeout: 30)
        // An empty capture file is complete but tcpdump may still report truncation while running.
        guard result.succeeded || !result.stdout.isEmpty || result.stderr.contains("truncated") else {
            try result.check()
            return []
        }
        return CapturedFrame.parse(output: result.stdout)
    }

    /// tcpdump's own messages (for failure messages).
    public var log: String { process.log }
}
