/// `lbctl status -o table`: the verdict, the config line, then one aligned table each for
/// pools, Services and speakers. Colour (when `style` is enabled) marks what is fine in green,
/// what needs a look in yellow and what is broken in red.
enum StatusTable {
    static func lines(_ report: StatusReport, style: Style = .plain) -> [String] {
        var out = [report.healthy ? style.good(report.verdict) : style.bad(report.verdict), ""]
        out += configLines(report.config, style: style)

        out.append("")
        if report.pools.isEmpty {
            out.append("no address pools")
        } else {
            out += TableLayout.align(
                [["POOL", "PROTOCOL", "IN USE"].map(style.heading)]
                    + report.pools.map { pool in
                        let usage = pool.families.map { "\($0.family) \($0.inUse)/\($0.total)" }.joined(separator: ", ")
                        let full = !pool.families.isEmpty && pool.families.contains { $0.inUse == $0.total }
                        return [pool.name, pool.protocol, usage.isEmpty ? "-" : (full ? style.warning(usage) : usage)]
                    })
        }

        out.append("")
        if report.services.isEmpty {
            out.append("no LoadBalancer services")
        } else {
            let bgp = report.services.contains { $0.peers != nil }
            let header = ["SERVICE", "IPS", "POOL", "MODE", "NODE"] + (bgp ? ["PEERS"] : []) + ["STATUS"]
            out += TableLayout.align([header.map(style.heading)] + report.services.map { serviceRow($0, bgp: bgp, style: style) })
        }

        out.append("")
        if report.speakers.isEmpty {
            out.append("no speakers")
        } else {
            let bgp = report.speakers.contains { $0.bgpSessionsTotal != nil }
            let header = ["SPEAKER", "LIVE", "LAST RENEWAL", "ANNOUNCED"] + (bgp ? ["BGP UP"] : []) + ["MEMBERS", "NOTE"]
            out += TableLayout.align([header.map(style.heading)] + report.speakers.map { speakerRow($0, bgp: bgp, style: style) })
        }
        return out
    }

    static func serviceRow(_ s: StatusReport.ServiceLine, bgp: Bool, style: Style) -> [String] {
        let node = s.node ?? "-"
        // An IP assigned but announced by no live node is not served, whatever the controller
        // did: say so, as the verdict line counts it.
        let unannounced = s.state == .served && node == AnnouncementView.nobody
        var status = unannounced ? "not announced" : s.state.rawValue
        if let reason = s.reason { status += ": \(reason)" }
        let broken = node == AnnouncementView.splitView || node == AnnouncementView.nobody
        let nodeCell = broken ? style.bad(node) : node
        let statusCell: String
        if s.state == .pending || unannounced {
            statusCell = style.bad(status)
        } else {
            statusCell = s.reason == nil ? style.good(status) : style.warning(status)
        }
        var row = [s.name, s.ips.isEmpty ? "-" : s.ips.joined(separator: ","), s.pool ?? "-", s.mode ?? "-", nodeCell]
        if bgp {
            let peers = s.peers ?? []
            row.append(peers.isEmpty ? "-" : peers.joined(separator: ","))
        }
        row.append(statusCell)
        return row
    }

    static func speakerRow(_ s: StatusReport.Speaker, bgp: Bool, style: Style) -> [String] {
        var row = [
            s.node, s.live ? style.good("yes") : style.bad("no"),
            s.lastRenewalAgeSeconds.map { TableLayout.age($0) + " ago" } ?? "never",
            s.announced.map(String.init) ?? "-",
        ]
        if bgp {
            var sessions = "-"
            if let up = s.bgpSessionsUp, let total = s.bgpSessionsTotal {
                sessions = up == total ? style.good("\(up)/\(total)") : style.bad("\(up)/\(total)")
            }
            row.append(sessions)
        }
        row.append(s.members.isEmpty ? "-" : s.members.joined(separator: ","))
        row.append(s.note.map(style.warning) ?? "")
        return row
    }

    static func configLines(_ config: StatusReport.ConfigState, style: Style) -> [String] {
        var out: [String] = []
        switch config.state {
        case .loaded: out.append("config: " + style.good("loaded") + " (\(config.source))")
        case .missing:
            out.append("config: " + style.bad("missing") + ": " + (config.errors.first ?? config.source))
        case .invalid:
            out.append("config: " + style.bad("invalid") + " (\(config.source)), stale: the controller keeps its last valid config, if any")
            for e in config.errors { out.append("  error: \(e)") }
        }
        if let event = config.lastEvent { out.append("  controller: \(event)") }
        return out
    }
}
