import Foundation

/// Reads Prometheus text exposition (`name{label="v",...} value`) for test assertions.
enum PrometheusText {
    /// The value of the sample `name` whose labels include `labels`; nil when absent. Several
    /// matching samples are summed.
    static func value(_ text: String, _ name: String, labels: [String: String] = [:]) -> Double? {
        var total: Double?
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let value = Double(parts[parts.count - 1]) else { continue }
            let series = parts.dropLast().joined(separator: " ")
            let metric: Substring
            var found: [String: String] = [:]
            if let brace = series.firstIndex(of: "{") {
                metric = series[..<brace]
                let body = series[series.index(after: brace)...].dropLast()
                for pair in body.split(separator: ",") {
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    guard kv.count == 2 else { continue }
                    found[String(kv[0])] = String(kv[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
            } else {
                metric = Substring(series)
            }
            guard metric == name, labels.allSatisfy({ found[$0.key] == $0.value }) else { continue }
            total = (total ?? 0) + value
        }
        return total
    }
}
