import LBCore

extension ExplainReport {
    /// Every speaker's view of one IP. Speakers that are not live, or whose state is unreadable
    /// or does not list the IP, get a reason of lbctl's own saying so.
    static func addressView(_ a: AddressAnalysis, pool: String?, speakers: [SpeakerReading]) -> AddressView {
        var prefix: String?
        let nodes = speakers.map { s -> NodeView in
            var view = NodeView(node: s.node, live: s.live, announces: nil, owner: nil, interfaces: [], peers: nil, reasons: [])
            if !s.live {
                view.reasons.append(
                    Reason(
                        code: "speakerNotLive",
                        message: "its speaker's Lease is not being renewed (\(s.renewalText)), so whatever it last published is stale; check the speaker pod on this node"))
            }
            guard let state = s.state else {
                if s.live {
                    let why =
                        s.stateProblem.map { $0.hasPrefix("no ") ? "\($0): it has not published its state yet (just started, or an IronLB version without it)" : "\($0): is it another IronLB version?" }
                    view.reasons.append(Reason(code: "stateUnavailable", message: (why ?? "no published state") + "; check its logs"))
                }
                return view
            }
            guard let entry = s.entry(for: a.ip) else {
                guard s.live else { return view }
                let message =
                    state.omitted != nil
                    ? "its state omits some IPs to fit the annotation size limit, this one among them"
                    : "its state does not list this IP: the speaker has not seen the Service or the config yet (or cannot read them); check its logs"
                view.reasons.append(Reason(code: "ipUnknown", message: message))
                return view
            }
            if prefix == nil { prefix = entry.prefix }
            view.announces = entry.announced
            view.owner = entry.owner
            view.interfaces = entry.interfaces
            view.peers = entry.peers
            view.reasons += entry.reasons.map { Reason(code: $0.code, message: $0.message.isEmpty ? "(message omitted to fit the annotation)" : $0.message) }
            return view
        }
        return AddressView(
            ip: a.ip.description, pool: pool, mode: a.mode?.rawValue, prefix: prefix, announcedBy: a.announcers,
            splitView: a.isSplitView, nodes: nodes)
    }

    static func noSpeakerProblem(_ speakers: [SpeakerReading], namespace: String) -> Problem {
        let what = speakers.isEmpty ? "no speaker has a Lease in \(namespace)" : "no live speaker has published its state"
        return Problem(
            problem: "\(what), so nothing announces the Service's IPs",
            fix: "check the speaker DaemonSet: kubectl -n \(namespace) get daemonset,pods -o wide, and the speakers' logs")
    }

    /// Problems with one IP as the speakers see it: nobody announces it (one problem per reason
    /// the live nodes give), a split view, stale claims, a BGP advertisement that reaches no peer.
    static func addressProblems(_ a: AddressAnalysis, view: AddressView, speakers: [SpeakerReading], namespace: String) -> [Problem] {
        var problems: [Problem] = []
        let live = view.nodes.filter { $0.live && $0.announces != nil }
        guard !live.isEmpty else { return [] }
        let ip = a.ip.description

        if a.isSplitView {
            var says: [String] = []
            for n in live.sorted(by: { $0.node < $1.node }) {
                says.append("\(n.node) says \(n.owner ?? "no node")\(n.announces == true ? " and announces it" : "")")
            }
            let members = speakers.filter(\.live).compactMap { s in s.state.map { "\(s.node) sees [\($0.liveMembers.joined(separator: ","))]" } }
            problems.append(
                Problem(
                    problem: "split view on \(ip): the speakers disagree on its owner (\(says.joined(separator: "; "))), so more than one node may answer ARP/NDP for it",
                    fix: "make the speakers see the same members and Nodes (\(members.joined(separator: "; "))): open the speakers' membership port (UDP) between all nodes, and check each speaker's logs and its access to the Nodes"))
        }

        if a.announcers.isEmpty {
            var byCode: [String: (nodes: [String], message: String)] = [:]
            var order: [String] = []
            for n in live {
                guard let reason = n.reasons.first(where: { $0.code != "notElected" }) ?? n.reasons.first else { continue }
                if byCode[reason.code] == nil {
                    order.append(reason.code)
                    byCode[reason.code] = ([], reason.message)
                }
                byCode[reason.code]?.nodes.append(n.node)
            }
            for code in order {
                guard let entry = byCode[code] else { continue }
                problems.append(
                    Problem(
                        problem: "no live node announces \(ip); \(entry.nodes.joined(separator: ", ")): \(code)",
                        fix: entry.message))
            }
            if order.isEmpty {
                problems.append(
                    Problem(
                        problem: "no live node announces \(ip), and none says why",
                        fix: "read the speakers' logs (kubectl -n \(namespace) get pods, then kubectl -n \(namespace) logs POD)"))
            }
        } else if a.mode == .layer2 {
            // Elected, yet the speaker says something stops it (e.g. `noInterface`: nothing to
            // answer ARP/NDP on), so the IP is unreachable although a node "announces" it.
            for n in live where n.announces == true {
                guard let reason = n.reasons.first else { continue }
                problems.append(
                    Problem(problem: "\(n.node) is elected for \(ip) but cannot serve it (\(reason.code))", fix: reason.message))
            }
        } else if a.mode == .bgp {
            for n in live where n.announces == true && (n.peers ?? []).isEmpty {
                let why = n.reasons.first
                problems.append(
                    Problem(
                        problem: "\(n.node) advertises \(ip) but to no peer\(why.map { " (\($0.code))" } ?? "")",
                        fix: why?.message ?? "bring up its BGP sessions: see their state and last error in `lbctl status`"))
            }
        }

        for node in a.staleClaims {
            let renewal = speakers.first { $0.node == node }?.renewalText ?? "never renewed"
            problems.append(
                Problem(
                    problem: "\(node) last said it announces \(ip), but its speaker is not live (\(renewal))",
                    fix: "check the speaker pod on \(node) (kubectl -n \(namespace) get pods -o wide --field-selector spec.nodeName=\(node)); if the node is gone, delete its Lease ironlb-speaker-\(node)"))
        }
        return problems
    }
}
