/// Applies the rules that relate values to each other and fills in defaults, turning a
/// `RawConfig` into the validated `Config`: pool names are unique, no address belongs to two
/// pool entries, advertisements only on bgp pools and never aggregating past a pool entry,
/// communities resolve, BFD profile names are unique. Peers are `PeerValidator`'s.
struct ConfigValidator {
    let diagnostics: ConfigDiagnostics

    func validate(_ raw: RawConfig) -> Config {
        var config = Config()
        var aliases: [String: CommunityValue] = [:]
        for (name, value) in raw.communityAliases {
            aliases[name.value] = value
            switch value {
            case .standard(let c): config.communityAliases[name.value] = c
            case .large(let c): config.largeCommunityAliases[name.value] = c
            }
        }
        config.bfdProfiles = validateBFDProfiles(raw.bfdProfiles)
        config.peers = PeerValidator(diagnostics: diagnostics)
            .validate(raw.peers, bfdProfiles: Set(config.bfdProfiles.map(\.name)))
        config.pools = validatePools(raw.pools, aliases: aliases, brokenAliases: raw.brokenAliases)
        return config
    }

    // MARK: Pools

    private func validatePools(
        _ pools: [RawConfig.Pool], aliases: [String: CommunityValue], brokenAliases: Set<String>
    ) -> [AddressPool] {
        var out: [AddressPool] = []
        var firstWithName: [String: String] = [:]
        for pool in pools {
            if let name = pool.name {
                if let first = firstWithName[name.value] {
                    report(name, "duplicate pool name; \(first) already has it")
                } else {
                    firstWithName[name.value] = pool.path
                }
            }
            var ads: [BGPAdvertisement] = []
            switch pool.proto {
            case .layer2?:
                if let given = pool.advertisements {
                    diagnostics.add(ConfigError(
                        path: given.path, value: nil,
                        expected: "bgp-advertisements are only for bgp pools; this pool's protocol is layer2",
                        line: given.line))
                }
            case .bgp?:
                if let given = pool.interfaces {
                    diagnostics.add(ConfigError(
                        path: given.path, value: nil,
                        expected: "interfaces are only for layer2 pools; this pool's protocol is bgp", line: given.line))
                }
                let needed = aggregationNeeded(pool)
                for ad in pool.advertisements?.value ?? [] {
                    checkAggregation(ad, needed: needed, pool: pool)
                    ads.append(advertisement(ad, aliases: aliases, brokenAliases: brokenAliases))
                }
            case nil:
                break
            }
            guard let name = pool.name, let proto = pool.proto else { continue }
            out.append(AddressPool(
                name: name.value, protocol: proto, ranges: pool.addresses.map(\.value),
                autoAssign: pool.autoAssign ?? true, avoidBuggyIPs: pool.avoidBuggyIPs ?? false,
                bgpAdvertisements: ads, interfaces: pool.interfaces?.value ?? [], nodeSelectors: pool.nodeSelectors,
                namespaces: pool.namespaces))
        }
        checkOverlaps(pools)
        return out
    }

    /// MetalLB's rule: an advertisement may not aggregate past a pool entry. For each entry, take
    /// the CIDRs that cover it; the aggregation length of its family must be at least the
    /// shortest of their prefix lengths (a /24 pool cannot be advertised as a /16: the route
    /// would draw traffic for addresses that are not the pool's). Per family: the least
    /// aggregation length the pool allows, and the entry that sets it.
    private func aggregationNeeded(_ pool: RawConfig.Pool) -> [IPFamily: (length: Int, entry: RawConfig.Located<IPRange>)] {
        var needed: [IPFamily: (length: Int, entry: RawConfig.Located<IPRange>)] = [:]
        for entry in pool.addresses {
            guard let shortest = entry.value.prefixes.map(\.length).min() else { continue }
            if shortest > (needed[entry.value.family]?.length ?? -1) { needed[entry.value.family] = (shortest, entry) }
        }
        return needed
    }

    private func checkAggregation(
        _ ad: RawConfig.Advertisement, needed: [IPFamily: (length: Int, entry: RawConfig.Located<IPRange>)],
        pool: RawConfig.Pool
    ) {
        for family in IPFamily.allCases {
            // Absent means the default (32 or 128), which fits every entry.
            guard let given = family == .ipv4 ? ad.aggregationLength : ad.aggregationLengthV6,
                let worst = needed[family], worst.length > given.value
            else { continue }
            report(
                given,
                "aggregation length \(given.value) is shorter than the /\(worst.length) prefix of "
                    + "\(relative(worst.entry.path, to: pool.path)) \"\(worst.entry.shown)\"; "
                    + "it must be at least \(worst.length) so the route covers only this pool's addresses")
        }
    }

