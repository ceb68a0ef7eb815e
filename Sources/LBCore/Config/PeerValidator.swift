/// The rules between a peer's values and between peers, and the peer defaults: port 179, hold
/// time 90s, keepalive a third of the hold time (all MetalLB v0.12's), name `ADDRESS:PORT`.
struct PeerValidator {
    let diagnostics: ConfigDiagnostics

    static let defaultPort: UInt16 = 179
    static let defaultHoldTime = 90

    /// How many selector requirements the duplicate-session check may examine in one config:
    /// far beyond any real config, small enough that an alias-built one cannot stall the parser.
    static let overlapWork = 2_000_000

    private struct Endpoint: Hashable {
        var address: IPAddress
        var port: UInt16
        var source: IPAddress?
    }

    func validate(_ peers: [RawConfig.Peer], bfdProfiles: Set<String>) -> [BGPPeer] {
        var out: [BGPPeer] = []
        var outPaths: [String] = []
        var outSelectors: [CompiledSelectors] = []
        var byEndpoint: [Endpoint: [Int]] = [:]
        var nameHolders: [String: String] = [:]
        var explicitNames: [String: String] = [:]
        var work = PeerValidator.overlapWork
        var workReported = false
        for (index, raw) in peers.enumerated() {
            let hold = raw.holdTime?.value ?? PeerValidator.defaultHoldTime
            if let keepalive = raw.keepaliveTime, !raw.unreadable.contains("hold-time"), keepalive.value > hold {
                report(keepalive, "keepalive-time must not be longer than hold-time (\(hold)s)")
            }
            if let multihop = raw.ebgpMultihop, multihop.value, let p = raw.peerASN, let m = raw.myASN, p == m {
                report(
                    multihop,
                    "ebgp-multihop is for eBGP peers; this peer is iBGP (peer-asn and my-asn are both \(p))")
            }
            if let profile = raw.bfdProfile, !bfdProfiles.contains(profile.value) {
                let known = bfdProfiles.sorted()
                report(
                    profile,
                    "no bfd-profiles entry has this name"
                        + (known.isEmpty ? " (there are no bfd-profiles)" : "; known: \(known.joined(separator: ", "))"))
            }
            var nameClash = false
            if let name = raw.name {
                if let first = explicitNames[name.value] {
                    report(name, "duplicate peer name; \(first) already has it")
                    nameClash = true
                } else {
                    explicitNames[name.value] = raw.path
                }
            }
            guard let address = raw.address, let peerASN = raw.peerASN, let myASN = raw.myASN,
                raw.unreadable.isDisjoint(with: ["peer-port", "source-address"])
            else { continue }
            let port = raw.port ?? PeerValidator.defaultPort

            // Two peers on one endpoint are fine (MetalLB allows them) only if no node can
            // match both: a node would otherwise open two sessions to the same router.
            let endpoint = Endpoint(address: address, port: port, source: raw.sourceAddress)
            let selectors = CompiledSelectors(raw.nodeSelectors)
            var twin: Int?
            for i in byEndpoint[endpoint] ?? [] {
                guard let overlap = outSelectors[i].mayOverlap(selectors, work: &work) else {
                    if !workReported {
                        workReported = true
                        diagnostics.add(ConfigError(
                            path: raw.path, value: nil,
                            expected: "too many peers share this peer-address and peer-port to check that their "
                                + "node-selectors never select the same node", line: raw.line))
                    }
                    break
                }
                if overlap {
                    twin = i
                    break
                }
            }
            if let twin {
                diagnostics.add(ConfigError(
                    path: raw.path, value: nil,
                    expected: "duplicate of \(outPaths[twin]): same peer-address, peer-port and source-address, "
                        + "and node-selectors that can select the same node; give the two disjoint node-selectors",
                    line: raw.line))
                continue
            }
            let text = address.family == .ipv4 ? "\(address):\(port)" : "[\(address)]:\(port)"
            var name = raw.name?.value ?? text
            if let holder = nameHolders[name] {
                if let given = raw.name {
                    // A given name may not take another peer's default name either.
                    if !nameClash { report(given, "duplicate peer name; \(holder) already has it") }
                    continue
                }
                // Default names of peers sharing an endpoint must still differ.
                name += "#\(index)"
            }
            nameHolders[name] = raw.path
            byEndpoint[endpoint, default: []].append(out.count)
            outPaths.append(raw.path)
            outSelectors.append(selectors)
            out.append(BGPPeer(
                name: name, peerAddress: address, peerASN: peerASN, myASN: myASN, peerPort: port, holdTime: hold,
                keepaliveTime: raw.keepaliveTime?.value ?? hold / 3, routerID: raw.routerID,
                sourceAddress: raw.sourceAddress, password: raw.password, ebgpMultihop: raw.ebgpMultihop?.value ?? false,
                bfdProfile: raw.bfdProfile?.value, nodeSelectors: raw.nodeSelectors))
        }
        return out
    }

    private func report<V>(_ at: RawConfig.Located<V>, _ expected: String) {
        diagnostics.add(ConfigError(path: at.path, value: at.shown, expected: expected, line: at.line))
    }
}
