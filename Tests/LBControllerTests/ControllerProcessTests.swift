import Foundation
import KubeAPI
import KubeTestServer
import Testing

/// The real `lb-controller` binary against KubeTestServer: flags, readiness, assignment, and
/// SIGTERM (writes finished, lease released, exit status 0).
@Suite(.timeLimit(.minutes(2))) struct ControllerProcessTests {
    /// The built products live next to the test bundle.
    static var binDir: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    @Test func sigtermReleasesTheLeaseAndExitsZero() async throws {
        let binary = Self.binDir.appendingPathComponent("lb-controller")
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path), "lb-controller is built by `swift build --build-tests`")
        let lab = try await ControllerLab.start()
        let kubeconfig = FileManager.default.temporaryDirectory.appendingPathComponent("ironlb-proc-\(UUID().uuidString)").path
        try lab.server.writeKubeconfig(to: kubeconfig)
        try await lab.createService("web")

        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "--kubeconfig", kubeconfig, "--metrics-address", "127.0.0.1:0", "--identity", "proc-test",
            "--lease-duration", "3s", "--renew-deadline", "2s", "--retry-period", "200ms", "--log-level", "warning",
        ]
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        #expect(try await lab.waitForIPs("web") == ["192.0.2.0"])
        let held = try await lab.client.get(Lease.self, namespace: "ironlb-system", name: "ironlb-controller")
        #expect(held.spec.holderIdentity == "proc-test")

        process.terminate()  // SIGTERM
        try await lab.waitFor("lb-controller to exit") { !process.isRunning }
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "\(String(decoding: errPipe.fileHandleForReading.availableData, as: UTF8.self))")
        let released = try await lab.client.get(Lease.self, namespace: "ironlb-system", name: "ironlb-controller")
        #expect((released.spec.holderIdentity ?? "").isEmpty, "the lease is released on SIGTERM")
        #expect(try await lab.ingressIPs("web") == ["192.0.2.0"], "shutting down takes nothing away")
        await lab.shutdown()
    }

    @Test func badFlagsAreRefusedWithAMessage() throws {
        let binary = Self.binDir.appendingPathComponent("lb-controller")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path))
        for (args, fragment) in [
            (["--lease-duration", "soon"], "--lease-duration"),
            (["--log-level", "loud"], "--log-level"),
            (["--metrics-address", "nowhere"], "metrics address"),
            (["--kubeconfig", "/nonexistent/kubeconfig"], "/nonexistent/kubeconfig"),
        ] {
            let p = Process()
            p.executableURL = binary
            p.arguments = args
            let err = Pipe()
            p.standardError = err
            p.standardOutput = err
            try p.run()
            p.waitUntilExit()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(p.terminationStatus != 0, "\(args) must fail")
            #expect(text.contains(fragment), "\(args): \(text)")
        }
    }
}
