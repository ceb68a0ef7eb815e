import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `l2-responder` in a node namespace and checks it against real peers written by
/// others: Thomas Habets' `arping`, `ndisc6`, and the client kernel's own neighbour table.
/// Skipped (never passed) without root, `ip`, `arping`, `ndisc6` or the built binary.
@Suite struct Layer2IntegrationTests {
    static let vip4 = "192.0.2.100"
    static let vip6 = "2001:db8:42::100"

    @Test(
        "l2-responder answers arping and ndisc6 for unassigned IPs, announces gratuitously, and goes quiet when stopped",
        .enabled(if: NetnsLab.missingPrerequisite == nil, "requires root, ip, arping, ndisc6 and a built l2-responder"),
        .timeLimit(.minutes(1)))
    func answersAndStops() throws {
        let lab = NetnsLab()
        defer { lab.destroy() }
        try lab.build()

        // A stale entry with a foreign MAC, as a client would hold after the IP's previous owner
        // died: the gratuitous ARP must override it (the kernel creates no new entry from a
        // gratuitous ARP with the default arp_accept=0, but updates an existing one).
        try lab.must([
            "ip", "-n", lab.client, "neigh", "replace", Self.vip4, "lladdr", "02:de:ad:00:00:01", "dev", lab.clientIF,
            "nud", "stale",
        ])

        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("\(lab.prefix)-responder.out")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let output = try FileHandle(forWritingTo: outputURL)
        let responder = Process()
        responder.executableURL = URL(fileURLWithPath: NetnsLab.which("ip") ?? "/usr/sbin/ip")
        responder.arguments = [
            "netns", "exec", lab.node, NetnsLab.responderPath, "--interface", lab.nodeIF, "--ip", Self.vip4, "--ip", Self.vip6,
        ]
        responder.standardOutput = output
        responder.standardError = output
        try responder.run()
        defer {
            if responder.isRunning {
                kill(responder.processIdentifier, SIGKILL)
                responder.waitUntilExit()
            }
        }
        func responderOutput() -> String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }
        let ready = poll(seconds: 10) { responderOutput().contains("ready") }
        try #require(ready, "l2-responder did not print ready: \(responderOutput())")

        // The client kernel's neighbour table learns the node's MAC from the gratuitous ARP.
        let learned = poll(seconds: 5) {
            let neigh = (try? NetnsLab.run(["ip", "-n", lab.client, "neigh", "show", Self.vip4, "dev", lab.clientIF]))?.output ?? ""
            return neigh.lowercased().contains(NetnsLab.nodeMAC)
        }
        #expect(learned, "client neighbour table: \((try? NetnsLab.run(["ip", "-n", lab.client, "neigh"]))?.output ?? "")")

        let arping = try NetnsLab.run(["ip", "netns", "exec", lab.client, "arping", "-c", "3", "-W", "0.1", "-I", lab.clientIF, Self.vip4])
        #expect(arping.status == 0, "arping: \(arping.output)")
        #expect(arping.output.lowercased().contains(NetnsLab.nodeMAC), "arping: \(arping.output)")

        let ndisc = try NetnsLab.run(["ip", "netns", "exec", lab.client, "ndisc6", "-1", "-r", "3", Self.vip6, lab.clientIF])
        #expect(ndisc.status == 0, "ndisc6: \(ndisc.output)")
        #expect(ndisc.output.lowercased().contains(NetnsLab.nodeMAC), "ndisc6: \(ndisc.output)")

        kill(responder.processIdentifier, SIGTERM)
        responder.waitUntilExit()
        #expect(responder.terminationReason == .exit && responder.terminationStatus == 0, "exit: \(responderOutput())")
        let summary = responderOutput()
        #expect(summary.contains("counters"), "\(summary)")
        #expect(summary.contains("responses_sent=") && !summary.contains("responses_sent=0 "), "\(summary)")

        let silent = try NetnsLab.run(["ip", "netns", "exec", lab.client, "arping", "-c", "2", "-W", "0.1", "-I", lab.clientIF, Self.vip4])
        #expect(silent.status != 0, "arping after stop: \(silent.output)")
        #expect(!silent.output.lowercased().contains(NetnsLab.nodeMAC), "arping after stop: \(silent.output)")
    }

    func poll(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }
}
