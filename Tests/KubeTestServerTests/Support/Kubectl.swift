import Foundation
@testable import KubeTestServer

/// The real kubectl, pointed at one test server with its own discovery cache.
struct Kubectl {
    /// The 1.32 binary (the dispatcher at /usr/bin/kubectl would pick it from /version anyway),
    /// or any kubectl on the PATH.
    static let path: String? = {
        let candidates = ["/usr/lib/google-cloud-sdk/bin/kubectl.1.32", "/usr/local/bin/kubectl.1.32", "/usr/bin/kubectl.1.32",
                          "/usr/local/bin/kubectl", "/usr/bin/kubectl"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static var available: Bool { path != nil }

    let kubeconfig: String
    let cacheDir: String

    init(server: KubeTestServer, directory: TemporaryDirectory, kubeconfig: Kubeconfig? = nil) throws {
        self.kubeconfig = try directory.write("kubeconfig", (kubeconfig ?? server.kubeconfig()).yaml)
        cacheDir = directory.path + "/cache"
    }

    var baseArguments: [String] { ["--kubeconfig", kubeconfig, "--cache-dir", cacheDir, "--request-timeout", "20s"] }

    func run(_ arguments: String..., input: String? = nil) async throws -> Subprocess.Result {
        try await run(arguments, input: input)
    }

    func run(_ arguments: [String], input: String? = nil) async throws -> Subprocess.Result {
        try await Subprocess.run(Self.path ?? "/usr/bin/kubectl", baseArguments + arguments, input: input, timeout: 30)
    }

    func start(_ arguments: String...) throws -> Subprocess {
        let process = Subprocess(Self.path ?? "/usr/bin/kubectl", baseArguments + arguments)
        try process.start()
        return process
    }

    /// The cells of `kubectl get` output as dictionaries keyed by column header.
    static func table(_ output: String) -> [[String: String]] {
        let lines = output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        guard let header = lines.first else { return [] }
        // Columns start where a header word starts; cells may contain single spaces (e.g. AGE "2m5s" not).
        var starts: [Int] = []
        let chars = Array(header)
        for i in chars.indices where chars[i] != " " && (i == 0 || chars[i - 1] == " ") { starts.append(i) }
        let names = starts.enumerated().map { index, start -> String in
            let end = index + 1 < starts.count ? starts[index + 1] : chars.count
            return String(chars[start..<end]).trimmingCharacters(in: .whitespaces)
        }
        return lines.dropFirst().map { line in
            let row = Array(line)
            var cells: [String: String] = [:]
            for (index, start) in starts.enumerated() where start < row.count {
                let end = index + 1 < starts.count ? min(starts[index + 1], row.count) : row.count
                cells[names[index]] = String(row[start..<end]).trimmingCharacters(in: .whitespaces)
            }
            return cells
        }
    }
}
