/// Reads the YAML tree of a config into a `RawConfig`: every key checked against the schema,
/// every value read and checked on its own. Rules between values are `ConfigValidator`'s.
enum RawConfigReader {
    static let topKeys = ["peers", "bgp-communities", "address-pools", "bfd-profiles"]
    /// MetalLB v0.12's pool keys, then IronLB's extensions (`interfaces`, `node-selectors`,
    /// `namespaces`).
    static let poolKeys = [
        "name", "protocol", "addresses", "auto-assign", "avoid-buggy-ips", "bgp-advertisements",
        "interfaces", "node-selectors", "namespaces",
    ]
    static let advertisementKeys = ["aggregation-length", "aggregation-length-v6", "localpref", "communities"]
    static let bfdKeys = [
        "name", "receive-interval", "transmit-interval", "detect-multiplier", "echo-interval", "echo-mode",
        "passive-mode", "minimum-ttl",
    ]

    static func read(_ root: ConfigNode) -> RawConfig {
        var raw = RawConfig()
        if root.isNull { return raw }
        guard case .mapping = root.node else {
            root.report(
                "expected a mapping with the keys " + topKeys.joined(separator: ", ") + ", got \(root.kindName)",
                value: .some(root.shownValue))
            return raw
        }
        guard let top = root.mapping(allowed: topKeys) else { return raw }
        if let node = top["bgp-communities"] { readCommunityAliases(node, into: &raw) }
        if let node = top["bfd-profiles"], let items = node.sequence() {
            raw.bfdProfiles = items.compactMap(readBFDProfile)
        }
        if let node = top["peers"], let items = node.sequence() {
            raw.peers = items.compactMap(RawPeerReader.read)
        }
        if let node = top["address-pools"], let items = node.sequence() {
            raw.pools = items.compactMap(readPool)
        }
        return raw
    }

    // MARK: Pools

    static func readPool(_ node: ConfigNode) -> RawConfig.Pool? {
        guard let e = node.mapping(allowed: poolKeys) else { return nil }
        var pool = RawConfig.Pool(path: node.path, line: node.line)
        if let n = e.required("name", "a pool name"), let name = nonEmptyString(n, "a pool name") {
            pool.name = located(name, n)
        }
        if let p = e.required("protocol", "layer2 or bgp"), let text = p.string() {
            if let proto = PoolProtocol(rawValue: text) {
                pool.proto = proto
            } else {
                p.report("unknown protocol; expected layer2 or bgp")
            }
        }
        if let a = e.required("addresses", "a list of CIDRs (192.0.2.0/24) or ranges (192.0.2.10-192.0.2.20)"),
            let items = a.strings()
        {
            if case .sequence(let list) = a.node, list.isEmpty {
                a.report(
                    "a pool needs at least one address: a CIDR (192.0.2.0/24) or a range (192.0.2.10-192.0.2.20)",
                    value: .some(nil))
            }
            for (text, item) in items {
                do {
                    pool.addresses.append(located(try IPRange.parse(text), item))
                } catch {
                    item.report(error.reason)
                }
            }
        }
        if let b = e["auto-assign"] { pool.autoAssign = b.bool() }
        if let b = e["avoid-buggy-ips"] { pool.avoidBuggyIPs = b.bool() }
        if let ads = e["bgp-advertisements"], let items = ads.sequence() {
            pool.advertisements = RawConfig.Located(
                value: items.compactMap(readAdvertisement), path: ads.path, line: ads.line, shown: "")
        }
        if let list = e["interfaces"], let items = list.strings() {
            var names: [String] = []
            for (name, item) in items {
                if let problem = NameSyntax.interfaceNameProblem(name) { item.report(problem) } else { names.append(name) }
            }
            pool.interfaces = RawConfig.Located(value: names, path: list.path, line: list.line, shown: "")
        }
        if let sel = e["node-selectors"] { pool.nodeSelectors = LabelSelectorReader.read(sel) }
        if let list = e["namespaces"], let items = list.strings() {
            var seen = Set<String>()
            for (name, item) in items {
                if let problem = NameSyntax.dnsLabelProblem(name) {
                    item.report("a namespace name \(problem)")
                } else if seen.insert(name).inserted {
                    pool.namespaces.append(name)
                }
            }
        }
        return pool
    }

