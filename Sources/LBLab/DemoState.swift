import Foundation

/// What `lab-demo up` leaves running, written as JSON so `lab-demo down` (another process, maybe
/// much later) removes exactly that, and so a person can see where everything is.
///
/// The namespaces are authoritative for clean-up (`down` removes every namespace with `prefix`,
/// which kills whatever runs in them); the pids are for people and for `down` to report what it
/// stopped.
public struct DemoState: Sendable, Equatable, Codable {
    /// The only version this build writes and reads.
    public static let currentVersion = 1

    /// One process started in the lab.
    public struct Process: Sendable, Equatable, Codable {
        /// What it is: "kube-test-server", "lb-controller", "lb-speaker n1", "bird", "http n1".
        public var role: String
        public var pid: Int32
        public var namespace: String
        /// Where its stdout and stderr go.
        public var log: String

        public init(role: String, pid: Int32, namespace: String, log: String) {
            self.role = role
            self.pid = pid
            self.namespace = namespace
            self.log = log
        }
    }

    public var version: Int
    /// The lab's prefix: every namespace it made starts with "PREFIX-".
    public var prefix: String
    /// Every namespace, the switch's first.
    public var namespaces: [String]
    /// Namespace of each role: "switch", "router", "client", "n1", ...
    public var roles: [String: String]
    /// The kubeconfig for kube-test-server (reachable from the lab's namespaces only).
    public var kubeconfig: String
    /// The API server's URL.
    public var apiURL: String
    /// The lab's work directory (logs, configs, the bird socket).
    public var workDirectory: String
    /// birdc's control socket.
    public var birdSocket: String
    public var processes: [Process]
    /// Service IPs by "namespace/name".
    public var serviceIPs: [String: String]
    /// When `up` finished (RFC 3339).
    public var createdAt: String

    public init(prefix: String, namespaces: [String], roles: [String: String], kubeconfig: String, apiURL: String,
                workDirectory: String, birdSocket: String, processes: [Process], serviceIPs: [String: String],
                createdAt: String) {
        version = Self.currentVersion
        self.prefix = prefix
        self.namespaces = namespaces
        self.roles = roles
        self.kubeconfig = kubeconfig
        self.apiURL = apiURL
        self.workDirectory = workDirectory
        self.birdSocket = birdSocket
        self.processes = processes
        self.serviceIPs = serviceIPs
        self.createdAt = createdAt
    }

    /// Canonical JSON: keys sorted, pretty-printed, so the file reads well and compares byte for byte.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads a state file; a file of another version, or not a state file at all, is a clear
    /// error naming the path.
    public static func decode(_ data: Data, path: String) throws -> DemoState {
        struct Versioned: Decodable { var version: Int? }
        guard let header = try? JSONDecoder().decode(Versioned.self, from: data), let version = header.version else {
            throw LabError.invalidArgument("\(path) is not a lab-demo state file (no \"version\")")
        }
        guard version == currentVersion else {
            throw LabError.invalidArgument(
                "\(path) has state version \(version); this lab-demo reads version \(currentVersion) only (remove the lab with `ip netns del` or an older lab-demo)")
        }
        do {
            return try JSONDecoder().decode(DemoState.self, from: data)
        } catch {
            throw LabError.invalidArgument("\(path) is not a valid lab-demo state file: \(error)")
        }
    }

    /// Writes the file (mode 0644) atomically.
    public func write(to path: String) throws {
        try encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads the file at `path`; nil when there is none.
    public static func read(from path: String) throws -> DemoState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try decode(data, path: path)
    }
}
