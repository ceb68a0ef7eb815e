import Foundation
import LBTestSupport
import Testing

@testable import LBCore

/// The parser never crashes, hangs or traps, whatever it is fed; every error it reports is
/// located (a path) or is a document-level error with a message.
@Suite struct ConfigFuzzTests {
    static let seeds: [String] = [
        """
        bfd-profiles:
        - name: full1
          receive-interval: 179
          echo-mode: false
        peers:
        - peer-address: 10.0.0.1
          peer-asn: 64501
          my-asn: 64500
          hold-time: 1m30s
          keepalive-time: 30s
          bfd-profile: full1
          node-selectors:
          - match-labels:
              rack: frontend
            match-expressions:
            - key: network-speed
              operator: NotIn
              values: [slow]
        bgp-communities:
          no-advertise: 65535:65282
          big: large:1:2:3
        address-pools:
        - name: default
          protocol: layer2
          addresses:
          - 192.168.1.240-192.168.1.250
          - 2001:db8::/64
          interfaces: [eth0]
          namespaces: [default]
        - name: bgp
          protocol: bgp
          addresses: [198.51.100.0/24]
          auto-assign: false
          avoid-buggy-ips: true
          bgp-advertisements:
          - aggregation-length: 32
            localpref: 100
            communities: [no-advertise, "1:2", big]
          - aggregation-length: 24
        """,
        """
        peers: [{peer-address: "2001:db8::1", peer-asn: 1, my-asn: 2, ebgp-multihop: true, router-id: 1.2.3.4}]
        address-pools: [{name: a, protocol: bgp, addresses: ["2001:db8:1::/120"], bgp-advertisements: [{aggregation-length-v6: 120}]}]
        """,
    ]

    static let tokens: [String] = [
        "peers", "address-pools", "bgp-communities", "bfd-profiles", "name", "protocol", "addresses", "layer2", "bgp",
        "peer-address", "peer-asn", "my-asn", "hold-time", "keepalive-time", "node-selectors", "match-labels",
        "match-expressions", "operator", "In", "values", "communities", "aggregation-length", "localpref",
        ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "\n", "\n  ", "\n    ", " ", "\t", "#", "&a ", "*a", "&b ", "*b",
        "<<: ", "? ", "!!str ", "!!int ", "|", ">", "\"", "'", "~", "null", "true", "no", "0", "-1", "4294967296",
        "99999999999999999999999", "0x1F", "1.5", "90s", "1m30s", "-5s", "10.0.0.1", "192.0.2.0/24", "2001:db8::/64",
        "10.0.0.1-10.0.0.5", "65535:65282", "large:1:2:3", "---", "...", "%YAML 1.1", "\u{0}", "é", "\u{FEFF}",
    ]

