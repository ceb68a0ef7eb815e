import Foundation
import KubeAPI
import LBCore
import Testing

@testable import LBSpeaker

/// The real `lb-speaker` binary: refused flags and missing settings exit non-zero naming what
/// is wrong; against KubeTestServer it publishes its Lease and, on SIGTERM, says it announces
/// nothing and exits 0.
@Suite(.timeLimit(.minutes(2))) struct RuntimeProcessTests {
    /// The built products live next to the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lb-speaker")
    }

    /// Runs lb-speaker to completion with exactly `environment`; returns (status, output).
    static func run(_ args: [String], environment: [String: String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.environment = environment
        let out = Pipe()
        p.standardError = out
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func missingOrBadSettingsAreRefusedWithAMessage() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.binary.path), "lb-speaker is built by `swift build --build-tests`")
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("ironlb-key-\(UUID().uuidString)")
        try Data("too-short\n".utf8).write(to: keyFile)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        let key = "0123456789abcdef0123"
        let cases: [([String], [String: String], [String])] = [
            ([], ["IRONLB_MEMBER_KEY": key], ["--node-name", "NODE_NAME"]),
            (["--node-name", "a"], [:], ["--member-key-file", "IRONLB_MEMBER_KEY"]),
            ([], ["NODE_NAME": "a"], ["--member-key-file", "IRONLB_MEMBER_KEY"]),
            (["--node-name", "a"], ["IRONLB_MEMBER_KEY": "short"], ["IRONLB_MEMBER_KEY", "5 bytes", "at least 16"]),
            (["--node-name", "a", "--member-key-file", keyFile.path], [:], ["--member-key-file", "9 bytes"]),
            (["--node-name", "a", "--member-key-file", "/nonexistent/key"], [:], ["/nonexistent/key"]),
            (["--member-bind", "everywhere"], ["NODE_NAME": "a", "IRONLB_MEMBER_KEY": key], ["--member-bind"]),
            (["--member-port", "99999"], ["NODE_NAME": "a", "IRONLB_MEMBER_KEY": key], ["--member-port"]),
            (["--member-address", "node-a"], ["NODE_NAME": "a", "IRONLB_MEMBER_KEY": key], ["--member-address"]),
            (["--log-level", "loud"], ["NODE_NAME": "a", "IRONLB_MEMBER_KEY": key], ["--log-level"]),
            (["--metrics-address", "nowhere"], ["NODE_NAME": "a", "IRONLB_MEMBER_KEY": key], ["metrics address"]),
            (["--no-such-flag"], ["NODE_NAME": "a", "IRONLB_MEMBER_KEY": key], ["--no-such-flag"]),
        ]
        for (args, env, fragments) in cases {
            let (status, text) = try Self.run(args, environment: env)
            #expect(status != 0, "\(args) \(env.keys.sorted()) must fail")
            for fragment in fragments {
                #expect(text.contains(fragment), "\(args) \(env.keys.sorted()): expected \"\(fragment)\" in: \(text)")
            }
        }
    }

    @Test func publishesItsLeaseAndStopsCleanlyOnSIGTERM() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path))
        let lab = try await SpeakerLab.start(nodes: ["proc-node"])
        let kubeconfig = FileManager.default.temporaryDirectory.appendingPathComponent("ironlb-spk-\(UUID().uuidString)").path
        try lab.server.writeKubeconfig(to: kubeconfig)

        let process = Process()
        process.executableURL = Self.binary
        process.arguments = [
            "--kubeconfig", kubeconfig, "--metrics-address", "127.0.0.1:0", "--member-bind", "127.0.0.1",
            "--member-port", "0", "--log-level", "warning",
        ]
        process.environment = ["NODE_NAME": "proc-node", "IRONLB_MEMBER_KEY": "process-test-key-0123456789"]
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        try await lab.waitFor("the speaker Lease") {
            let lease = try await lab.lease(of: "proc-node")
            return lease.metadata.annotations[MemberAddress.annotationKey]?.hasPrefix("127.0.0.1:") == true
                && lease.metadata.annotations[SpeakerState.annotationKey] != nil
        }
        let state = try await lab.publishedState(of: "proc-node")
        #expect(state.liveMembers == ["proc-node"])

        process.terminate()  // SIGTERM
        try await lab.waitFor("lb-speaker to exit") { !process.isRunning }
        let stderr = String(decoding: errPipe.fileHandleForReading.availableData, as: UTF8.self)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "\(stderr)")
        let final = try await lab.publishedState(of: "proc-node")
        #expect(!final.liveMembers.contains("proc-node"), "the last write says this speaker left")
        await lab.shutdown()
    }
}
