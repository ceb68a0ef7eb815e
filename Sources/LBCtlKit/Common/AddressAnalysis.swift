import LBCore

/// What the speakers' published states say about one Service IP: who announces it (layer 2) or
/// advertises it (BGP) and to which peers, whether they agree on the owner, and which claims
/// come from speakers that are no longer live. Pure; shared by `status` and `explain`.
struct AddressAnalysis: Sendable {
    var ip: IPAddress
    var mode: PoolProtocol?
    /// Live speakers whose state says they announce (layer 2) or advertise (BGP) the IP.
    var announcers: [String]
    /// BGP: per live advertising node, the peers it advertises the prefix to.
    var peersByNode: [String: [String]]
    /// Speakers that are not live but whose last published state says they announce the IP:
    /// stale claims (the speaker may be gone, or alive without renewing its Lease).
    var staleClaims: [String]
    /// Layer 2: the owner each live speaker computes (node → owner, `-` for none).
    var ownerByNode: [String: String]
    /// Live speakers whose state does not list the IP at all (not counting documents that had to
    /// omit entries).
    var unaware: [String]

    init(ip: IPAddress, mode: PoolProtocol?, speakers: [SpeakerReading]) {
        self.ip = ip
        self.mode = mode
        var announcers: [String] = []
        var peers: [String: [String]] = [:]
        var stale: [String] = []
        var owners: [String: String] = [:]
        var unaware: [String] = []
        for speaker in speakers {
            guard let state = speaker.state else { continue }
            guard let entry = speaker.entry(for: ip) else {
                if speaker.live && state.omitted == nil { unaware.append(speaker.node) }
                continue
            }
            if !speaker.live {
                if entry.announced { stale.append(speaker.node) }
                continue
            }
            if entry.announced {
                announcers.append(speaker.node)
                if let p = entry.peers { peers[speaker.node] = p }
            }
            if (mode ?? entry.protocol) == .layer2 { owners[speaker.node] = entry.owner ?? "-" }
        }
        self.announcers = announcers.sorted()
        self.peersByNode = peers
        self.staleClaims = stale.sorted()
        self.ownerByNode = owners
        self.unaware = unaware.sorted()
    }

    /// Layer 2: more than one live speaker announces the IP, or live speakers compute different
    /// owners. Each answers ARP/NDP for it, so clients flip between nodes.
    var isSplitView: Bool {
        guard mode == .layer2 else { return false }
        return announcers.count > 1 || Set(ownerByNode.values).count > 1
    }

    /// BGP: every peer some live node advertises the prefix to.
    var peers: [String] { Set(peersByNode.values.flatMap { $0 }).sorted() }
}

/// A Service's IPs summed up for one `status` line: the node column, the peers, and notes.
struct AnnouncementView {
    /// The node column when speakers disagree.
    static let splitView = "split view"
    /// The node column when no live speaker announces the Service.
    static let nobody = "none"

    var node: String?
    var peers: [String]?
    var notes: [String] = []

    init(addresses: [IPAddress], mode: PoolProtocol?, speakers: [SpeakerReading]) {
        guard speakers.contains(where: { $0.live && $0.state != nil }) else {
            node = nil
            return
        }
        let analyses = addresses.map { AddressAnalysis(ip: $0, mode: mode, speakers: speakers) }
        var nodes: [String] = []
        for a in analyses { for n in a.announcers where !nodes.contains(n) { nodes.append(n) } }
        let stale = Set(analyses.flatMap(\.staleClaims)).sorted()
        if analyses.contains(where: \.isSplitView) {
            node = Self.splitView
            notes.append("speakers disagree on the announcing node")
        } else if nodes.isEmpty {
            node = Self.nobody
            notes.append(stale.isEmpty ? "no live speaker announces it" : "only a speaker that is not live claims it (\(stale.joined(separator: ",")))")
        } else {
            node = nodes.sorted().joined(separator: ",")
        }
        if mode == .bgp {
            let all = Set(analyses.flatMap(\.peers)).sorted()
            peers = all
            if !nodes.isEmpty && all.isEmpty {
                notes.append("advertised to no peer (no BGP session up)")
            } else {
                let silent = Set(analyses.flatMap { a in a.announcers.filter { (a.peersByNode[$0] ?? []).isEmpty } }).sorted()
                if !silent.isEmpty { notes.append("\(silent.joined(separator: ",")) advertise\(silent.count == 1 ? "s" : "") to no peer") }
            }
        }
    }
}