    @Test func randomBytes() {
        var rng = SplitMix64(seed: 0x1B1B)
        for _ in 0..<1500 {
            let count = Int.random(in: 0...160, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            check(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func tokenSoup() {
        var rng = SplitMix64(seed: 0x50_0F)
        for _ in 0..<2000 {
            let count = Int.random(in: 1...60, using: &rng)
            check((0..<count).map { _ in Self.tokens.randomElement(using: &rng) ?? "" }.joined())
        }
    }

    @Test func mutatedValidConfigs() {
        for seed in Self.seeds { #expect(throws: Never.self) { try ConfigParser.parse(seed) } }
        var rng = SplitMix64(seed: 0xC0FF_EE)
        var accepted = 0
        for _ in 0..<3000 {
            var lines = (Self.seeds.randomElement(using: &rng) ?? "").split(separator: "\n", omittingEmptySubsequences: false)
                .map(String.init)
            for _ in 0..<Int.random(in: 1...4, using: &rng) { mutate(&lines, using: &rng) }
            if check(lines.joined(separator: "\n")) { accepted += 1 }
        }
        // Both outcomes must be common, or the mutations are not exercising the parser.
        #expect(accepted > 100 && accepted < 2900, "accepted \(accepted) of 3000")
    }

    private func mutate(_ lines: inout [String], using rng: inout SplitMix64) {
        guard !lines.isEmpty else { return }
        let i = Int.random(in: 0..<lines.count, using: &rng)
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: lines.remove(at: i)
        case 1: lines.insert(lines[i], at: i)
        case 2: lines.swapAt(i, Int.random(in: 0..<lines.count, using: &rng))
        case 3, 4:  // flip a character
            var chars = Array(lines[i])
            guard !chars.isEmpty else { return }
            let replacement = Character(Self.tokens.randomElement(using: &rng)?.first.map(String.init) ?? "x")
            chars[Int.random(in: 0..<chars.count, using: &rng)] = replacement
            lines[i] = String(chars)
        case 5: lines[i] += Self.tokens.randomElement(using: &rng) ?? ""
        case 6: lines[i] = String(repeating: " ", count: Int.random(in: 0...3, using: &rng)) + lines[i]
        default: lines[i] = lines[i].replacingOccurrences(of: "1", with: Self.tokens.randomElement(using: &rng) ?? "")
        }
    }

    // MARK: Hostile inputs

    @Test(arguments: [
        String(repeating: "[", count: 100_000),
        String(repeating: "{a: ", count: 20_000),
        String(repeating: "- ", count: 5_000) + "x",
        (0..<2_000).map { String(repeating: " ", count: $0) + "a:" }.joined(separator: "\n"),
        "peers: " + String(repeating: "[", count: 990) + String(repeating: "]", count: 990),
        "peers: [{peer-asn: " + String(repeating: "9", count: 100_000) + "}]",
        "address-pools: [{name: " + String(repeating: "n", count: 500_000) + "}]",
        "a: *undefined",
        "a: &x [*x]",
        "? [a, b]\n: c",
        "\u{0}\u{1}\u{2}",
        "peers: !!binary aGVsbG8=",
        "%YAML 9.9\n---\na: 1",
        "--- a\n--- b",
    ])
    func hostileInputIsAnError(_ text: String) {
        check(text, mustFail: true)
    }

    /// A "billion laughs": ten levels of ten aliases, used where the schema reads deeply. A
    /// parser that expanded it would never finish: the time limit guards against that hang.
    @Test(.timeLimit(.minutes(1))) func aliasBombInSchemaPositions() {
        var text = "bgp-communities: {c0: &c0 [\"1:1\", \"1:1\", \"1:1\", \"1:1\", \"1:1\", \"1:1\", \"1:1\", \"1:1\", \"1:1\", \"1:1\"]}\n"
        text += "address-pools:\n- &p0 {name: p, protocol: bgp, addresses: [10.0.0.0/8], bgp-advertisements: &a0 ["
        text += (0..<300).map { _ in "{communities: *c0}" }.joined(separator: ", ") + "]}\n"
        text += (0..<300).map { _ in "- *p0" }.joined(separator: "\n")
        check(text, mustFail: true)
    }

    @Test(.timeLimit(.minutes(1))) func aliasBombAsAKeyIsRefusedBeforeComposing() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<30 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        text += "? *a29\n: boom\n"
        check(text, mustFail: true)
        #expect(throws: ConfigErrors.self) { try ConfigParser.parse(text) }
    }

    /// A large input, named so test output stays short.
    struct LargeInput: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        var testDescription: String { name }
    }

    static var largeLists: [LargeInput] {
        let namespaces: [String] = (0..<100_000).map { "n\($0)" }
        let communities: [String] = (0..<60_000).map { "\"1:\($0)\"" }
        let peers: [String] = (0..<3_000).map { (i: Int) -> String in
            "- {peer-address: 10.0.0.1, peer-asn: 1, my-asn: 2, node-selectors: [{match-labels: {r: \"i\(i)\"}}]}"
        }
        let prefixes: [String] = (0..<20_000).map { (i: Int) -> String in "10.\(i / 256).\(i % 256).0/24" }
        let ads = [String](repeating: "{aggregation-length: 8}", count: 20_000)
        let same = [String](repeating: "10.0.0.0/8", count: 60_000)
        var out: [LargeInput] = []
        out.append(LargeInput(
            name: "100k namespaces",
            text: "address-pools: [{name: p, protocol: layer2, addresses: [10.0.0.0/8], namespaces: ["
                + namespaces.joined(separator: ",") + "]}]"))
        out.append(LargeInput(
            name: "60k communities",
            text: "address-pools: [{name: p, protocol: bgp, addresses: [10.0.0.0/8], bgp-advertisements: [{communities: ["
                + communities.joined(separator: ",") + "]}]}]"))
        out.append(LargeInput(name: "3k peers on one endpoint", text: "peers:\n" + peers.joined(separator: "\n")))
        out.append(LargeInput(
            name: "20k addresses times 20k advertisements",
            text: "address-pools: [{name: p, protocol: bgp, addresses: [" + prefixes.joined(separator: ",")
                + "], bgp-advertisements: [" + ads.joined(separator: ",") + "]}]"))
        out.append(LargeInput(
            name: "60k overlapping addresses",
            text: "address-pools: [{name: p, protocol: layer2, addresses: [" + same.joined(separator: ",") + "]}]"))
        return out
    }

    /// Large lists (as big as a ConfigMap allows) in every place a rule compares entries with
    /// each other. Each rule is near-linear, so this takes well under a second; a quadratic rule
    /// would take hours and trip the time limit, which guards against hangs only (speed is not
    /// asserted in tests: it depends on the machine).
    @Test(.timeLimit(.minutes(1)), arguments: largeLists)
    func largeListsAreHandled(_ input: LargeInput) {
        check(input.text)
    }

    @Test func oversizedTextIsRefused() {
        let text = "# " + String(repeating: "x", count: YAMLInputGuard.maxConfigBytes)
        check(text, mustFail: true)
    }

    // MARK: The invariant

    /// Parses `text` and checks the invariant; returns whether it was accepted.
    @discardableResult
    private func check(_ text: String, mustFail: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        do {
            _ = try ConfigParser.parse(text)
            if mustFail { Issue.record("accepted: \(text.prefix(200))", sourceLocation: sourceLocation) }
            return true
        } catch {
            #expect(!error.errors.isEmpty, sourceLocation: sourceLocation)
            for e in error.errors {
                let located = !e.path.isEmpty || !e.expected.isEmpty
                #expect(located && !e.expected.isEmpty, "unlocated error \(e)", sourceLocation: sourceLocation)
                #expect(!e.description.contains("\n"), "multi-line error \(e)", sourceLocation: sourceLocation)
            }
            return false
        }
    }
}
