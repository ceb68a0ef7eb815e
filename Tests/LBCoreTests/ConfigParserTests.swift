import Testing

@testable import LBCore

/// One config the parser must refuse, with the path of (at least) one error it must report and a
/// fragment of that error's message.
struct RefusedConfig: Sendable, CustomTestStringConvertible {
    let rule: String
    let yaml: String
    let path: String
    let fragment: String

    var testDescription: String { rule }
}

/// A valid peer followed by `extra` lines (two-space indented keys of the same peer).
private func peer(_ extra: String = "", address: String = "10.0.0.1", asn: String = "64501", myASN: String = "64500")
    -> String
{
    """
    peers:
    - peer-address: \(address)
      peer-asn: \(asn)
      my-asn: \(myASN)
    \(extra.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
    """
}

/// A valid pool followed by `extra` lines.
private func pool(_ extra: String = "", protocol proto: String = "bgp", addresses: String = "[192.0.2.0/24]") -> String {
    """
    address-pools:
    - name: p
      protocol: \(proto)
      addresses: \(addresses)
    \(extra.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
    """
}

private func parse(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> Config? {
    do {
        return try ConfigParser.parse(yaml)
    } catch {
        Issue.record("refused:\n\(error)", sourceLocation: sourceLocation)
        return nil
    }
}

private func errors(_ yaml: String) -> [ConfigError] {
    do {
        _ = try ConfigParser.parse(yaml)
        return []
    } catch {
        return error.errors
    }
}

@Suite struct ConfigParserTests {
    // MARK: Refused, one case per rule at least

    static let refused: [RefusedConfig] = [
        // Addresses
        .init(rule: "overlap within a pool", yaml: pool(addresses: "[192.0.2.0/24, 192.0.2.128-192.0.2.130]"),
              path: "address-pools[0].addresses[1]", fragment: "overlaps \"192.0.2.0/24\" (addresses[0] of the same pool)"),
        .init(rule: "overlap across pools names both", yaml: """
            address-pools:
            - {name: a, protocol: layer2, addresses: [192.0.2.0/25]}
            - {name: b, protocol: layer2, addresses: [192.0.2.100-192.0.2.200]}
            """, path: "address-pools[1].addresses[0]", fragment: "address-pools[0].addresses[0] in pool \"a\""),
        .init(rule: "overlap across families is not an overlap, but the same IPv6 twice is", yaml: """
            address-pools:
            - {name: a, protocol: layer2, addresses: [192.0.2.0/24, "2001:db8::/64"]}
            - {name: b, protocol: layer2, addresses: ["2001:db8::1-2001:db8::2"]}
            """, path: "address-pools[1].addresses[0]", fragment: "overlaps \"2001:db8::/64\""),
        .init(rule: "prefix length too long", yaml: pool(addresses: "[10.0.0.0/33]"),
              path: "address-pools[0].addresses[0]", fragment: "must be a number 0-32 for IPv4"),
        .init(rule: "not an address", yaml: pool(addresses: "[not-an-ip]"),
              path: "address-pools[0].addresses[0]", fragment: "expected a CIDR"),
        .init(rule: "reversed range", yaml: pool(addresses: "[192.0.2.9-192.0.2.1]"),
              path: "address-pools[0].addresses[0]", fragment: "after its end"),
        .init(rule: "pool with no addresses", yaml: pool(addresses: "[]"),
              path: "address-pools[0].addresses", fragment: "needs at least one address"),
        .init(rule: "addresses not a list", yaml: pool(addresses: "192.0.2.0/24"),
              path: "address-pools[0].addresses", fragment: "expected a list, got a string"),
        // Pools
        .init(rule: "duplicate pool names", yaml: """
            address-pools:
            - {name: a, protocol: layer2, addresses: [192.0.2.0/28]}
            - {name: a, protocol: layer2, addresses: [192.0.2.16/28]}
            """, path: "address-pools[1].name", fragment: "duplicate pool name; address-pools[0] already has it"),
        .init(rule: "missing pool name", yaml: "address-pools:\n- {protocol: layer2, addresses: [192.0.2.0/28]}",
              path: "address-pools[0].name", fragment: "missing"),
        .init(rule: "empty pool name", yaml: "address-pools:\n- {name: '', protocol: layer2, addresses: [192.0.2.0/28]}",
              path: "address-pools[0].name", fragment: "got an empty string"),
        .init(rule: "missing protocol", yaml: "address-pools:\n- {name: a, addresses: [192.0.2.0/28]}",
              path: "address-pools[0].protocol", fragment: "missing: expected layer2 or bgp"),
        .init(rule: "missing addresses", yaml: "address-pools:\n- {name: a, protocol: bgp}",
              path: "address-pools[0].addresses", fragment: "missing"),
        .init(rule: "unknown protocol", yaml: pool(protocol: "layer3"),
              path: "address-pools[0].protocol", fragment: "unknown protocol"),
        .init(rule: "layer2 pool with bgp-advertisements", yaml: pool("bgp-advertisements: [{}]", protocol: "layer2"),
              path: "address-pools[0].bgp-advertisements", fragment: "only for bgp pools"),
        .init(rule: "auto-assign not a bool", yaml: pool("auto-assign: maybe"),
              path: "address-pools[0].auto-assign", fragment: "expected true or false"),
        .init(rule: "quoted bool is a string", yaml: pool("avoid-buggy-ips: \"true\""),
              path: "address-pools[0].avoid-buggy-ips", fragment: "got a quoted string"),
        .init(rule: "interfaces on a bgp pool", yaml: pool("interfaces: [eth0]"),
              path: "address-pools[0].interfaces", fragment: "only for layer2 pools"),
        .init(rule: "interface name too long", yaml: pool("interfaces: [averyveryverylongname]", protocol: "layer2"),
              path: "address-pools[0].interfaces[0]", fragment: "at most 15 bytes"),
        .init(rule: "interface name with a slash", yaml: pool("interfaces: [eth/0]", protocol: "layer2"),
              path: "address-pools[0].interfaces[0]", fragment: "may not contain"),
        .init(rule: "namespace not a DNS label", yaml: pool("namespaces: [Payments]"),
              path: "address-pools[0].namespaces[0]", fragment: "lowercase"),
        .init(rule: "pool node-selectors checked", yaml: pool("node-selectors: [{match-labels: {zone: 'a b'}}]"),
              path: "address-pools[0].node-selectors[0].match-labels.zone", fragment: "label value"),
        // Advertisements
        .init(rule: "aggregation-length over 32", yaml: pool("bgp-advertisements: [{aggregation-length: 33}]"),
              path: "address-pools[0].bgp-advertisements[0].aggregation-length", fragment: "must be an IPv4 prefix length 0-32"),
        .init(rule: "aggregation-length negative", yaml: pool("bgp-advertisements: [{aggregation-length: -1}]"),
              path: "address-pools[0].bgp-advertisements[0].aggregation-length", fragment: "0-32"),
        .init(rule: "aggregation-length-v6 over 128", yaml: pool("bgp-advertisements: [{aggregation-length-v6: 129}]"),
              path: "address-pools[0].bgp-advertisements[0].aggregation-length-v6", fragment: "0-128"),
        .init(rule: "aggregation shorter than the pool's prefix",
              yaml: pool("bgp-advertisements: [{aggregation-length: 16}]", addresses: "[10.0.0.0/24]"),
              path: "address-pools[0].bgp-advertisements[0].aggregation-length",
              fragment: "shorter than the /24 prefix of addresses[0] \"10.0.0.0/24\"; it must be at least 24"),
        .init(rule: "aggregation shorter than a range's covering CIDRs",
              yaml: pool("bgp-advertisements: [{aggregation-length: 29}]", addresses: "[192.0.2.1-192.0.2.10]"),
              path: "address-pools[0].bgp-advertisements[0].aggregation-length", fragment: "at least 30"),
        .init(rule: "v6 aggregation shorter than the pool's prefix",
              yaml: pool("bgp-advertisements: [{aggregation-length-v6: 48}]", addresses: "[\"2001:db8::/64\"]"),
              path: "address-pools[0].bgp-advertisements[0].aggregation-length-v6", fragment: "at least 64"),
        .init(rule: "localpref over UInt32", yaml: pool("bgp-advertisements: [{localpref: 4294967296}]"),
              path: "address-pools[0].bgp-advertisements[0].localpref", fragment: "0-4294967295"),
        .init(rule: "community half over 65535", yaml: pool("bgp-advertisements: [{communities: [\"65536:1\"]}]"),
              path: "address-pools[0].bgp-advertisements[0].communities[0]", fragment: "\"65536\" must be a number 0-65535"),
        .init(rule: "community with three parts", yaml: pool("bgp-advertisements: [{communities: [\"1:2:3\"]}]"),
              path: "address-pools[0].bgp-advertisements[0].communities[0]", fragment: "expected a community"),
        .init(rule: "community not numeric", yaml: pool("bgp-advertisements: [{communities: [\"a:b\"]}]"),
              path: "address-pools[0].bgp-advertisements[0].communities[0]", fragment: "must be a number 0-65535"),
        .init(rule: "large community part too large",
              yaml: pool("bgp-advertisements: [{communities: [\"large:4294967296:1:1\"]}]"),
              path: "address-pools[0].bgp-advertisements[0].communities[0]", fragment: "GLOBAL"),
        .init(rule: "unknown community alias", yaml: "bgp-communities: {no-export: \"65535:65281\"}\n"
              + pool("bgp-advertisements: [{communities: [no-advertise]}]"),
              path: "address-pools[0].bgp-advertisements[0].communities[0]",
              fragment: "not a bgp-communities alias nor a community; expected one of the aliases no-export"),
        .init(rule: "malformed alias value", yaml: "bgp-communities:\n  bad: 65535-1",
              path: "bgp-communities.bad", fragment: "expected a community"),
        .init(rule: "unknown advertisement key", yaml: pool("bgp-advertisements: [{aggregation_length: 24}]"),
              path: "address-pools[0].bgp-advertisements[0].aggregation_length", fragment: "did you mean \"aggregation-length\""),
        // Peers
        .init(rule: "missing peer-address", yaml: "peers:\n- {peer-asn: 1, my-asn: 2}",
              path: "peers[0].peer-address", fragment: "missing"),
        .init(rule: "missing peer-asn", yaml: "peers:\n- {peer-address: 10.0.0.1, my-asn: 2}",
              path: "peers[0].peer-asn", fragment: "missing: expected an AS number"),
        .init(rule: "missing my-asn", yaml: "peers:\n- {peer-address: 10.0.0.1, peer-asn: 2}",
              path: "peers[0].my-asn", fragment: "missing"),
        .init(rule: "ASN zero", yaml: peer(asn: "0"), path: "peers[0].peer-asn", fragment: "must be an AS number 1-4294967295"),
        .init(rule: "ASN negative", yaml: peer(myASN: "-5"), path: "peers[0].my-asn", fragment: "1-4294967295"),
        .init(rule: "ASN too large", yaml: peer(asn: "4294967296"), path: "peers[0].peer-asn", fragment: "1-4294967295"),
        .init(rule: "ASN huge", yaml: peer(asn: "99999999999999999999999999"), path: "peers[0].peer-asn", fragment: "1-4294967295"),
        .init(rule: "ASN not an integer", yaml: peer(asn: "645.01"), path: "peers[0].peer-asn", fragment: "got a string"),
        .init(rule: "ASN quoted", yaml: peer(asn: "\"64501\""), path: "peers[0].peer-asn", fragment: "got a quoted string"),
        .init(rule: "ASN a list", yaml: peer(asn: "[1]"), path: "peers[0].peer-asn", fragment: "got a list"),
        .init(rule: "peer address not an IP", yaml: peer(address: "router.example"), path: "peers[0].peer-address",
              fragment: "not an IPv4 address"),
        .init(rule: "peer-port 0", yaml: peer("peer-port: 0"), path: "peers[0].peer-port", fragment: "a TCP port 1-65535"),
        .init(rule: "peer-port too large", yaml: peer("peer-port: 65536"), path: "peers[0].peer-port", fragment: "1-65535"),
        .init(rule: "hold-time under 3s", yaml: peer("hold-time: 2s"), path: "peers[0].hold-time", fragment: "0 or at least 3s"),
        .init(rule: "hold-time rounding to zero", yaml: peer("hold-time: 500ms"), path: "peers[0].hold-time",
              fragment: "rounds down to 0s"),
        .init(rule: "hold-time negative", yaml: peer("hold-time: -90s"), path: "peers[0].hold-time", fragment: "negative"),
        .init(rule: "hold-time without unit", yaml: peer("hold-time: 90"), path: "peers[0].hold-time", fragment: "missing unit"),
        .init(rule: "hold-time unknown unit", yaml: peer("hold-time: 90sec"), path: "peers[0].hold-time", fragment: "unknown unit \"sec\""),
        .init(rule: "hold-time garbage", yaml: peer("hold-time: soon"), path: "peers[0].hold-time", fragment: "not a duration"),
        .init(rule: "hold-time beyond 16 bits", yaml: peer("hold-time: 24h"), path: "peers[0].hold-time", fragment: "at most 65535s"),
        .init(rule: "keepalive longer than hold", yaml: peer("hold-time: 30s\nkeepalive-time: 31s"),
              path: "peers[0].keepalive-time", fragment: "must not be longer than hold-time (30s)"),
        .init(rule: "keepalive longer than default hold", yaml: peer("keepalive-time: 2m"),
              path: "peers[0].keepalive-time", fragment: "(90s)"),
        .init(rule: "router-id IPv6", yaml: peer("router-id: \"2001:db8::1\""), path: "peers[0].router-id",
              fragment: "must be an IPv4 address"),
        .init(rule: "router-id garbage", yaml: peer("router-id: abc"), path: "peers[0].router-id", fragment: "IPv4"),
        .init(rule: "source-address garbage", yaml: peer("source-address: 10.0.0"), path: "peers[0].source-address",
              fragment: "four decimal octets"),
        .init(rule: "ebgp-multihop on iBGP", yaml: peer("ebgp-multihop: true", asn: "64500"),
              path: "peers[0].ebgp-multihop", fragment: "this peer is iBGP"),
        .init(rule: "password too long", yaml: peer("password: " + String(repeating: "x", count: 81)),
              path: "peers[0].password", fragment: "at most 80 bytes"),
        .init(rule: "unknown bfd-profile", yaml: "bfd-profiles: [{name: fast}]\n" + peer("bfd-profile: slow"),
              path: "peers[0].bfd-profile", fragment: "no bfd-profiles entry has this name; known: fast"),
        .init(rule: "duplicate peer names", yaml: """
            peers:
            - {name: tor, peer-address: 10.0.0.1, peer-asn: 1, my-asn: 2}
            - {name: tor, peer-address: 10.0.0.2, peer-asn: 1, my-asn: 2}
            """, path: "peers[1].name", fragment: "duplicate peer name; peers[0] already has it"),
        .init(rule: "duplicate peer endpoints", yaml: """
            peers:
            - {peer-address: 10.0.0.1, peer-asn: 1, my-asn: 2}
            - {peer-address: 10.0.0.1, peer-asn: 3, my-asn: 2, hold-time: 30s}
            """, path: "peers[1]", fragment: "duplicate of peers[0]"),
        .init(rule: "duplicate peer endpoints with overlapping selectors", yaml: """
            peers:
            - {peer-address: 10.0.0.1, peer-asn: 1, my-asn: 2, node-selectors: [{match-labels: {rack: a}}]}
            - {peer-address: 10.0.0.1, peer-asn: 1, my-asn: 2, node-selectors: [{match-labels: {zone: z}}]}
            """, path: "peers[1]", fragment: "can select the same node"),
        .init(rule: "empty peer name", yaml: peer("name: \"\""), path: "peers[0].name", fragment: "empty"),
        .init(rule: "unknown peer key", yaml: peer("peer-as: 1"), path: "peers[0].peer-as", fragment: "unknown key"),
        // Selectors
        .init(rule: "bad operator", yaml: peer("node-selectors: [{match-expressions: [{key: a, operator: in, values: [b]}]}]"),
              path: "peers[0].node-selectors[0].match-expressions[0].operator", fragment: "unknown operator"),
        .init(rule: "In without values", yaml: peer("node-selectors: [{match-expressions: [{key: a, operator: In}]}]"),
              path: "peers[0].node-selectors[0].match-expressions[0]", fragment: "In needs at least one value"),
        .init(rule: "NotIn with empty values", yaml: peer("node-selectors: [{match-expressions: [{key: a, operator: NotIn, values: []}]}]"),
              path: "peers[0].node-selectors[0].match-expressions[0].values", fragment: "NotIn needs at least one value"),
        .init(rule: "Exists with values",
              yaml: peer("node-selectors: [{match-expressions: [{key: a, operator: Exists, values: [b]}]}]"),
              path: "peers[0].node-selectors[0].match-expressions[0].values", fragment: "takes no values"),
        .init(rule: "missing expression key", yaml: peer("node-selectors: [{match-expressions: [{operator: Exists}]}]"),
              path: "peers[0].node-selectors[0].match-expressions[0].key", fragment: "missing"),
        .init(rule: "invalid label key", yaml: peer("node-selectors: [{match-labels: {\"-rack\": a}}]"),
              path: "peers[0].node-selectors[0].match-labels[\"-rack\"]", fragment: "must start and end"),
        .init(rule: "invalid label key prefix", yaml: peer("node-selectors: [{match-labels: {\"Example.com/rack\": a}}]"),
              path: "peers[0].node-selectors[0].match-labels[\"Example.com/rack\"]", fragment: "prefix"),
        .init(rule: "invalid label value", yaml: peer("node-selectors: [{match-labels: {rack: \"a/b\"}}]"),
              path: "peers[0].node-selectors[0].match-labels.rack", fragment: "label value may contain only"),
        .init(rule: "label value too long",
              yaml: peer("node-selectors: [{match-expressions: [{key: a, operator: In, values: [\(String(repeating: "v", count: 64))]}]}]"),
              path: "peers[0].node-selectors[0].match-expressions[0].values[0]", fragment: "at most 63"),
        .init(rule: "unknown selector key", yaml: peer("node-selectors: [{matchLabels: {a: b}}]"),
              path: "peers[0].node-selectors[0].matchLabels", fragment: "allowed keys here: match-labels, match-expressions"),
        // BFD profiles
        .init(rule: "duplicate bfd profile", yaml: "bfd-profiles: [{name: a}, {name: a}]",
              path: "bfd-profiles[1].name", fragment: "duplicate bfd profile name; bfd-profiles[0] already has it"),
        .init(rule: "bfd interval out of range", yaml: "bfd-profiles: [{name: a, receive-interval: 5}]",
              path: "bfd-profiles[0].receive-interval", fragment: "10-60000"),
        .init(rule: "bfd multiplier out of range", yaml: "bfd-profiles: [{name: a, detect-multiplier: 1}]",
              path: "bfd-profiles[0].detect-multiplier", fragment: "2-255"),
        .init(rule: "bfd minimum-ttl out of range", yaml: "bfd-profiles: [{name: a, minimum-ttl: 255}]",
              path: "bfd-profiles[0].minimum-ttl", fragment: "1-254"),
        .init(rule: "bfd profile without name", yaml: "bfd-profiles: [{echo-mode: true}]",
              path: "bfd-profiles[0].name", fragment: "missing"),
        // Document shape
        .init(rule: "unknown top-level key", yaml: "address-pool: []", path: "address-pool",
              fragment: "did you mean \"address-pools\"?); allowed keys here: peers, bgp-communities, address-pools, bfd-profiles"),
        .init(rule: "top level not a mapping", yaml: "- a\n- b", path: "", fragment: "expected a mapping with the keys"),
        .init(rule: "peers not a list", yaml: "peers: {peer-address: 10.0.0.1}", path: "peers", fragment: "expected a list, got a mapping"),
        .init(rule: "pool entry not a mapping", yaml: "address-pools: [default]", path: "address-pools[0]",
              fragment: "expected a mapping, got a string"),
        .init(rule: "YAML syntax error", yaml: "address-pools: [", path: "", fragment: "YAML syntax error"),
        .init(rule: "duplicate keys", yaml: "peers: []\npeers: []", path: "", fragment: "duplicate keys in one mapping: \"peers\""),
        .init(rule: "tab indentation", yaml: "peers:\n\t- a", path: "", fragment: "YAML syntax error"),
    ]

    @Test(arguments: refused)
    func refuses(_ c: RefusedConfig) {
        let found = errors(c.yaml)
        #expect(!found.isEmpty, "accepted:\n\(c.yaml)")
        let match = found.first { $0.path == c.path && $0.description.contains(c.fragment) }
        #expect(match != nil, "no error at \(c.path) containing \(c.fragment); got:\n\(ConfigErrors(found))")
    }

    @Test func reportsEveryErrorNotJustTheFirst() {
        let found = errors("""
            peers:
            - {peer-address: 10.0.0.300, peer-asn: 0, my-asn: 1, hold-time: 1s}
            address-pools:
            - {name: a, protocol: layer3, addresses: [10.0.0.0/33]}
            """)
        #expect(Set(found.map(\.path)) == [
            "peers[0].peer-address", "peers[0].peer-asn", "peers[0].hold-time", "address-pools[0].protocol",
            "address-pools[0].addresses[0]",
        ])
        #expect(found.allSatisfy { $0.line != nil })
    }

    @Test func errorDescriptionNamesPathValueAndExpectation() {
        let found = errors(pool(addresses: "[10.0.0.0/33]"))
        #expect(found.map(\.description) == [
            "address-pools[0].addresses[0]: \"10.0.0.0/33\": prefix length \"33\" must be a number 0-32 for IPv4 (line 4)"
        ])
        #expect(found.first?.value == "10.0.0.0/33")
    }

    @Test func errorsComeInDocumentOrder() {
        let found = errors("""
            address-pools:
            - {name: a, protocol: layer2, addresses: [192.0.2.0/24]}
            - {name: a, protocol: layer2, addresses: [192.0.2.0/24]}
            peers:
            - {peer-address: x, peer-asn: 1, my-asn: 2}
            """)
        let lines = found.compactMap(\.line)
        #expect(lines == lines.sorted())
        #expect(found.count == 3)
    }
}
