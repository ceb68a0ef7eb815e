import LBCore

/// The human summary `lbctl config validate` prints for a valid config.
enum ConfigSummary {
    static func lines(_ config: Config, source: String) -> [String] {
        var out = ["\(source): valid"]
        out.append("address pools: \(config.pools.count)")
        for pool in config.pools {
            var line = "  \(pool.name): protocol \(pool.protocol.rawValue), addresses "
            line += pool.ranges.map(\.description).joined(separator: ", ")
            let usable = pool.families.sorted().map { "\($0) \(pool.usableCount($0))" }
            line += "; usable " + usable.joined(separator: ", ")
            if !pool.autoAssign { line += "; auto-assign false" }
            if pool.avoidBuggyIPs { line += "; avoid-buggy-ips" }
            if !pool.bgpAdvertisements.isEmpty { line += "; \(count(pool.bgpAdvertisements.count, "bgp advertisement"))" }
            if !pool.interfaces.isEmpty { line += "; interfaces \(pool.interfaces.joined(separator: ", "))" }
            if !pool.nodeSelectors.isEmpty { line += "; \(count(pool.nodeSelectors.count, "node selector"))" }
            if !pool.namespaces.isEmpty { line += "; namespaces \(pool.namespaces.joined(separator: ", "))" }
            out.append(line)
        }
        out.append("peers: \(config.peers.count)")
        for peer in config.peers {
            var line = "  \(peer.name): address \(peer.peerAddress), port \(peer.peerPort), "
            line += "peer-asn \(peer.peerASN), my-asn \(peer.myASN) (\(peer.isIBGP ? "iBGP" : "eBGP")), "
            line += "hold time \(peer.holdTime)s, keepalive \(peer.keepaliveTime)s"
            if let s = peer.sourceAddress { line += ", source \(s)" }
            if let r = peer.routerID { line += ", router-id \(r)" }
            if peer.password != nil { line += ", TCP MD5 password" }
            if peer.ebgpMultihop { line += ", ebgp-multihop" }
            if let b = peer.bfdProfile { line += ", bfd-profile \(b)" }
            if !peer.nodeSelectors.isEmpty { line += ", \(count(peer.nodeSelectors.count, "node selector"))" }
            out.append(line)
        }
        let aliases = config.communityAliases.count + config.largeCommunityAliases.count
        if aliases > 0 { out.append("bgp-communities: \(count(aliases, "alias", plural: "aliases"))") }
        if !config.bfdProfiles.isEmpty {
            out.append("bfd-profiles: \(config.bfdProfiles.map(\.name).joined(separator: ", "))")
        }
        return out
    }

    private static func count(_ n: Int, _ singular: String, plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : (plural ?? singular + "s"))"
    }
}
