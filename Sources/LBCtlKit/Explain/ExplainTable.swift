/// `lbctl explain -o table`: the verdict, the controller's side, one table per IP with every
/// node's view, then the problems, each with what to change.
enum ExplainTable {
    static func lines(_ report: ExplainReport, style: Style = .plain) -> [String] {
        let verdict = "\(report.service): \(report.verdict)"
        var out = [report.healthy ? style.good(verdict) : style.bad(verdict), ""]

        let c = report.controller
        out.append(style.heading("CONTROLLER"))
        var rows: [[String]] = [
            ["type:", c.type + (c.loadBalancerClass.map { ", loadBalancerClass \($0)" } ?? "")],
            ["config:", c.config == "loaded" ? c.config : style.bad(c.config)],
        ]
        if report.state == .pending {
            rows.append(["IPs:", style.bad("none: \(c.pendingReason ?? "pending")")])
        } else if !report.ips.isEmpty {
            rows.append(["IPs:", report.ips.joined(separator: ", ")])
        }
        rows.append(["pool:", c.pool.map { "\($0)" + (c.poolSource.map { " (from \($0))" } ?? "") } ?? "-"])
        rows.append(["requested:", requested(c)])
        rows.append(["traffic policy:", c.externalTrafficPolicy])
        if c.events.isEmpty {
            rows.append(["events:", "-"])
        } else {
            for (i, e) in c.events.enumerated() { rows.append([i == 0 ? "events:" : "", e]) }
        }
        out += TableLayout.align(rows, indent: "  ")

        for a in report.addresses {
            out.append("")
            out.append(style.heading(addressHeading(a)))
            let bgp = a.mode == "bgp"
            let header = bgp ? ["NODE", "LIVE", "ADVERTISES", "PEERS", "WHY NOT"] : ["NODE", "LIVE", "ANNOUNCES", "OWNER", "WHY NOT"]
            out += TableLayout.align([header.map(style.heading)] + a.nodes.map { nodeRow($0, bgp: bgp, style: style) }, indent: "  ")
        }

        out.append("")
        if report.problems.isEmpty {
            out.append(style.good("no problems found"))
        } else {
            out.append(style.heading("PROBLEMS"))
            for (i, p) in report.problems.enumerated() {
                out.append("  \(i + 1). " + style.bad(p.problem))
                out.append("     fix: \(p.fix)")
            }
        }
        return out
    }

    static func requested(_ c: ExplainReport.ControllerView) -> String {
        var parts: [String] = []
        if let pool = c.requestedPool { parts.append("pool \(pool)") }
        if !c.requestedIPs.isEmpty { parts.append("IPs \(c.requestedIPs.joined(separator: ", "))") }
        if let key = c.sharingKey { parts.append("sharing key \(key)") }
        return parts.isEmpty ? "-" : parts.joined(separator: "; ")
    }

    static func addressHeading(_ a: ExplainReport.AddressView) -> String {
        var detail = [a.mode ?? "unknown mode"]
        if let pool = a.pool { detail.append("pool \(pool)") }
        if let prefix = a.prefix { detail.append("prefix \(prefix)") }
        let who: String
        if a.splitView {
            who = "split view"
        } else if a.announcedBy.isEmpty {
            who = "announced by no node"
        } else {
            who = a.mode == "bgp" ? "advertised by " + advertisers(a) : "announced by " + a.announcedBy.joined(separator: ", ")
        }
        return "\(a.ip) (\(detail.joined(separator: ", "))): \(who)"
    }

    /// BGP: "node-a to tor-1, node-b to no peer".
    static func advertisers(_ a: ExplainReport.AddressView) -> String {
        a.announcedBy.map { node in
            let peers = a.nodes.first { $0.node == node }?.peers ?? []
            return "\(node) to \(peers.isEmpty ? "no peer" : peers.joined(separator: ", "))"
        }.joined(separator: ", ")
    }

    static func nodeRow(_ n: ExplainReport.NodeView, bgp: Bool, style: Style) -> [String] {
        let live = n.live ? style.good("yes") : style.bad("no")
        let announces: String
        switch n.announces {
        case true?: announces = style.good("yes") + (bgp || n.interfaces.isEmpty ? "" : " (\(n.interfaces.joined(separator: ",")))")
        case false?: announces = "no"
        case nil: announces = "-"
        }
        let third = bgp ? ((n.peers ?? []).isEmpty ? "-" : (n.peers ?? []).joined(separator: ",")) : (n.owner ?? "-")
        let why = n.reasons.map { "\($0.code): \($0.message)" }.joined(separator: " / ")
        let whyCell = n.live && n.reasons.allSatisfy { $0.code == "notElected" } ? style.dim(why) : style.warning(why)
        return [n.node, live, announces, third, whyCell]
    }
}
