import Foundation
import PropertyBased
import Testing

@testable import LBCore

@Suite struct AddressCountTests {
    static let two64 = "18446744073709551616"
    static let two127 = "170141183460469231731687303715884105728"
    static let two128 = "340282366920938463463374607431768211456"
    static let two192Minus1 = "6277101735386680763835789423207666416102355444464034512895"
    static let two192 = "6277101735386680763835789423207666416102355444464034512896"

    @Test(arguments: [
        ("2001:db8::/64", two64),
        ("::/0", two128),
        ("::/1", two127),
        ("::/127", "2"),
        ("::/128", "1"),
        ("10.0.0.0/8", "16777216"),
        ("192.0.2.1/32", "1"),
        ("0.0.0.0/0", "4294967296"),
    ])
    func prefixCountsAreExact(prefix: String, expected: String) throws {
        let c = try IPPrefix.parse(prefix).count
        #expect(c.description == expected)
        #expect(c > .zero)
        #expect(AddressCount(decimal: expected) == c)
    }

    @Test func powersOfTwo() {
        #expect(AddressCount.powerOfTwo(0) == 1)
        #expect(AddressCount.powerOfTwo(64).description == Self.two64)
        #expect(AddressCount.powerOfTwo(64).exactUInt128 == UInt128(1) << 64)
        #expect(AddressCount.powerOfTwo(127).description == Self.two127)
        #expect(AddressCount.powerOfTwo(128).description == Self.two128)
        #expect(AddressCount.powerOfTwo(128) == AddressCount(high: 1, low: 0))
        #expect(AddressCount.powerOfTwo(128).exactUInt128 == nil)
        #expect(AddressCount.powerOfTwo(128) > AddressCount(UInt128.max))
        for bits in 0..<128 {
            #expect(AddressCount.powerOfTwo(bits).exactUInt128 == UInt128(1) << UInt128(bits))
            #expect(AddressCount.powerOfTwo(bits) + AddressCount.powerOfTwo(bits) == AddressCount.powerOfTwo(bits + 1))
        }
    }

    @Test func sums() throws {
        let half = try IPPrefix.parse("::/1").count
        let otherHalf = try IPPrefix.parse("8000::/1").count
        #expect((half + otherHalf).description == Self.two128)
        #expect(half + otherHalf == AddressCount.powerOfTwo(128))
        var total = AddressCount.zero
        total += half
        total += half
        #expect(total == .powerOfTwo(128))
        // IPv4 + IPv6 totals beyond 2^128.
        total += try IPPrefix.parse("0.0.0.0/0").count
        #expect(total.description == "340282366920938463463374607436063178752")
        #expect(AddressCount(UInt128.max) + 1 == .powerOfTwo(128))
        #expect((AddressCount(UInt128.max) + AddressCount(UInt128.max)).description == "680564733841876926926749214863536422910")
        #expect(AddressCount(high: UInt64.max, low: .max).description == Self.two192Minus1)
        #expect(AddressCount.zero + .zero == .zero)
        #expect(AddressCount.zero.description == "0")
    }

    @Test func subtractionSaturatesAtZero() {
        let two128 = AddressCount.powerOfTwo(128)
        #expect(AddressCount(5) - AddressCount(7) == .zero)
        #expect(AddressCount(7) - AddressCount(7) == .zero)
        #expect(AddressCount(7) - AddressCount(5) == 2)
        #expect(AddressCount.zero - two128 == .zero)
        #expect(AddressCount(UInt128.max) - two128 == .zero)
        #expect(two128 - AddressCount(1) == AddressCount(UInt128.max))
        #expect(two128 - AddressCount(UInt128.max) == 1)
        #expect(two128 - two128 == .zero)
        #expect((two128 + two128) - two128 == two128)
        var c: AddressCount = 10
        c -= 20
        #expect(c == .zero)
        c -= 1
        #expect(c == .zero)
    }

