import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The in-memory Kubernetes API server (`kube-test-server`) running inside the lab's switch
/// namespace, listening on the switch's bridge address, so node namespaces reach it over the lab
/// network exactly as speakers reach a real API server. It writes a kubeconfig that node
/// processes (and `kubectl`) use:
///
///     let api = try KubeAPIInLab.start(in: lab, binary: KubeAPIInLab.locateBinary()!)
///     let speaker = try lab.spawn(in: lab.nodes[0].namespace, executable: speakerPath,
///                                 arguments: ["--kubeconfig", api.kubeconfigPath, ...])
public final class KubeAPIInLab: Sendable {
    /// The server process (its log holds the readiness line and any errors).
    public let process: LabProcess
    /// e.g. "http://172.30.0.1:40123" or "https://..." with `tls`.
    public let url: String
    /// A kubeconfig for this server (mode 0600), in the lab's work directory.
    public let kubeconfigPath: String

    /// `KUBECONFIG` for a spawned process's environment.
    public var environment: [String: String] { ["KUBECONFIG": kubeconfigPath] }

    private init(process: LabProcess, url: String, kubeconfigPath: String) {
        self.process = process
        self.url = url
        self.kubeconfigPath = kubeconfigPath
    }

    /// Where the built `kube-test-server` is: `$KUBE_TEST_SERVER`, else `$IRONLB_BIN_DIR/kube-test-server`,
    /// else next to the running executable (swift test's bundle sits in .build/debug beside the
    /// built products), else `./.build/debug/kube-test-server`. Nil when none is executable.
    public static func locateBinary() -> String? {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let path = environment["KUBE_TEST_SERVER"], !path.isEmpty { candidates.append(path) }
        if let dir = environment["IRONLB_BIN_DIR"], !dir.isEmpty { candidates.append("\(dir)/kube-test-server") }
        let executableDir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        candidates.append(executableDir.appendingPathComponent("kube-test-server").path)
        // The test bundle on Linux is `.build/debug/PkgPackageTests.xctest`: a file, beside the products.
        candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug/kube-test-server")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `binary` in the switch namespace on network `network`'s switch IPv4 address (a free
    /// port is picked), waits for its readiness line and kubeconfig, then checks that it accepts TCP
    /// connections from node 1's namespace. Throws `LabError.notReady` with the server's log
    /// otherwise. Stopped by `stop()` or by `lab.destroy()`.
    /// - Parameter tls: serve HTTPS with a generated CA (in the kubeconfig) and bearer token;
    ///   plain HTTP accepts anonymous requests.
    public static func start(
        in lab: Lab, binary: String, network: Int = 0, tls: Bool = false, extraArguments: [String] = [],
        timeout: Double = 30
    ) throws -> KubeAPIInLab {
        let address = lab.networks[network].switchIPv4
        let kubeconfigPath = "\(lab.workDirectory)/kubeconfig-\(UUID().uuidString.prefix(6))"
        var arguments = ["--listen", "\(address):0", "--kubeconfig-out", kubeconfigPath]
        if tls { arguments.append("--tls") }
        let process = try lab.spawn(in: lab.switchNamespace, executable: binary, arguments: arguments + extraArguments)
        do {
            try process.waitForLog(containing: "listening on ", timeout: timeout)
            guard let url = parseURL(fromLog: process.log), let port = URL(string: url)?.port else {
                throw LabError.unparsableOutput(tool: "kube-test-server", output: process.log)
            }
            // The kubeconfig is written before the readiness line; checked so a changed server fails here.
            guard FileManager.default.fileExists(atPath: kubeconfigPath) else {
                throw LabError.notReady(what: "kubeconfig \(kubeconfigPath)", seconds: 0, detail: process.log)
            }
            let server = KubeAPIInLab(process: process, url: url, kubeconfigPath: kubeconfigPath)
            try server.waitUntilReachable(from: lab.nodes[0], lab: lab, port: port, timeout: timeout)
            return server
        } catch {
            process.stop(grace: 2)
            throw error
        }
    }

    /// The URL from "kube-test-server listening on URL".
    static func parseURL(fromLog log: String) -> String? {
        for line in log.split(separator: "\n") {
            if let range = line.range(of: "listening on ") {
                return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    private func waitUntilReachable(from host: LabHost, lab: Lab, port: Int, timeout: Double) throws {
        let ip = URL(string: url)?.host ?? ""
        var lastError = ""
        let reachable = labPoll(timeout: timeout) {
            do {
                return try lab.touch(ip, port: port, from: host, timeout: 2)
            } catch {
                lastError = "\(error)"
                return !process.isRunning
            }
        }
        guard reachable, process.isRunning else {
            throw LabError.notReady(what: "kube-test-server at \(url) from \(host.namespace)", seconds: timeout,
                                    detail: "\(lastError) log: \(process.log)")
        }
    }

    /// SIGTERM (the server exits 0), SIGKILL after a grace period.
    @discardableResult
    public func stop() -> LabProcess.Exit? { process.stop(grace: 5) }
}
