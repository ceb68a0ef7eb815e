import Foundation
import PropertyBased
import Testing

@testable import LBCore

@Suite struct IPRangeTests {
    private func range(_ s: String, sourceLocation: SourceLocation = #_sourceLocation) -> IPRange {
        guard let r = try? IPRange.parse(s) else {
            Issue.record("test fixture \"\(s)\" does not parse", sourceLocation: sourceLocation)
            return IPRange(first: IPAddress(ipv4: 0), last: IPAddress(ipv4: 0))!
        }
        return r
    }

    private static let v6Max = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"

    /// (text, first, last, description)
    @Test(arguments: [
        ("192.0.2.10-192.0.2.20", "192.0.2.10", "192.0.2.20", "192.0.2.10-192.0.2.20"),
        ("192.0.2.10 - 192.0.2.20", "192.0.2.10", "192.0.2.20", "192.0.2.10-192.0.2.20"),
        ("  192.0.2.10\t-\t192.0.2.20  ", "192.0.2.10", "192.0.2.20", "192.0.2.10-192.0.2.20"),
        ("192.0.2.10-192.0.2.10", "192.0.2.10", "192.0.2.10", "192.0.2.10/32"),
        ("192.0.2.0-192.0.2.255", "192.0.2.0", "192.0.2.255", "192.0.2.0/24"),
        ("192.0.2.0-192.0.3.255", "192.0.2.0", "192.0.3.255", "192.0.2.0/23"),
        ("192.0.2.0-192.0.2.254", "192.0.2.0", "192.0.2.254", "192.0.2.0-192.0.2.254"),
        ("192.0.1.0-192.0.2.255", "192.0.1.0", "192.0.2.255", "192.0.1.0-192.0.2.255"),
        ("0.0.0.0-255.255.255.255", "0.0.0.0", "255.255.255.255", "0.0.0.0/0"),
        ("192.0.2.0/24", "192.0.2.0", "192.0.2.255", "192.0.2.0/24"),
        ("192.0.2.77/24", "192.0.2.0", "192.0.2.255", "192.0.2.0/24"),
        ("192.0.2.5/32", "192.0.2.5", "192.0.2.5", "192.0.2.5/32"),
        ("2001:db8::1-2001:db8::ff", "2001:db8::1", "2001:db8::ff", "2001:db8::1-2001:db8::ff"),
        ("2001:DB8::1 - 2001:0db8::00ff", "2001:db8::1", "2001:db8::ff", "2001:db8::1-2001:db8::ff"),
        ("2001:db8::-2001:db8::ffff:ffff:ffff:ffff", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff", "2001:db8::/64"),
        ("2001:db8::/64", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff", "2001:db8::/64"),
        ("::-\(v6Max)", "::", v6Max, "::/0"),
        ("::/0", "::", v6Max, "::/0"),
        ("::1-::1", "::1", "::1", "::1/128"),
        ("::ffff:192.0.2.0-::ffff:192.0.2.255", "::ffff:192.0.2.0", "::ffff:192.0.2.255", "::ffff:192.0.2.0/120"),
    ])
    func parses(text: String, first: String, last: String, description: String) throws {
        let r = try IPRange.parse(text)
        #expect(r.first.description == first)
        #expect(r.last.description == last)
        #expect(r.description == description)
        #expect(try IPRange.parse(r.description) == r)
        #expect(IPRange(first: r.first, last: r.last) == r)
    }

    @Test(arguments: [
        ("192.0.2.20-192.0.2.10", "after its end"),
        ("2001:db8::2-2001:db8::1", "after its end"),
        ("::1-::", "after its end"),
        ("192.0.2.1-2001:db8::1", "different families"),
        ("2001:db8::1-192.0.2.1", "different families"),
        ("::ffff:192.0.2.1-192.0.2.9", "different families"),
        ("192.0.2.1", "expected a CIDR"),
        ("", "expected a CIDR"),
        ("192.0.2.1-192.0.2.2-192.0.2.3", "expected a CIDR"),
        ("192.0.2.1--192.0.2.3", "expected a CIDR"),
        ("192.0.2.1-", "empty address"),
        ("-192.0.2.1", "empty address"),
        ("-", "empty address"),
        ("192.0.2.1 192.0.2.2", "expected a CIDR"),
        ("192.0.2.1-192.0.2.256", "0-255"),
        ("192.0.2.01-192.0.2.2", "leading zero"),
        ("192.0.2.1-fe80::1%eth0", "zone"),
        ("192.0.2.0/33", "0-32"),
        ("192.0.2.0/24-192.0.3.0/24", "ADDRESS/LENGTH"),
        ("192.0.2.1–192.0.2.2", "expected a CIDR"),  // EN DASH
    ])
    func refusesBadRanges(text: String, reason: String) {
        AddrGen.expectParseError(text, reasonContains: reason) { () throws(AddressParseError) in
            _ = try IPRange.parse(text)
        }
    }

    @Test func errorsNameTheBadEnd() {
        do {
            _ = try IPRange.parse("192.0.2.1-192.0.2.300")
            Issue.record("parsed")
        } catch {
            #expect(error.reason.contains("192.0.2.300"))
        }
    }

    @Test func memberwiseInitChecksOrderAndFamily() {
        let a = AddrGen.addr("192.0.2.1"), b = AddrGen.addr("192.0.2.9"), c = AddrGen.addr("::1")
        #expect(IPRange(first: a, last: b) != nil)
        #expect(IPRange(first: a, last: a) != nil)
        #expect(IPRange(first: b, last: a) == nil)
        #expect(IPRange(first: a, last: c) == nil)
        #expect(IPRange(first: c, last: a) == nil)
    }

    @Test(arguments: [
        ("192.0.2.10-192.0.2.20", "11"),
        ("192.0.2.10-192.0.2.10", "1"),
        ("0.0.0.0-255.255.255.255", "4294967296"),
        ("::-::", "1"),
        ("::-::ffff:ffff:ffff:ffff", "18446744073709551616"),
        ("::-\(v6Max)", "340282366920938463463374607431768211456"),
        ("::1-\(v6Max)", "340282366920938463463374607431768211455"),
        ("8000::-\(v6Max)", "170141183460469231731687303715884105728"),
    ])
    func counts(text: String, count: String) {
        #expect(range(text).count.description == count)
    }

    /// (a, b, a contains b, b contains a, overlap)
    @Test(arguments: [
        ("192.0.2.10-192.0.2.20", "192.0.2.20-192.0.2.30", false, false, true),
        ("192.0.2.10-192.0.2.20", "192.0.2.21-192.0.2.30", false, false, false),
        ("192.0.2.10-192.0.2.20", "192.0.2.12-192.0.2.13", true, false, true),
        ("192.0.2.10-192.0.2.20", "192.0.2.10-192.0.2.20", true, true, true),
        ("192.0.2.10-192.0.2.20", "192.0.2.0-192.0.2.10", false, false, true),
        ("192.0.2.10-192.0.2.20", "192.0.2.0-192.0.2.9", false, false, false),
        ("0.0.0.0-255.255.255.255", "::-\(v6Max)", false, false, false),
        ("0.0.0.0-255.255.255.255", "::-::ffff:ffff", false, false, false),
        ("192.0.2.0/24", "::ffff:192.0.2.0/120", false, false, false),
        ("::-\(v6Max)", "2001:db8::/64", true, false, true),
        ("2001:db8::1-2001:db8::5", "2001:db8::5-2001:db8::9", false, false, true),
    ])
    func containmentAndOverlap(a: String, b: String, aContainsB: Bool, bContainsA: Bool, overlap: Bool) {
        let ra = range(a), rb = range(b)
        #expect(ra.contains(rb) == aContainsB)
        #expect(rb.contains(ra) == bContainsA)
        #expect(ra.overlaps(rb) == overlap)
        #expect(rb.overlaps(ra) == overlap)
    }

    @Test func containsAddress() {
        let r = range("192.0.2.10-192.0.2.20")
        #expect(r.contains(AddrGen.addr("192.0.2.10")))
        #expect(r.contains(AddrGen.addr("192.0.2.20")))
        #expect(!r.contains(AddrGen.addr("192.0.2.9")))
        #expect(!r.contains(AddrGen.addr("192.0.2.21")))
        #expect(!r.contains(AddrGen.addr("::ffff:192.0.2.15")))
        #expect(!range("::-::ffff:ffff").contains(AddrGen.addr("0.0.0.1")))
    }

    /// (range, prefixes)
    @Test(arguments: [
        ("192.0.2.0-192.0.2.255", ["192.0.2.0/24"]),
        ("192.0.2.1-192.0.2.1", ["192.0.2.1/32"]),
        ("192.0.2.1-192.0.2.254", [
            "192.0.2.1/32", "192.0.2.2/31", "192.0.2.4/30", "192.0.2.8/29", "192.0.2.16/28", "192.0.2.32/27",
            "192.0.2.64/26", "192.0.2.128/26", "192.0.2.192/27", "192.0.2.224/28", "192.0.2.240/29",
            "192.0.2.248/30", "192.0.2.252/31", "192.0.2.254/32",
        ]),
        ("192.0.2.10-192.0.2.20", ["192.0.2.10/31", "192.0.2.12/30", "192.0.2.16/30", "192.0.2.20/32"]),
        ("0.0.0.0-255.255.255.255", ["0.0.0.0/0"]),
        ("0.0.0.0-255.255.255.254", [
            "0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/4", "240.0.0.0/5", "248.0.0.0/6", "252.0.0.0/7",
            "254.0.0.0/8", "255.0.0.0/9", "255.128.0.0/10", "255.192.0.0/11", "255.224.0.0/12", "255.240.0.0/13",
            "255.248.0.0/14", "255.252.0.0/15", "255.254.0.0/16", "255.255.0.0/17", "255.255.128.0/18",
            "255.255.192.0/19", "255.255.224.0/20", "255.255.240.0/21", "255.255.248.0/22", "255.255.252.0/23",
            "255.255.254.0/24", "255.255.255.0/25", "255.255.255.128/26", "255.255.255.192/27",
            "255.255.255.224/28", "255.255.255.240/29", "255.255.255.248/30", "255.255.255.252/31",
            "255.255.255.254/32",
        ]),
        ("0.0.0.1-255.255.255.255", [
            "0.0.0.1/32", "0.0.0.2/31", "0.0.0.4/30", "0.0.0.8/29", "0.0.0.16/28", "0.0.0.32/27", "0.0.0.64/26",
            "0.0.0.128/25", "0.0.1.0/24", "0.0.2.0/23", "0.0.4.0/22", "0.0.8.0/21", "0.0.16.0/20", "0.0.32.0/19",
            "0.0.64.0/18", "0.0.128.0/17", "0.1.0.0/16", "0.2.0.0/15", "0.4.0.0/14", "0.8.0.0/13", "0.16.0.0/12",
            "0.32.0.0/11", "0.64.0.0/10", "0.128.0.0/9", "1.0.0.0/8", "2.0.0.0/7", "4.0.0.0/6", "8.0.0.0/5",
            "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1",
        ]),
        ("::-\(v6Max)", ["::/0"]),
        ("::-7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ["::/1"]),
        ("8000::-\(v6Max)", ["8000::/1"]),
        ("\(v6Max)-\(v6Max)", ["\(v6Max)/128"]),
        ("::-::", ["::/128"]),
        ("2001:db8::ffff:ffff:ffff:ffff-2001:db8:0:1::", ["2001:db8::ffff:ffff:ffff:ffff/128", "2001:db8:0:1::/128"]),
    ])
    func prefixes(text: String, expected: [String]) {
        #expect(range(text).prefixes.map(\.description) == expected)
    }

    @Test func prefixesOfAlmostWholeIPv6Space() {
        let all = range("::1-\(Self.v6Max)").prefixes
        #expect(all.count == 128)
        #expect(all.first?.description == "::1/128")
        #expect(all.last?.description == "8000::/1")
        let allButLast = range("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe").prefixes
        #expect(allButLast.count == 128)
        #expect(allButLast.first?.description == "::/1")
        #expect(allButLast.last?.description == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/128")
        #expect(allButLast.reduce(AddressCount.zero) { $0 + $1.count }.description == "340282366920938463463374607431768211455")
    }

    /// (range, number of IPv4 addresses ending in .0 or .255)
    @Test(arguments: [
        ("192.0.2.0-192.0.2.255", "2"),
        ("192.0.2.1-192.0.2.254", "0"),
        ("192.0.2.0-192.0.2.0", "1"),
        ("192.0.2.255-192.0.3.0", "2"),
        ("192.0.2.0/23", "4"),
        ("0.0.0.0-0.0.0.0", "1"),
        ("0.0.0.0-255.255.255.255", "33554432"),
        ("255.255.255.255-255.255.255.255", "1"),
        ("10.0.0.0/8", "131072"),
        ("::-::ffff", "0"),
        ("::ffff:192.0.2.0/120", "0"),
    ])
    func buggyIPv4Count(text: String, expected: String) {
        #expect(range(text).buggyIPv4Count.description == expected)
    }

    @Test func codableAsString() throws {
        let rs = [range("192.0.2.10-192.0.2.20"), range("2001:db8::/64")]
        let json = try JSONEncoder().encode(rs)
        #expect(try JSONDecoder().decode([IPRange].self, from: json) == rs)
        #expect(try JSONDecoder().decode([IPRange].self, from: Data(#"["192.0.2.10 - 192.0.2.20"]"#.utf8)) == [rs[0]])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([IPRange].self, from: Data(#"["192.0.2.20-192.0.2.10"]"#.utf8))
        }
    }

    // MARK: Properties

    /// Random range ends: `mode` picks how aligned the ends are, so the decompositions include
    /// long runs, single prefixes and the full spaces, not only ranges of ~2x128 tiny prefixes.
    private static func end(_ v: UInt128, family: IPFamily, zeros: UInt8, ones: Bool) -> UInt128 {
        let v = v & family.maxValue
        let k = UInt128(Int(zeros) % (family.bitWidth + 1))
        let low: UInt128 = k == 128 ? .max : (UInt128(1) << k) - 1
        return (ones ? v | low : v & ~low) & family.maxValue
    }

    private static var ranges: Generator<IPRange, some SendableSequenceType> {
        zip(Gen.bool, Gen.uint64(), Gen.uint64(), Gen.uint64(), Gen.uint64(), Gen.uint8(), Gen.uint8()).map { t in
            let family: IPFamily = t.0 ? .ipv4 : .ipv6
            let a = end(AddrGen.u128(t.1, t.2), family: family, zeros: t.5, ones: false)
            let b = end(AddrGen.u128(t.3, t.4), family: family, zeros: t.6, ones: true)
            let (lo, hi) = (Swift.min(a, b), Swift.max(a, b))
            return IPRange(first: IPAddress(family: family, value: lo)!, last: IPAddress(family: family, value: hi)!)!
        }
    }

    static func checkPrefixesCover(_ r: IPRange, sourceLocation: SourceLocation = #_sourceLocation) {
        let ps = r.prefixes
        guard let first = ps.first, let last = ps.last else {
            Issue.record("no prefixes for \(r)", sourceLocation: sourceLocation)
            return
        }
        #expect(first.first == r.first, sourceLocation: sourceLocation)
        #expect(last.last == r.last, sourceLocation: sourceLocation)
        #expect(ps.count <= 2 * r.family.bitWidth, sourceLocation: sourceLocation)
        var total = AddressCount.zero
        for (i, p) in ps.enumerated() {
            #expect(p.family == r.family, sourceLocation: sourceLocation)
            // Aligned: the network is the block start (host bits are zero).
            #expect(IPPrefix(address: p.first, length: p.length) == p, sourceLocation: sourceLocation)
            total += p.count
            // Maximal: the block one bit shorter either starts elsewhere or runs past the range.
            if p.length > 0, let parent = IPPrefix(address: p.network, length: p.length - 1) {
                #expect(parent.network != p.network || parent.last > r.last,
                    "\(p) could grow to \(parent) within \(r)", sourceLocation: sourceLocation)
            }
            if i + 1 < ps.count {
                let q = ps[i + 1]
                // Contiguous and in order.
                #expect(p.last.advanced(by: 1) == q.first, "gap or overlap between \(p) and \(q)",
                    sourceLocation: sourceLocation)
                // Minimal: no two neighbours form one aligned block.
                if p.length == q.length, p.length > 0, let merged = IPPrefix(address: p.network, length: p.length - 1) {
                    #expect(!(merged.first == p.first && merged.last == q.last), "\(p) and \(q) can merge",
                        sourceLocation: sourceLocation)
                }
            }
        }
        #expect(total == r.count, sourceLocation: sourceLocation)
        #expect(r.description == (ps.count == 1 ? ps[0].description : "\(r.first)-\(r.last)"),
            sourceLocation: sourceLocation)
    }

    @Test func prefixesCoverRandomRangesExactly() async {
        await propertyCheck(count: 400, input: Self.ranges) { r in
            Self.checkPrefixesCover(r)
            #expect((try? IPRange.parse(r.description)) == r)
            #expect((try? IPRange.parse("\(r.first) - \(r.last)")) == r)
        }
    }

    @Test func prefixesCoverEdgeRanges() {
        let v4Max = UInt128(UInt32.max)
        let edges: [(IPFamily, UInt128, UInt128)] = [
            (.ipv4, 0, v4Max), (.ipv4, 0, 0), (.ipv4, v4Max, v4Max), (.ipv4, 1, v4Max), (.ipv4, 0, v4Max - 1),
            (.ipv4, 1, v4Max - 1), (.ipv6, 0, .max), (.ipv6, 0, 0), (.ipv6, .max, .max), (.ipv6, 1, .max),
            (.ipv6, 0, .max - 1), (.ipv6, 1, .max - 1), (.ipv6, 1 << 127, .max), (.ipv6, (1 << 127) - 1, 1 << 127),
            (.ipv6, UInt128(UInt64.max), UInt128(UInt64.max) + 1),
        ]
        for (family, a, b) in edges {
            let r = IPRange(first: IPAddress(family: family, value: a)!, last: IPAddress(family: family, value: b)!)!
            Self.checkPrefixesCover(r)
        }
        #expect(range("0.0.0.0-255.255.255.255").prefixes == [IPPrefix("0.0.0.0/0")!])
        #expect(range("::-\(Self.v6Max)").prefixes == [IPPrefix("::/0")!])
    }

    @Test func buggyIPv4CountMatchesBruteForce() async {
        await propertyCheck(count: 300, input: Gen.uint32(), Gen.int(in: 0...1500), Gen.bool) { start, span, nearTop in
            // Half the ranges end near the top of the space to exercise the edges.
            let a = nearTop ? UInt32.max - UInt32(span) - UInt32(start % 300) : start
            let b = a.addingReportingOverflow(UInt32(span)).overflow ? UInt32.max : a + UInt32(span)
            let r = IPRange(first: IPAddress(ipv4: a), last: IPAddress(ipv4: b))!
            var brute: UInt128 = 0
            for v in a...b where v & 0xFF == 0 || v & 0xFF == 0xFF { brute += 1 }
            #expect(r.buggyIPv4Count == AddressCount(brute), "\(r)")
            #expect((a...b).filter { IPAddress(ipv4: $0).isBuggyIPv4 }.count == Int(brute))
        }
    }
}
