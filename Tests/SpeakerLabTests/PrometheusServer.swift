import Foundation
import LBLab

/// A real Prometheus server (the Debian package's /usr/bin/prometheus) in one lab namespace,
/// scraping static targets every second, asked through its HTTP API with curl from the same
/// namespace. Its TSDB lives in the lab's work directory; `Lab.destroy()` kills it.
///
/// It listens on loopback inside the namespace (each lab has its own, so the port cannot clash
/// with anything) and scrapes only lab addresses.
final class PrometheusServer {
    /// One scrape job: its targets (`HOST:PORT`), each with extra target labels.
    struct Job {
        var name: String
        var targets: [(address: String, labels: [String: String])]
    }

    /// One series of an instant vector: its labels and its value.
    struct Sample: CustomStringConvertible {
        var labels: [String: String]
        var value: Double
        var description: String {
            "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "} \(value)"
        }
    }

    /// One entry of /api/v1/targets' activeTargets.
    struct Target: CustomStringConvertible {
        var job: String
        var instance: String
        var scrapeURL: String
        var health: String
        var lastError: String
        var labels: [String: String]
        var description: String { "\(job) \(scrapeURL) \(health)\(lastError.isEmpty ? "" : " (\(lastError))")" }
    }

    static let binary = "/usr/bin/prometheus"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }
    /// Seconds between scrapes (and the scrape timeout): short, so a test waits little.
    static let scrapeInterval = 1

    let lab: Lab
    let namespace: String
    let listenAddress: String
    let process: LabProcess

    /// Writes the config and starts Prometheus in `namespace`; returns once /-/ready answers.
    static func start(in lab: Lab, namespace: String, jobs: [Job], port: Int = 9090, timeout: Double = 45) throws
        -> PrometheusServer
    {
        guard available else { throw SpeakerLabError.missingPrerequisite("\(binary) (Debian package prometheus)") }
        let directory = "\(lab.workDirectory)/prometheus"
        try FileManager.default.createDirectory(atPath: "\(directory)/data", withIntermediateDirectories: true)
        let configPath = "\(directory)/prometheus.yml"
        try config(jobs: jobs).write(toFile: configPath, atomically: true, encoding: .utf8)
        let listen = "127.0.0.1:\(port)"
        let process = try lab.spawn(
            in: namespace, executable: binary,
            arguments: ["--config.file=\(configPath)", "--storage.tsdb.path=\(directory)/data",
                        "--web.listen-address=\(listen)", "--storage.tsdb.retention.time=1h", "--log.level=info"])
        let server = PrometheusServer(lab: lab, namespace: namespace, listenAddress: listen, process: process)
        var last = ""
        let ready = try labPoll(timeout: timeout) {
            guard process.isRunning else {
                throw SpeakerLabError.unexpected("prometheus \(process.exitStatus.map { "\($0)" } ?? "exited"): \(process.log.suffix(3000))")
            }
            let result = try server.curl(["\(server.baseURL)/-/ready"])
            last = result.stdout + result.stderr
            return result.succeeded && result.stdout.contains("Ready")
        }
        if !ready {
            throw SpeakerLabError.notReady(what: "prometheus ready", seconds: timeout, detail: "\(last)\n\(process.log.suffix(2000))")
        }
        return server
    }

    private init(lab: Lab, namespace: String, listenAddress: String, process: LabProcess) {
        self.lab = lab
        self.namespace = namespace
        self.listenAddress = listenAddress
        self.process = process
    }

    var baseURL: String { "http://\(listenAddress)" }

    /// The prometheus.yml for `jobs`: every `scrapeInterval` seconds, /metrics over HTTP.
    static func config(jobs: [Job]) -> String {
        var lines = [
            "global:", "  scrape_interval: \(scrapeInterval)s", "  scrape_timeout: \(scrapeInterval)s",
            "  evaluation_interval: \(scrapeInterval)s", "scrape_configs:",
        ]
        for job in jobs {
            lines += ["- job_name: \(job.name)", "  metrics_path: /metrics", "  static_configs:"]
            for target in job.targets {
                lines.append("  - targets: [\"\(target.address)\"]")
                if !target.labels.isEmpty {
                    lines.append("    labels:")
                    lines += target.labels.sorted { $0.key < $1.key }.map { "      \($0.key): \"\($0.value)\"" }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func curl(_ arguments: [String]) throws -> CommandResult {
        try lab.run(in: namespace, "curl", ["-sS", "--max-time", "10"] + arguments, timeout: 30)
    }

    /// GET `path` of the HTTP API with `parameters` (URL-encoded by curl); the `data` member of
    /// a `"status":"success"` answer.
    private func api(_ path: String, _ parameters: [String: String] = [:]) throws -> Any {
        var arguments = ["-G", "\(baseURL)\(path)"]
        for (key, value) in parameters.sorted(by: { $0.key < $1.key }) { arguments += ["--data-urlencode", "\(key)=\(value)"] }
        let result = try curl(arguments).check()
        guard let body = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              body["status"] as? String == "success", let data = body["data"] else {
            throw SpeakerLabError.unexpected("prometheus \(path) \(parameters): \(result.stdout.prefix(2000))")
        }
        return data
    }

    /// `/api/v1/query`: the instant vector `promQL` evaluates to now.
    func query(_ promQL: String) throws -> [Sample] {
        let data = try api("/api/v1/query", ["query": promQL])
        guard let object = data as? [String: Any], object["resultType"] as? String == "vector",
              let result = object["result"] as? [[String: Any]] else {
            throw SpeakerLabError.unexpected("prometheus query \(promQL) is not a vector: \(data)")
        }
        return try result.map { entry in
            // "value": [unix time, "value as a string"]
            guard let pair = entry["value"] as? [Any], pair.count == 2, let text = pair[1] as? String,
                  let value = Double(text) else {
                throw SpeakerLabError.unexpected("prometheus query \(promQL): bad sample \(entry)")
            }
            return Sample(labels: entry["metric"] as? [String: String] ?? [:], value: value)
        }
    }

    /// `/api/v1/targets`: the active targets and their last scrape's health.
    func targets() throws -> [Target] {
        let data = try api("/api/v1/targets", ["state": "active"])
        let active = (data as? [String: Any])?["activeTargets"] as? [[String: Any]] ?? []
        return active.map { entry in
            let labels = entry["labels"] as? [String: String] ?? [:]
            return Target(job: labels["job"] ?? "", instance: labels["instance"] ?? "",
                          scrapeURL: entry["scrapeUrl"] as? String ?? "", health: entry["health"] as? String ?? "",
                          lastError: entry["lastError"] as? String ?? "", labels: labels)
        }
    }
}
