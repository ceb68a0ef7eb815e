import Foundation
import PropertyBased
import Testing

@testable import LBCore

// MARK: - Shared generators and helpers for the address tests

/// Generators and helpers shared by IPAddressTests, IPPrefixTests, IPRangeTests and
/// AddressCountTests (kept in one namespace so they cannot clash with other test files).
enum AddrGen {
    static func u128(_ hi: UInt64, _ lo: UInt64) -> UInt128 { UInt128(hi) << 64 | UInt128(lo) }

    /// Clears the 16-bit groups of `v` selected by the bits of `mask` (bit i = group i from the
    /// right), so random values exercise "::" compression, not only eight non-zero groups.
    static func zeroingGroups(_ v: UInt128, mask: UInt8) -> UInt128 {
        var v = v
        for i in 0..<8 where mask & (1 << UInt8(i)) != 0 { v &= ~(UInt128(0xFFFF) << UInt128(16 * i)) }
        return v
    }

    /// Random IPv6 values: a quarter fully random, a quarter IPv4-mapped, half with random zero groups.
    static func v6Value(hi: UInt64, lo: UInt64, mask: UInt8, mode: UInt8) -> UInt128 {
        let raw = u128(hi, lo)
        switch mode % 4 {
        case 0: return raw
        case 1: return 0xFFFF_0000_0000 | (raw & 0xFFFF_FFFF)
        default: return zeroingGroups(raw, mask: mask)
        }
    }

    static var v4: Generator<IPAddress, some SendableSequenceType> { Gen.uint32().map { IPAddress(ipv4: $0) } }

    static var v6: Generator<IPAddress, some SendableSequenceType> {
        zip(Gen.uint64(), Gen.uint64(), Gen.uint8(), Gen.uint8()).map { t in
            IPAddress(ipv6: v6Value(hi: t.0, lo: t.1, mask: t.2, mode: t.3))
        }
    }

    /// Either family, about half each.
    static var address: Generator<IPAddress, some SendableSequenceType> {
        zip(Gen.bool, Gen.uint64(), Gen.uint64(), Gen.uint8(), Gen.uint8()).map { t in
            t.0
                ? IPAddress(ipv4: UInt32(truncatingIfNeeded: t.1))
                : IPAddress(ipv6: v6Value(hi: t.1, lo: t.2, mask: t.3, mode: t.4))
        }
    }

    static func addr(_ s: String, sourceLocation: SourceLocation = #_sourceLocation) -> IPAddress {
        guard let a = IPAddress(s) else {
            Issue.record("test fixture \"\(s)\" does not parse", sourceLocation: sourceLocation)
            return IPAddress(ipv4: 0)
        }
        return a
    }

    /// An independent RFC 5952 formatter used as an oracle: eight groups, longest run (first on a
    /// tie) of two or more zero groups replaced by "::", IPv4-mapped written with a dotted quad.
    static func referenceIPv6(_ v: UInt128) -> String {
        let groups = (0..<8).map { i in UInt16(truncatingIfNeeded: v >> UInt128(112 - 16 * i)) }
        if groups[0..<5].allSatisfy({ $0 == 0 }) && groups[5] == 0xFFFF {
            let b = [groups[6] >> 8, groups[6] & 0xFF, groups[7] >> 8, groups[7] & 0xFF]
            return "::ffff:" + b.map { String($0) }.joined(separator: ".")
        }
        var best: (start: Int, len: Int)? = nil
        for start in 0..<8 {
            var len = 0
            while start + len < 8 && groups[start + len] == 0 { len += 1 }
            if len >= 2 && len > (best?.len ?? 0) { best = (start, len) }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard let best else { return hex.joined(separator: ":") }
        let head = hex[0..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.len)...].joined(separator: ":")
        return head + "::" + tail
    }

    /// Expects `body` to throw an AddressParseError that quotes `input` and whose reason mentions
    /// `reasonContains` (case-insensitively).
    static func expectParseError(
        _ input: String, reasonContains keyword: String,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws(AddressParseError) -> Void
    ) {
        do {
            try body()
            Issue.record("\"\(input)\" parsed but should have been refused", sourceLocation: sourceLocation)
        } catch {
            #expect(error.input == input, sourceLocation: sourceLocation)
            #expect(error.description.contains("\"\(input)\""), "message must quote the input: \(error)",
                sourceLocation: sourceLocation)
            #expect(!error.reason.isEmpty, sourceLocation: sourceLocation)
            #expect(error.reason.lowercased().contains(keyword.lowercased()),
                "reason for \"\(input)\" should mention \"\(keyword)\": \(error.reason)", sourceLocation: sourceLocation)
        }
    }
}