    static func readAdvertisement(_ node: ConfigNode) -> RawConfig.Advertisement? {
        guard let e = node.mapping(allowed: advertisementKeys) else { return nil }
        var ad = RawConfig.Advertisement(path: node.path, line: node.line)
        if let n = e["aggregation-length"], let v = n.integer(0...32, "an IPv4 prefix length 0-32") {
            ad.aggregationLength = located(Int(v), n)
        }
        if let n = e["aggregation-length-v6"], let v = n.integer(0...128, "an IPv6 prefix length 0-128") {
            ad.aggregationLengthV6 = located(Int(v), n)
        }
        if let n = e["localpref"], let v = n.integer(0...Int64(UInt32.max), "a LOCAL_PREF value 0-4294967295") {
            ad.localPref = UInt32(v)
        }
        if let list = e["communities"], let items = list.strings() {
            ad.communities = items.map { located($0.0, $0.1) }
        }
        return ad
    }

    // MARK: Communities

    static func readCommunityAliases(_ node: ConfigNode, into raw: inout RawConfig) {
        guard let pairs = node.stringPairs() else { return }
        for (name, keyNode, value) in pairs {
            let v = node.child(name, value)
            let nameAt = RawConfig.Located(value: name, path: v.path, line: keyNode.mark?.line, shown: name)
            guard !v.isNull, let text = v.string() else {
                if v.isNull { v.reportType("a community (\(CommunityValue.syntax))") }
                raw.brokenAliases.insert(name)
                continue
            }
            switch CommunityValue.parse(text) {
            case .success(let c): raw.communityAliases.append((nameAt, c))
            case .failure(let e):
                v.report(e.reason)
                raw.brokenAliases.insert(name)
            }
        }
    }

    // MARK: BFD profiles

    static func readBFDProfile(_ node: ConfigNode) -> RawConfig.BFDProfileEntry? {
        guard let e = node.mapping(allowed: bfdKeys) else { return nil }
        var entry = RawConfig.BFDProfileEntry(profile: BFDProfile(name: ""))
        if let n = e.required("name", "a profile name"), let name = nonEmptyString(n, "a profile name") {
            entry.name = located(name, n)
            entry.profile.name = name
        }
        // The ranges MetalLB v0.12 enforces (they are FRR's).
        func interval(_ key: String) -> Int? {
            e[key]?.integer(10...60000, "an interval of 10-60000 milliseconds").map(Int.init)
        }
        entry.profile.receiveInterval = interval("receive-interval")
        entry.profile.transmitInterval = interval("transmit-interval")
        entry.profile.echoInterval = interval("echo-interval")
        entry.profile.detectMultiplier = e["detect-multiplier"]?.integer(2...255, "a multiplier 2-255").map(Int.init)
        entry.profile.minimumTTL = e["minimum-ttl"]?.integer(1...254, "a TTL 1-254").map(Int.init)
        entry.profile.echoMode = e["echo-mode"]?.bool()
        entry.profile.passiveMode = e["passive-mode"]?.bool()
        return entry
    }

    // MARK: Helpers

    static func located<V>(_ value: V, _ node: ConfigNode) -> RawConfig.Located<V> {
        RawConfig.Located(value: value, path: node.path, line: node.line, shown: node.shownValue ?? "")
    }

    /// A string that must not be empty (a name).
    static func nonEmptyString(_ node: ConfigNode, _ what: String) -> String? {
        guard let s = node.string() else { return nil }
        if s.isEmpty {
            node.report("expected \(what), got an empty string")
            return nil
        }
        return s
    }
}