    private func advertisement(
        _ ad: RawConfig.Advertisement, aliases: [String: CommunityValue], brokenAliases: Set<String>
    ) -> BGPAdvertisement {
        var seenStandard = Set<BGPCommunity>()
        var seenLarge = Set<BGPLargeCommunity>()
        var out = BGPAdvertisement(
            aggregationLength: ad.aggregationLength?.value ?? 32, aggregationLengthV6: ad.aggregationLengthV6?.value ?? 128,
            localPref: ad.localPref)
        for c in ad.communities {
            let value: CommunityValue
            if let v = aliases[c.value] {
                value = v
            } else if brokenAliases.contains(c.value) {
                continue  // the alias's own error says it all
            } else {
                switch CommunityValue.parse(c.value) {
                case .success(let v):
                    value = v
                case .failure(let e):
                    if c.value.contains(":") {
                        report(c, e.reason)
                    } else {
                        let known = aliases.keys.sorted()
                        report(
                            c,
                            "not a bgp-communities alias nor a community; expected "
                                + (known.isEmpty ? "" : "one of the aliases \(known.joined(separator: ", ")) or ")
                                + CommunityValue.syntax)
                    }
                    continue
                }
            }
            switch value {
            case .standard(let s): if seenStandard.insert(s).inserted { out.communities.append(s) }
            case .large(let l): if seenLarge.insert(l).inserted { out.largeCommunities.append(l) }
            }
        }
        return out
    }

    /// No address may belong to two pool entries, in one pool or across pools (MetalLB's rule:
    /// an IP's pool must be unambiguous). Sorted sweep: O(n log n) in the number of entries.
    private func checkOverlaps(_ pools: [RawConfig.Pool]) {
        struct Entry {
            var order: Int
            var pool: RawConfig.Pool
            var address: RawConfig.Located<IPRange>
        }
        var entries: [Entry] = []
        for pool in pools {
            for a in pool.addresses { entries.append(Entry(order: entries.count, pool: pool, address: a)) }
        }
        entries.sort { a, b in
            a.address.value.first != b.address.value.first
                ? a.address.value.first < b.address.value.first : a.order < b.order
        }
        var reach: Entry?  // the entry reaching furthest so far, in the current family
        for e in entries {
            if let r = reach, r.address.value.family == e.address.value.family,
                r.address.value.last.value >= e.address.value.first.value
            {
                let (later, earlier) = e.order > r.order ? (e, r) : (r, e)
                let whereEarlier =
                    earlier.pool.path == later.pool.path
                    ? "\(relative(earlier.address.path, to: earlier.pool.path)) of the same pool"
                    : "\(earlier.address.path)" + (earlier.pool.name.map { " in pool \"\($0.value)\"" } ?? "")
                report(
                    later.address,
                    "overlaps \"\(earlier.address.shown)\" (\(whereEarlier)); an address may belong to one pool entry only")
                if e.address.value.last.value > r.address.value.last.value { reach = e }
            } else {
                reach = e
            }
        }
    }

    // MARK: BFD profiles

    private func validateBFDProfiles(_ entries: [RawConfig.BFDProfileEntry]) -> [BFDProfile] {
        var out: [BFDProfile] = []
        var firstAt: [String: String] = [:]
        for entry in entries {
            guard let name = entry.name else { continue }
            if let first = firstAt[name.value] {
                report(name, "duplicate bfd profile name; \(first) already has it")
                continue
            }
            firstAt[name.value] = String(name.path.dropLast(".name".count))
            out.append(entry.profile)
        }
        return out
    }

    // MARK: Helpers

    func report<V>(_ at: RawConfig.Located<V>, _ expected: String) {
        diagnostics.add(ConfigError(path: at.path, value: at.shown, expected: expected, line: at.line))
    }

    /// `addresses[0]` for `address-pools[1].addresses[0]` relative to `address-pools[1]`.
    private func relative(_ path: String, to parent: String) -> String {
        path.hasPrefix(parent + ".") ? String(path.dropFirst(parent.count + 1)) : path
    }
}
