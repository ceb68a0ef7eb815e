import Foundation

/// `lbctl status -o table`: the verdict, the config line, then one aligned table each for
/// pools, Services and speakers. No colour yet.
enum StatusTable {
    static func lines(_ report: StatusReport) -> [String] {
        var out = [report.verdict, ""]
        var config = "config: \(report.config.state.rawValue) (\(report.config.source))"
        if report.config.state == .missing, let why = report.config.errors.first { config = "config: missing: \(why)" }
        out.append(config)
        if report.config.state == .invalid {
            for e in report.config.errors { out.append("  error: \(e)") }
        }

        out.append("")
        if report.pools.isEmpty {
            out.append("no address pools")
        } else {
            out += align(
                [["POOL", "PROTOCOL", "IN USE"]]
                    + report.pools.map { pool in
                        let usage = pool.families.map { "\($0.family) \($0.inUse)/\($0.total)" }.joined(separator: ", ")
                        return [pool.name, pool.protocol, usage.isEmpty ? "-" : usage]
                    })
        }

        out.append("")
        if report.services.isEmpty {
            out.append("no LoadBalancer services")
        } else {
            out += align(
                [["SERVICE", "IPS", "POOL", "MODE", "NODE", "STATUS"]]
                    + report.services.map { s in
                        var status = s.state.rawValue
                        if let reason = s.reason { status += ": \(reason)" }
                        return [
                            s.name, s.ips.isEmpty ? "-" : s.ips.joined(separator: ","), s.pool ?? "-", s.mode ?? "-",
                            s.node ?? "-", status,
                        ]
                    })
        }

        out.append("")
        if report.speakers.isEmpty {
            out.append("no speakers")
        } else {
            out += align(
                [["SPEAKER", "LIVE", "LAST RENEWAL", "ANNOUNCED", "MEMBERS", "NOTE"]]
                    + report.speakers.map { s in
                        [
                            s.node, s.live ? "yes" : "no", s.lastRenewalAgeSeconds.map { age($0) + " ago" } ?? "never",
                            s.announced.map(String.init) ?? "-", s.members.isEmpty ? "-" : s.members.joined(separator: ","),
                            s.note ?? "",
                        ]
                    })
        }
        return out
    }

    /// Columns padded to their widest cell, two spaces apart; trailing spaces trimmed.
    static func align(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            var line = ""
            for (i, cell) in row.enumerated() {
                line += i == row.count - 1 ? cell : cell.padding(toLength: widths[i] + 2, withPad: " ", startingAt: 0)
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// An age the way kubectl shows one: `45s`, `3m12s`, `2h5m`, `3d4h`.
    static func age(_ seconds: Int) -> String {
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return seconds % 60 == 0 ? "\(seconds / 60)m" : "\(seconds / 60)m\(seconds % 60)s"
        case ..<86400: return (seconds % 3600) / 60 == 0 ? "\(seconds / 3600)h" : "\(seconds / 3600)h\((seconds % 3600) / 60)m"
        default: return (seconds % 86400) / 3600 == 0 ? "\(seconds / 86400)d" : "\(seconds / 86400)d\((seconds % 86400) / 3600)h"
        }
    }
}
