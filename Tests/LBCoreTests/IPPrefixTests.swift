import Foundation
import PropertyBased
import Testing

@testable import LBCore

@Suite struct IPPrefixTests {
    private func prefix(_ s: String, sourceLocation: SourceLocation = #_sourceLocation) -> IPPrefix {
        guard let p = IPPrefix(s) else {
            Issue.record("test fixture \"\(s)\" does not parse", sourceLocation: sourceLocation)
            return IPPrefix(address: IPAddress(ipv4: 0), length: 0)!
        }
        return p
    }

    @Test(arguments: [
        ("192.0.2.0/24", "192.0.2.0/24", "192.0.2.0", "192.0.2.255"),
        ("192.0.2.77/24", "192.0.2.0/24", "192.0.2.0", "192.0.2.255"),
        ("192.0.2.77/32", "192.0.2.77/32", "192.0.2.77", "192.0.2.77"),
        ("192.0.2.77/31", "192.0.2.76/31", "192.0.2.76", "192.0.2.77"),
        ("10.1.2.3/8", "10.0.0.0/8", "10.0.0.0", "10.255.255.255"),
        ("255.255.255.255/0", "0.0.0.0/0", "0.0.0.0", "255.255.255.255"),
        ("0.0.0.0/0", "0.0.0.0/0", "0.0.0.0", "255.255.255.255"),
        ("172.16.255.1/12", "172.16.0.0/12", "172.16.0.0", "172.31.255.255"),
        ("2001:db8::/64", "2001:db8::/64", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff"),
        ("2001:DB8:0:0:1::77/64", "2001:db8::/64", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff"),
        ("2001:db8::1/128", "2001:db8::1/128", "2001:db8::1", "2001:db8::1"),
        ("2001:db8::1/127", "2001:db8::/127", "2001:db8::", "2001:db8::1"),
        ("::/0", "::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("ffff::1/0", "::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("fe80::1/10", "fe80::/10", "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("::ffff:192.0.2.9/120", "::ffff:192.0.2.0/120", "::ffff:192.0.2.0", "::ffff:192.0.2.255"),
        ("2001:db8:1234:5678:9abc:def0:1234:5678/1", "::/1", "::", "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
    ])
    func parsesAndMasksHostBits(text: String, canonical: String, first: String, last: String) throws {
        let p = try IPPrefix.parse(text)
        #expect(p.description == canonical)
        #expect(p.first.description == first)
        #expect(p.last.description == last)
        #expect(p.network == p.first)
        #expect(try IPPrefix.parse(canonical) == p)
        #expect(IPPrefix(text) == p)
    }

    @Test(arguments: [
        ("192.0.2.0/33", "0-32"),
        ("192.0.2.0/128", "0-32"),
        ("192.0.2.0/999", "0-32"),
        ("192.0.2.0/1000", "0-32"),
        ("192.0.2.0/-1", "0-32"),
        ("192.0.2.0/+8", "0-32"),
        ("192.0.2.0/", "0-32"),
        ("192.0.2.0/2a", "0-32"),
        ("192.0.2.0/٨", "0-32"),  // ARABIC-INDIC DIGIT EIGHT
        ("192.0.2.0/ 24", "0-32"),
        ("192.0.2.0/24 ", "0-32"),
        ("192.0.2.0/0x8", "0-32"),
        ("2001:db8::/129", "0-128"),
        ("2001:db8::/1280", "0-128"),
        ("::/", "0-128"),
        ("192.0.2.0", "ADDRESS/LENGTH"),
        ("2001:db8::", "ADDRESS/LENGTH"),
        ("", "ADDRESS/LENGTH"),
        ("192.0.2.0/24/", "ADDRESS/LENGTH"),
        ("192.0.2.0//24", "ADDRESS/LENGTH"),
        ("192.0.2.0/24/8", "ADDRESS/LENGTH"),
        ("/24", "address"),
        ("/", "address"),
        ("192.0.2.0 /24", "address"),
        (" 192.0.2.0/24", "address"),
        ("192.0.2/24", "four"),
        ("192.0.02.0/24", "leading zero"),
        ("192.0.2.256/24", "0-255"),
        ("fe80::%eth0/64", "zone"),
        ("1::2::/64", "only once"),
        ("192.0.2.0-192.0.2.255", "ADDRESS/LENGTH"),
    ])
    func refusesBadPrefixes(text: String, reason: String) {
        AddrGen.expectParseError(text, reasonContains: reason) { () throws(AddressParseError) in
            _ = try IPPrefix.parse(text)
        }
        #expect(IPPrefix(text) == nil)
    }

    @Test func memberwiseInitRefusesBadLengths() {
        let v4 = IPAddress(ipv4: 0xC000_0201)
        let v6 = IPAddress(ipv6: 1)
        #expect(IPPrefix(address: v4, length: -1) == nil)
        #expect(IPPrefix(address: v4, length: 33) == nil)
        #expect(IPPrefix(address: v4, length: 32)?.network == v4)
        #expect(IPPrefix(address: v4, length: 0)?.description == "0.0.0.0/0")
        #expect(IPPrefix(address: v6, length: -1) == nil)
        #expect(IPPrefix(address: v6, length: 129) == nil)
        #expect(IPPrefix(address: v6, length: 128)?.network == v6)
        #expect(IPPrefix(address: v6, length: Int.max) == nil)
        #expect(IPPrefix(address: v6, length: Int.min) == nil)
    }

    @Test(arguments: [
        (IPFamily.ipv4, 0, UInt128(0)),
        (.ipv4, 1, 0x8000_0000),
        (.ipv4, 24, 0xFFFF_FF00),
        (.ipv4, 32, 0xFFFF_FFFF),
        (.ipv6, 0, 0),
        (.ipv6, 1, UInt128(1) << 127),
        (.ipv6, 64, UInt128(UInt64.max) << 64),
        (.ipv6, 127, UInt128.max - 1),
        (.ipv6, 128, UInt128.max),
    ])
    func masks(family: IPFamily, length: Int, mask: UInt128) {
        #expect(IPPrefix.mask(family: family, length: length) == mask)
    }

    @Test(arguments: [
        ("192.0.2.0/24", "192.0.2.0", true),
        ("192.0.2.0/24", "192.0.2.255", true),
        ("192.0.2.0/24", "192.0.3.0", false),
        ("192.0.2.0/24", "192.0.1.255", false),
        ("192.0.2.7/32", "192.0.2.7", true),
        ("192.0.2.7/32", "192.0.2.8", false),
        ("0.0.0.0/0", "255.255.255.255", true),
        ("0.0.0.0/0", "::", false),
        ("0.0.0.0/0", "::ffff:192.0.2.1", false),
        ("::/0", "0.0.0.0", false),
        ("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true),
        ("::/96", "::1.2.3.4", true),
        ("::/96", "1.2.3.4", false),
        ("2001:db8::/64", "2001:db8::ffff:ffff:ffff:ffff", true),
        ("2001:db8::/64", "2001:db8:0:1::", false),
        ("::ffff:0.0.0.0/96", "192.0.2.1", false),
        ("::ffff:0.0.0.0/96", "::ffff:192.0.2.1", true),
    ])
    func containsAddress(prefix p: String, address: String, expected: Bool) {
        #expect(prefix(p).contains(AddrGen.addr(address)) == expected)
    }

    /// (a, b, a contains b, b contains a, overlap)
    @Test(arguments: [
        ("192.0.2.0/24", "192.0.2.128/25", true, false, true),
        ("192.0.2.0/24", "192.0.2.0/24", true, true, true),
        ("192.0.2.0/24", "192.0.3.0/24", false, false, false),
        ("192.0.2.0/23", "192.0.3.0/24", true, false, true),
        ("192.0.2.0/25", "192.0.2.128/25", false, false, false),
        ("0.0.0.0/0", "10.0.0.0/8", true, false, true),
        ("0.0.0.0/0", "::/0", false, false, false),
        ("0.0.0.0/0", "::/96", false, false, false),
        ("0.0.0.0/0", "::ffff:0.0.0.0/96", false, false, false),
        ("10.0.0.0/8", "::a00:0/104", false, false, false),
        ("2001:db8::/32", "2001:db8:ffff::/48", true, false, true),
        ("2001:db8::/64", "2001:db8:0:1::/64", false, false, false),
        ("::/0", "::1/128", true, false, true),
        ("::/1", "8000::/1", false, false, false),
        ("::/0", "8000::/1", true, false, true),
    ])
    func containmentAndOverlap(a: String, b: String, aContainsB: Bool, bContainsA: Bool, overlap: Bool) {
        let pa = prefix(a), pb = prefix(b)
        #expect(pa.contains(pb) == aContainsB)
        #expect(pb.contains(pa) == bContainsA)
        #expect(pa.overlaps(pb) == overlap)
        #expect(pb.overlaps(pa) == overlap)
        #expect(pa.range.overlaps(pb.range) == overlap)
        #expect(pa.range.contains(pb.range) == aContainsB)
    }

    @Test(arguments: [
        ("192.0.2.0/24", "256"),
        ("192.0.2.0/32", "1"),
        ("192.0.2.0/31", "2"),
        ("10.0.0.0/8", "16777216"),
        ("0.0.0.0/0", "4294967296"),
        ("2001:db8::/128", "1"),
        ("2001:db8::/64", "18446744073709551616"),
        ("2001:db8::/96", "4294967296"),
        ("::/1", "170141183460469231731687303715884105728"),
        ("::/0", "340282366920938463463374607431768211456"),
    ])
    func counts(text: String, count: String) {
        let p = prefix(text)
        #expect(p.count.description == count)
        #expect(p.range.count == p.count)
    }

    @Test func codableAsString() throws {
        let ps = [prefix("192.0.2.0/24"), prefix("2001:db8::/64")]
        let json = try JSONEncoder().encode(ps)
        #expect(String(decoding: json, as: UTF8.self) == #"["192.0.2.0\/24","2001:db8::\/64"]"#
            || String(decoding: json, as: UTF8.self) == #"["192.0.2.0/24","2001:db8::/64"]"#)
        #expect(try JSONDecoder().decode([IPPrefix].self, from: json) == ps)
        #expect(try JSONDecoder().decode([IPPrefix].self, from: Data(#"["192.0.2.77/24"]"#.utf8)) == [ps[0]])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([IPPrefix].self, from: Data(#"["192.0.2.0/33"]"#.utf8))
        }
    }

    // MARK: Properties

    @Test func prefixMaskingInvariants() async {
        await propertyCheck(count: 1000, input: AddrGen.address, Gen.int(in: 0...128)) { a, rawLength in
            let bits = a.family.bitWidth
            let length = rawLength % (bits + 1)
            guard let p = IPPrefix(address: a, length: length) else {
                Issue.record("no prefix for \(a)/\(length)")
                return
            }
            let hostMask = a.family.maxValue & ~IPPrefix.mask(family: a.family, length: length)
            #expect(p.family == a.family)
            #expect(p.length == length)
            #expect(p.contains(a))
            #expect(p.first <= a && a <= p.last)
            #expect(p.first.value & hostMask == 0)
            #expect(p.last.value & hostMask == hostMask)
            #expect(p.last.value & ~hostMask == p.first.value)
            #expect(p.count == AddressCount(p.last.value - p.first.value) + AddressCount(1))
            #expect(p.count == .powerOfTwo(bits - length))
            #expect(p.range.first == p.first && p.range.last == p.last)
            #expect(p.range.prefixes == [p])
            #expect(IPPrefix(p.description) == p)
            #expect(IPPrefix("\(a)/\(length)") == p)
            // The next address after the block, if any, is outside it.
            if let next = p.last.advanced(by: 1) { #expect(!p.contains(next)) }
            if let prev = p.first.retreated(by: 1) { #expect(!p.contains(prev)) }
            // The enclosing prefix one bit shorter contains this one.
            if length > 0, let parent = IPPrefix(address: a, length: length - 1) {
                #expect(parent.contains(p))
                #expect(parent.overlaps(p) && p.overlaps(parent))
                #expect(!p.contains(parent))
                #expect(parent.count == p.count + p.count)
            }
        }
    }
}
