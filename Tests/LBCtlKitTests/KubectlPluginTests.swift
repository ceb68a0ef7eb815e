import Foundation
import Testing

@testable import LBCtlKit

/// The real `kubectl lb ...`: kubectl finds the built lbctl, linked as `kubectl-lb` into a
/// directory on PATH, and runs it against KubeTestServer. Skipped (with a message on stderr)
/// when kubectl or the built lbctl is missing, unless IRONLB_REQUIRE_LAB=1 makes that a failure.
@Suite(.serialized) struct KubectlPluginTests {
    /// Why the plugin tests cannot run here, or nil.
    static let missing: String? = {
        var reason: String?
        if PluginTools.kubectl == nil { reason = "needs kubectl" }
        else if PluginTools.lbctl == nil { reason = "needs the built lbctl (LBCTL_BINARY, or beside the test bundle: swift build)" }
        if let reason { FileHandle.standardError.write(Data("KubectlPluginTests: skipped: \(reason)\n".utf8)) }
        return reason
    }()

    @Test(.enabled(if: ProcessInfo.processInfo.environment["IRONLB_REQUIRE_LAB"] == "1"))
    func prerequisitesArePresentWhenRequired() {
        #expect(Self.missing == nil, "\(Self.missing ?? "")")
    }

    @Test(.enabled(if: missing == nil)) func kubectlLbStatusAndExplain() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedStandard()
            let bin = cluster.directory.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: bin.appendingPathComponent(LBCtl.pluginExecutableName).path, withDestinationPath: PluginTools.lbctl ?? "")
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            environment["KUBECONFIG"] = cluster.kubeconfig
            environment["HOME"] = cluster.directory.path
            let kubectl = PluginTools.kubectl ?? "kubectl"

            let list = try await PluginTools.run([kubectl, "plugin", "list"], environment: environment)
            #expect(list.stdout.contains(bin.appendingPathComponent("kubectl-lb").path), "\(list.stdout)\(list.stderr)")

            let status = try await PluginTools.run([kubectl, "lb", "status"], environment: environment)
            #expect(status.code == 0, "\(status.stderr)")
            #expect(status.stdout.hasPrefix("1 service pending\n"), "\(status.stdout)")
            #expect(status.stdout.contains("default/web"))

            let strict = try await PluginTools.run([kubectl, "lb", "status", "--strict", "-o", "json"], environment: environment)
            #expect(strict.code == 1)
            #expect(strict.stdout.contains(#""verdict" : "1 service pending""#))

            let explain = try await PluginTools.run([kubectl, "lb", "explain", "-n", "shop", "svc/api"], environment: environment)
            #expect(explain.code == 0, "\(explain.stderr)")
            #expect(explain.stdout.hasPrefix("shop/api: 198.51.100.5 advertised by node-a to tor-1, node-b to tor-1"))

            let help = try await PluginTools.run([kubectl, "lb", "--help"], environment: environment)
            #expect(help.stdout.contains("USAGE: kubectl lb <subcommand>"), "\(help.stdout)")
            #expect(help.stdout.contains("See 'kubectl lb help <subcommand>' for detailed help."))
            let usage = try await PluginTools.run([kubectl, "lb", "explain", "nonsense"], environment: environment)
            #expect(usage.code == 64)
            #expect(usage.stderr.contains("Usage: kubectl lb explain <service>"), "\(usage.stderr)")
            let missing = try await PluginTools.run([kubectl, "lb", "explain", "svc/default/gone"], environment: environment)
            #expect(missing.code == 1)
            #expect(missing.stderr == "error: service \"gone\" not found in namespace \"default\"\n")
        }
    }

    /// The real binary's `--watch` stops on SIGINT (Ctrl-C) with exit 0 after printing the report.
    @Test(.enabled(if: missing == nil)) func watchStopsCleanlyOnSIGINT() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedStandard()
            let out = cluster.directory.appendingPathComponent("watch.out")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: PluginTools.lbctl ?? "lbctl")
            process.arguments = ["status", "--watch", "--interval", "0.2", "--kubeconfig", cluster.kubeconfig]
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = FileHandle.nullDevice
            let exited = ExitBox()
            process.terminationHandler = { exited.set($0.terminationStatus) }
            try process.run()
            defer { if process.isRunning { process.terminate() } }
            func printed() -> String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
            #expect(await eventually { printed().hasPrefix("1 service pending\n") })
            let reads = cluster.leaseReads
            #expect(await eventually { cluster.leaseReads >= reads + 2 }, "still polling")
            kill(process.processIdentifier, SIGINT)
            #expect(await eventually { exited.value != nil })
            #expect(exited.value == 0)
            #expect(printed().components(separatedBy: "1 service pending").count == 2, "printed once: nothing changed")
        }
    }

    @Test(.enabled(if: missing == nil)) func lbctlByItsOwnNameSaysLbctl() async throws {
        let help = try await PluginTools.run([PluginTools.lbctl ?? "lbctl", "--help"], environment: ProcessInfo.processInfo.environment)
        #expect(help.stdout.contains("USAGE: lbctl <subcommand>"))
    }
}

/// Finding and running the binaries the plugin test needs.
enum PluginTools {
    struct Output {
        var code: Int32
        var stdout: String
        var stderr: String
    }

    /// kubectl on PATH, else the Google Cloud SDK's versioned copy.
    static let kubectl: String? = which("kubectl")
        ?? ["/usr/lib/google-cloud-sdk/bin/kubectl.1.32", "/usr/lib/google-cloud-sdk/bin/kubectl"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }

    /// $LBCTL_BINARY, else `lbctl` beside the test bundle (`swift build` puts both in one directory).
    static let lbctl: String? = {
        if let path = ProcessInfo.processInfo.environment["LBCTL_BINARY"], FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // On Linux the test binary is `<bin>/X.xctest`; on macOS `<bin>/X.xctest/Contents/MacOS/X`.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("lbctl").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a program to completion (at most 60 s, then it is killed), its output captured in
    /// files so a chatty program cannot block on a full pipe.
    static func run(_ arguments: [String], environment: [String: String]) async throws -> Output {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lbctl-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        let running = UncheckedProcess(process)
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            if running.process.isRunning { running.process.terminate() }
        }
        defer { watchdog.cancel() }
        let code: Int32 = try await withCheckedThrowingContinuation { done in
            process.terminationHandler = { done.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { done.resume(throwing: error) }
        }
        return Output(
            code: code, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}

/// Lets the watchdog task stop a process the test waits on.
private struct UncheckedProcess: @unchecked Sendable {
    let process: Process
    init(_ process: Process) { self.process = process }
}

/// The exit status a termination handler reports.
private final class ExitBox: @unchecked Sendable {
    private let lock = NSLock()
    private var code: Int32?
    func set(_ c: Int32) { lock.withLock { code = c } }
    var value: Int32? { lock.withLock { code } }
}