    @Test func ordering() {
        let values: [AddressCount] = [
            .powerOfTwo(128), 0, AddressCount(UInt128.max), 1, AddressCount(high: 1, low: 1), AddressCount(high: 2, low: 0),
        ]
        #expect(values.sorted() == [
            0, 1, AddressCount(UInt128.max), .powerOfTwo(128), AddressCount(high: 1, low: 1), AddressCount(high: 2, low: 0),
        ])
    }

    @Test func doubleValueApproximates() {
        #expect(AddressCount(1000).doubleValue == 1000)
        #expect(AddressCount.powerOfTwo(64).doubleValue == 0x1p64)
        #expect(AddressCount.powerOfTwo(128).doubleValue == 0x1p128)
        #expect((AddressCount.powerOfTwo(128) + .powerOfTwo(127)).doubleValue == 0x1p128 + 0x1p127)
    }

    @Test(arguments: [
        "0", "1", "9", "10", "255", "4294967296", "9999999999999999999", "10000000000000000000",
        "18446744073709551615", two64, "100000000000000000000000000000000000000", two127, two128,
        "340282366920938463463374607431768211457", "1000000000000000000000000000000000000000000000000000000000",
        two192Minus1,
    ])
    func decimalRoundTrip(text: String) throws {
        let c = try #require(AddressCount(decimal: text))
        #expect(c.description == text)
    }

    @Test(arguments: [
        ("007", "7"),
        ("0000", "0"),
        ("00340282366920938463463374607431768211456", two128),
    ])
    func decimalAcceptsLeadingZeros(text: String, canonical: String) {
        #expect(AddressCount(decimal: text)?.description == canonical)
    }

    @Test(arguments: [
        "", " ", "-1", "+1", "1.0", "1e3", "0x10", "1_000", "1,000", " 1", "1 ", "1\n", "abc", "١٢", "１", "½", "Ⅻ",
        "12a", "∞", "NaN",
        two192,
        "6277101735386680763835789423207666416102355444464034512897",
        "6277101735386680763835789423207666416102355444464034512900",
        "6277101735386680763835789423207666416102355444464034513000",
        "9999999999999999999999999999999999999999999999999999999999",
        "10000000000000000000000000000000000000000000000000000000000",
        "62771017353866807638357894232076664161023554444640345128950",
        String(repeating: "9", count: 100),
        "1" + String(repeating: "0", count: 200),
        "12554203470773361527671578846415332832204710888928069025792",  // 2^193
        "18831305206160042291507368269622999248307066333392103538688",  // 3 * 2^192
    ])
    func decimalRejects(text: String) {
        #expect(AddressCount(decimal: text) == nil, "\"\(text)\"")
    }

    @Test func codableAsJSONString() throws {
        let values: [AddressCount] = [0, 1, .powerOfTwo(64), .powerOfTwo(128), AddressCount(high: .max, low: .max)]
        let json = try JSONEncoder().encode(values)
        #expect(String(decoding: json, as: UTF8.self)
            == #"["0","1","\#(Self.two64)","\#(Self.two128)","\#(Self.two192Minus1)"]"#)
        #expect(try JSONDecoder().decode([AddressCount].self, from: json) == values)
        for bad in ["[1]", #"["-1"]"#, #"["1.5"]"#, #"[""]"#, #"["\#(Self.two192)"]"#, "[null]"] {
            #expect(throws: DecodingError.self, "\(bad)") {
                try JSONDecoder().decode([AddressCount].self, from: Data(bad.utf8))
            }
        }
    }

    // MARK: Properties

    private static var counts: Generator<AddressCount, some SendableSequenceType> {
        zip(Gen.uint64(), Gen.uint64(), Gen.uint64(), Gen.uint8()).map { t in
            // Vary the magnitude so small, 128-bit and 192-bit values all appear.
            switch t.3 % 4 {
            case 0: return AddressCount(UInt128(t.1 >> (t.3 % 64)))
            case 1: return AddressCount(AddrGen.u128(t.1, t.2))
            case 2: return AddressCount(high: t.0 >> (t.3 % 64), low: AddrGen.u128(t.1, t.2))
            default: return AddressCount(high: t.0, low: AddrGen.u128(t.1, t.2))
            }
        }
    }

    @Test func decimalRoundTripsForRandomValues() async {
        await propertyCheck(count: 1000, input: Self.counts) { c in
            let s = c.description
            #expect(AddressCount(decimal: s) == c, "\(s)")
            #expect(s == "0" || !s.hasPrefix("0"))
            #expect(s.allSatisfy { $0.isASCII && $0.isNumber })
            if let small = c.exactUInt128 { #expect(s == String(small)) }
        }
    }

    @Test func arithmeticForRandomValues() async {
        await propertyCheck(count: 1000, input: Self.counts, Self.counts) { a, b in
            let (lo, hi) = a < b ? (a, b) : (b, a)
            #expect(lo - hi == .zero)
            #expect(hi - lo + lo == hi)
            if hi.high < UInt64.max / 2 {  // No 192-bit overflow.
                #expect(a + b == b + a)
                #expect(a + b - b == a)
                #expect(a + b >= hi)
            }
            #expect((a < b) == (a.description.count < b.description.count
                || (a.description.count == b.description.count && a.description < b.description)))
        }
    }

    @Test func rangeCountsMatchPrefixSums() async {
        await propertyCheck(count: 300, input: Gen.uint64(), Gen.uint64(), Gen.uint64(), Gen.uint64()) { a, b, c, d in
            let x = AddrGen.u128(a, b), y = AddrGen.u128(c, d)
            let r = IPRange(first: IPAddress(ipv6: min(x, y)), last: IPAddress(ipv6: max(x, y)))!
            let sum = r.prefixes.reduce(AddressCount.zero) { $0 + $1.count }
            #expect(sum == r.count)
            #expect(r.count == AddressCount(max(x, y) - min(x, y)) + 1)
        }
    }
}