// MARK: - IPv4

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("0.0.0.0", UInt32(0)),
        ("255.255.255.255", UInt32.max),
        ("192.0.2.1", 0xC000_0201),
        ("10.0.0.1", 0x0A00_0001),
        ("1.2.3.4", 0x0102_0304),
        ("0.0.0.10", 10),
        ("100.64.0.0", 0x6440_0000),
        ("198.51.100.200", 0xC633_64C8),
    ])
    func parsesIPv4(text: String, value: UInt32) throws {
        let a = try IPAddress.parse(text)
        #expect(a.family == .ipv4)
        #expect(a.value == UInt128(value))
        #expect(a == IPAddress(ipv4: value))
        #expect(a.description == text)
        #expect(IPAddress(text) == a)
    }

    @Test(arguments: [
        ("", "empty"),
        ("1.2.3", "four"),
        ("1.2.3.4.5", "four"),
        ("1.2.3.4.", "four"),
        (".1.2.3.4", "four"),
        ("1", "four"),
        ("01.2.3.4", "leading zero"),
        ("1.2.3.04", "leading zero"),
        ("1.2.00.4", "leading zero"),
        ("1.2.3.256", "0-255"),
        ("256.0.0.0", "0-255"),
        ("1.2.3.999", "0-255"),
        ("1.2.3.1000", "octet 4"),
        ("1..3.4", "octet 2"),
        ("1.2.3.", "octet 4"),
        (" 1.2.3.4", "octet 1"),
        ("1.2.3.4 ", "octet 4"),
        ("1.2. 3.4", "octet 3"),
        ("+1.2.3.4", "octet 1"),
        ("-1.2.3.4", "octet 1"),
        ("1.2.3.-0", "octet 4"),
        ("١.2.3.4", "octet 1"),  // ARABIC-INDIC DIGIT ONE
        ("1.2.3.٤", "octet 4"),  // ARABIC-INDIC DIGIT FOUR
        ("１.2.3.4", "octet 1"),  // FULLWIDTH DIGIT ONE
        ("1.2.3.4a", "octet 4"),
        ("0x1.2.3.4", "octet 1"),
        ("a.b.c.d", "octet 1"),
        ("1.2.3.4%eth0", "octet 4"),
        ("1.2.3.4/32", "octet 4"),
        ("1.2.3.4\n", "octet 4"),
        ("1,2,3,4", "four"),
    ])
    func refusesBadIPv4(text: String, reason: String) {
        AddrGen.expectParseError(text, reasonContains: reason) { () throws(AddressParseError) in
            _ = try IPAddress.parse(text)
        }
        #expect(IPAddress(text) == nil)
    }

    // MARK: IPv6

    @Test(arguments: [
        // RFC 5952 section 4.1: leading zeros suppressed.
        ("2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"),
        ("2001:db8::0001", "2001:db8::1"),
        ("2001:db8:0:0:0:0:2:1", "2001:db8::2:1"),
        // 4.2.1: "::" used to its maximum capability.
        ("2001:db8:0:0:0:0:0:1", "2001:db8::1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
        ("1:0:0:0:2:0:0:0", "1::2:0:0:0"),
        // 4.2.2: a single zero group is not compressed.
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
        ("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"),
        ("0:1:0:1:0:1:0:1", "0:1:0:1:0:1:0:1"),
        // 4.2.3: first run on a tie.
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("0:0:1:0:0:1:1:1", "::1:0:0:1:1:1"),
        ("1:1:0:0:1:1:0:0", "1:1::1:1:0:0"),
        // 4.3: lowercase.
        ("2001:DB8::1", "2001:db8::1"),
        ("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", "abcd:ef01:2345:6789:abcd:ef01:2345:6789"),
        ("FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        // Edges.
        ("::", "::"),
        ("0:0:0:0:0:0:0:0", "::"),
        ("0::0", "::"),
        ("::0:0", "::"),
        ("::1", "::1"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("1::", "1::"),
        ("1:0:0:0:0:0:0:0", "1::"),
        ("a:b:c:d:e:f:0:0", "a:b:c:d:e:f::"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("fe80::1", "fe80::1"),
        ("2001:db8:0:0:aaaa::", "2001:db8:0:0:aaaa::"),
        // Section 5: IPv4-mapped addresses keep a dotted quad.
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("::FFFF:192.0.2.1", "::ffff:192.0.2.1"),
        ("0:0:0:0:0:ffff:c000:0201", "::ffff:192.0.2.1"),
        ("::ffff:0:0", "::ffff:0.0.0.0"),
        ("::ffff:1:2", "::ffff:0.1.0.2"),
        ("::ffff:255.255.255.255", "::ffff:255.255.255.255"),
        // Not IPv4-mapped: hex groups.
        ("::1:ffff:c000:201", "::1:ffff:c000:201"),
        ("::ffff:0:c000:201", "::ffff:0:c000:201"),
        ("ffff::", "ffff::"),
        // Embedded dotted quad in the input.
        ("::192.0.2.1", "::c000:201"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
        ("1:2:3:4:5:6:192.0.2.1", "1:2:3:4:5:6:c000:201"),
        ("::0.0.0.0", "::"),
        ("::0.0.0.1", "::1"),
    ])
    func parsesAndFormatsIPv6(text: String, canonical: String) throws {
        let a = try IPAddress.parse(text)
        #expect(a.family == .ipv6)
        #expect(a.description == canonical)
        #expect(try IPAddress.parse(canonical) == a)
        #expect(AddrGen.referenceIPv6(a.value) == canonical)
    }

    @Test(arguments: [
        ("1::2::3", "only once"),
        ("::1::", "only once"),
        ("::::", "only once"),
        ("1:2:3:4:5:6:7:8:9", "8 groups"),
        ("1:2:3:4:5:6:7", "8 groups"),
        ("1:2:3:4:5:6:7:1.2.3.4", "8 groups"),
        ("1:2:3:4:5:6:7:8::", "too many"),
        ("::1:2:3:4:5:6:7:8", "too many"),
        ("1:2:3:4::5:6:7:8", "too many"),
        ("12345::", "hexadecimal"),
        ("::12345", "hexadecimal"),
        ("2001:db8::00001", "hexadecimal"),
        ("g::", "hexadecimal"),
        ("+1::", "hexadecimal"),
        ("-1::", "hexadecimal"),
        ("0x1::", "hexadecimal"),
        ("１::", "hexadecimal"),  // FULLWIDTH DIGIT ONE
        ("::١", "hexadecimal"),  // ARABIC-INDIC DIGIT ONE
        ("[::1]", "hexadecimal"),
        (" ::1", "hexadecimal"),
        ("::1 ", "hexadecimal"),
        ("2001:db8::/64", "hexadecimal"),
        ("fe80::1%eth0", "zone"),
        ("fe80::1%1", "zone"),
        ("::%", "zone"),
        (":", "empty group"),
        (":::", "empty group"),
        (":1::", "empty group"),
        ("1:", "empty group"),
        (":1:2:3:4:5:6:7", "empty group"),
        ("1:2:3:4:5:6:7:", "empty group"),
        ("1::2:", "empty group"),
        ("1:2:3:4:5:6:7:8:", "empty group"),
        ("::ffff:1.2.3", "four"),
        ("::ffff:1.2.3.4.5", "four"),
        ("::ffff:01.2.3.4", "leading zero"),
        ("::ffff:256.1.1.1", "0-255"),
        ("::1.2.3.4:5", "last part"),
        ("1.2.3.4::", "last part"),
        ("1.2.3.4::1", "last part"),
        ("1.2.3.4:1:2:3:4:5:6", "last part"),
    ])
    func refusesBadIPv6(text: String, reason: String) {
        AddrGen.expectParseError(text, reasonContains: reason) { () throws(AddressParseError) in
            _ = try IPAddress.parse(text)
        }
        #expect(IPAddress(text) == nil)
    }

    // MARK: Bytes, arithmetic, ordering, coding

    @Test func bytesAreNetworkOrder() throws {
        #expect(AddrGen.addr("192.0.2.1").bytes == [192, 0, 2, 1])
        #expect(
            AddrGen.addr("2001:db8::ff01").bytes == [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0x01])
        #expect(IPAddress(bytes: [192, 0, 2, 1]) == AddrGen.addr("192.0.2.1"))
        #expect(IPAddress(bytes: [UInt8](repeating: 0xFF, count: 16)) == AddrGen.addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))
        #expect(IPAddress(bytes: [UInt8](repeating: 0, count: 16))?.family == .ipv6)
        for n in [0, 1, 3, 5, 15, 17, 32] {
            #expect(IPAddress(bytes: [UInt8](repeating: 1, count: n)) == nil, "\(n) bytes")
        }
    }

    @Test func familyValueInit() {
        #expect(IPAddress(family: .ipv4, value: UInt128(UInt32.max)) == IPAddress(ipv4: .max))
        #expect(IPAddress(family: .ipv4, value: UInt128(UInt32.max) + 1) == nil)
        #expect(IPAddress(family: .ipv4, value: .max) == nil)
        #expect(IPAddress(family: .ipv6, value: .max) == IPAddress(ipv6: .max))
        // Same value, different family: different addresses.
        #expect(AddrGen.addr("0.0.0.1") != AddrGen.addr("::1"))
        #expect(Set([AddrGen.addr("0.0.0.1"), AddrGen.addr("::1")]).count == 2)
    }

    @Test(arguments: [
        ("255.255.255.255", UInt128(1), nil as String?),
        ("255.255.255.254", 1, "255.255.255.255"),
        ("255.255.255.254", 2, nil),
        ("0.0.0.0", UInt128(UInt32.max), "255.255.255.255"),
        ("0.0.0.0", UInt128(UInt32.max) + 1, nil),
        ("10.0.0.1", UInt128.max, nil),
        ("192.0.2.255", 1, "192.0.3.0"),
        ("1.2.3.4", 0, "1.2.3.4"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, nil),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 1, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("::", UInt128.max, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("::1", UInt128.max, nil),
        ("::ffff:ffff:ffff", 1, "::1:0:0:0"),
        ("2001:db8::ffff:ffff:ffff:ffff", 1, "2001:db8:0:1::"),
    ])
    func advanced(start: String, delta: UInt128, expected: String?) {
        #expect(AddrGen.addr(start).advanced(by: delta)?.description == expected)
    }

    @Test(arguments: [
        ("0.0.0.0", UInt128(1), nil as String?),
        ("0.0.0.1", 1, "0.0.0.0"),
        ("255.255.255.255", UInt128(UInt32.max), "0.0.0.0"),
        ("255.255.255.255", UInt128(UInt32.max) + 1, nil),
        ("10.0.0.1", UInt128.max, nil),
        ("192.0.3.0", 1, "192.0.2.255"),
        ("::", 1, nil),
        ("::1", 1, "::"),
        ("::1", 2, nil),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", UInt128.max, "::"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", UInt128.max, nil),
        ("2001:db8:0:1::", 1, "2001:db8::ffff:ffff:ffff:ffff"),
    ])
    func retreated(start: String, delta: UInt128, expected: String?) {
        #expect(AddrGen.addr(start).retreated(by: delta)?.description == expected)
    }

    @Test func orderingPutsIPv4BeforeIPv6() {
        let shuffled = ["::", "255.255.255.255", "2001:db8::1", "0.0.0.0", "::1", "10.0.0.1", "::ffff:0.0.0.0", "ffff::"]
            .map { AddrGen.addr($0) }
        let sorted = shuffled.sorted().map(\.description)
        #expect(sorted == ["0.0.0.0", "10.0.0.1", "255.255.255.255", "::", "::1", "::ffff:0.0.0.0", "2001:db8::1", "ffff::"])
        #expect(AddrGen.addr("255.255.255.255") < AddrGen.addr("::"))
        #expect(!(AddrGen.addr("::") < AddrGen.addr("0.0.0.0")))
        #expect(IPFamily.ipv4 < IPFamily.ipv6)
        #expect(!(IPFamily.ipv6 < IPFamily.ipv4))
        #expect(!(IPFamily.ipv4 < IPFamily.ipv4))
    }

    @Test func buggyIPv4Flag() {
        #expect(AddrGen.addr("192.0.2.0").isBuggyIPv4)
        #expect(AddrGen.addr("192.0.2.255").isBuggyIPv4)
        #expect(!AddrGen.addr("192.0.2.1").isBuggyIPv4)
        #expect(!AddrGen.addr("192.0.2.254").isBuggyIPv4)
        #expect(!AddrGen.addr("::").isBuggyIPv4)
        #expect(!AddrGen.addr("::ff").isBuggyIPv4)
    }

    @Test func codableAsString() throws {
        let addrs = [AddrGen.addr("192.0.2.1"), AddrGen.addr("2001:db8::1"), AddrGen.addr("::ffff:192.0.2.1")]
        let json = try JSONEncoder().encode(addrs)
        #expect(String(decoding: json, as: UTF8.self) == #"["192.0.2.1","2001:db8::1","::ffff:192.0.2.1"]"#)
        #expect(try JSONDecoder().decode([IPAddress].self, from: json) == addrs)
        // Non-canonical input decodes to the canonical value.
        #expect(try JSONDecoder().decode([IPAddress].self, from: Data(#"["2001:DB8:0::1"]"#.utf8)) == [addrs[1]])
        for bad in [#"["01.2.3.4"]"#, #"["fe80::1%eth0"]"#, "[3221225985]", #"[""]"#] {
            #expect(throws: DecodingError.self, "\(bad)") {
                try JSONDecoder().decode([IPAddress].self, from: Data(bad.utf8))
            }
        }
    }

    // MARK: Properties

    @Test func ipv4DescriptionRoundTrips() async {
        await propertyCheck(count: 1000, input: Gen.uint32()) { v in
            let a = IPAddress(ipv4: v)
            #expect(IPAddress(a.description) == a)
            let octets = a.description.split(separator: ".")
            #expect(octets.count == 4)
            #expect(octets.allSatisfy { $0 == "0" || !$0.hasPrefix("0") })
        }
    }

    @Test func ipv6DescriptionRoundTripsAndIsCanonical() async {
        await propertyCheck(count: 1000, input: AddrGen.v6) { a in
            let s = a.description
            #expect(IPAddress(s) == a, "\(s)")
            #expect(s == AddrGen.referenceIPv6(a.value))
            #expect(s == s.lowercased())
            #expect(s.split(separator: "::", omittingEmptySubsequences: false).count <= 2)
        }
    }

    @Test func ipv6NonCanonicalSpellingsParse() async {
        // Every address also parses from its full, zero-padded, uppercase eight-group form.
        await propertyCheck(count: 500, input: AddrGen.v6) { a in
            let full = a.bytes.chunks(2).map { g in g.map { b in (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true) }.joined() }
                .joined(separator: ":")
            #expect(IPAddress(full) == a, "\(full)")
        }
    }

    @Test func bytesRoundTrip() async {
        await propertyCheck(count: 1000, input: AddrGen.address) { a in
            let b = a.bytes
            #expect(b.count == (a.family == .ipv4 ? 4 : 16))
            #expect(IPAddress(bytes: b) == a)
            #expect(IPAddress(bytes: b[...]) == a)
        }
    }

    @Test func orderAndEqualityFollowTheFamilyThenTheValue() async {
        // The value is stored as two halves: comparing them must order as the whole value does.
        await propertyCheck(count: 1000, input: AddrGen.address, AddrGen.address) { a, b in
            #expect((a < b) == ((a.family, a.value) < (b.family, b.value)))
            #expect((a == b) == (a.family == b.family && a.value == b.value))
            #expect(IPAddress(family: a.family, value: a.value) == a)
        }
    }

    @Test func layoutIsCompact() {
        // Tables keyed by address (plans, route tables, sets) are made of these: a regression to
        // a 16-byte-aligned stored UInt128 makes the strides 32 and 48 again.
        #expect(MemoryLayout<IPAddress>.stride == 24)
        #expect(MemoryLayout<IPPrefix>.stride == 24)
    }

    @Test func advanceAndRetreatAreInverse() async {
        await propertyCheck(count: 500, input: AddrGen.address, Gen.uint64()) { a, d in
            let delta = UInt128(d)
            if let b = a.advanced(by: delta) {
                #expect(b.family == a.family)
                #expect(b.value == a.value + delta)
                #expect(b.retreated(by: delta) == a)
            } else {
                #expect(a.family.maxValue - a.value < delta)
            }
            if let b = a.retreated(by: delta) {
                #expect(b.advanced(by: delta) == a)
            } else {
                #expect(a.value < delta)
            }
        }
    }
}

fileprivate extension Array {
    /// Consecutive slices of `n` elements (the last may be shorter).
    func chunks(_ n: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: n).map { self[$0..<Swift.min($0 + n, count)] }
    }
}
