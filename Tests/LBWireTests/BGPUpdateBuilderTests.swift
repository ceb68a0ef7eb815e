import LBCore
import LBTestSupport
import NIOCore
import Testing

@testable import LBWire

@Suite struct BGPUpdateBuilderTests {
    typealias T = BGPTest

    static func decodeUpdates(_ buffers: [ByteBuffer]) throws -> [BGPUpdate] {
        try buffers.map { b in
            #expect(b.readableBytes <= 4096)
            guard case .update(let u)? = try T.decodeOne(b) else { throw BGPCapturedMessagesTests.DecodeFailure() }
            return u
        }
    }

    static func hosts(_ count: Int) -> [IPPrefix] {
        (0..<count).map { IPPrefix(address: IPAddress(ipv4: 0x0A00_0000 + UInt32($0)), length: 32)! }
    }

    /// 10,000 /32s go out in the fewest UPDATEs possible, each prefix exactly once.
    @Test func packsTenThousandHostRoutes() throws {
        let prefixes = Self.hosts(10_000)
        let buffers = try encodeUpdates(announce: prefixes, withdraw: [], attributes: T.sampleAttributes)
        let room = 4096 - 23 - T.sampleAttributes.encodedLength
        let perMessage = room / 5
        #expect(buffers.count == (10_000 + perMessage - 1) / perMessage)
        let updates = try Self.decodeUpdates(buffers)
        #expect(updates.flatMap(\.nlri) == prefixes)
        #expect(updates.allSatisfy { $0.attributes == T.sampleAttributes })
        // All but the last are full: one more prefix would not have fitted.
        for b in buffers.dropLast() { #expect(b.readableBytes + 5 > 4096) }
    }

    @Test func packsWithdrawalsOfBothFamilies() throws {
        let v4 = Self.hosts(2_000)
        let v6 = (0..<1_000).map { IPPrefix(address: IPAddress(ipv6: (0x2001_0db8 << 96) + UInt128($0)), length: 128)! }
        let buffers = try encodeUpdates(announce: [], withdraw: v4 + v6, attributes: T.sampleAttributes)
        let updates = try Self.decodeUpdates(buffers)
        #expect(updates.flatMap(\.withdrawn) == v4)
        #expect(updates.flatMap { $0.attributes.mpUnreach?.withdrawn ?? [] } == v6)
        #expect(buffers.count == (2_000 * 5 + 4072) / 4073 + (1_000 * 17 + 4065) / 4066)
    }

    @Test func announcesIPv6InMPReach() throws {
        let v6 = (0..<500).map { IPPrefix(address: IPAddress(ipv6: (0x2001_0db8 << 96) + (UInt128($0) << 64)), length: 64)! }
        for hops in [[T.address("2001:db8::1")], [T.address("2001:db8::1"), T.address("fe80::1")]] {
            let buffers = try encodeUpdates(announce: v6 + [T.prefix("192.0.2.0/24")], withdraw: [],
                                            attributes: T.sampleAttributes, ipv6NextHops: hops)
            let updates = try Self.decodeUpdates(buffers)
            #expect(updates.flatMap(\.nlri) == [T.prefix("192.0.2.0/24")])
            let reach = updates.compactMap(\.attributes.mpReach)
            #expect(reach.flatMap(\.nlri) == v6)
            #expect(reach.allSatisfy { $0.nextHops == hops })
            #expect(updates.filter { $0.attributes.mpReach != nil }.allSatisfy { $0.attributes.nextHop == nil })
        }
    }

    @Test func refusesMissingNextHops() {
        var noHop = T.sampleAttributes
        noHop.nextHop = nil
        #expect(throws: BGPEncodeError.missingNextHop(.ipv4)) {
            try encodeUpdates(announce: [T.prefix("192.0.2.0/24")], withdraw: [], attributes: noHop)
        }
        #expect(throws: BGPEncodeError.missingNextHop(.ipv6)) {
            try encodeUpdates(announce: [T.prefix("2001:db8::/32")], withdraw: [], attributes: T.sampleAttributes)
        }
    }

    @Test func nothingToSendIsNoMessage() throws {
        #expect(try encodeUpdates(announce: [], withdraw: [], attributes: T.sampleAttributes).isEmpty)
    }

    /// Seeded property run: random prefix mixes and attribute sizes always give messages of at
    /// most 4096 octets that decode back to every prefix, in order, exactly once.
    @Test func randomMixesRoundTrip() throws {
        var rng = SplitMix64(seed: 0x1B_2026)
        for _ in 0..<60 {
            func random(_ family: IPFamily) -> IPPrefix {
                let value = family == .ipv4 ? UInt128(UInt32.random(in: 0...UInt32.max, using: &rng))
                    : UInt128(rng.next()) << 64 | UInt128(rng.next())
                return IPPrefix(address: IPAddress(family: family, value: value)!, length: Int.random(in: 0...family.bitWidth, using: &rng))!
            }
            let announce = (0..<Int.random(in: 0..<800, using: &rng)).map { _ in random(Bool.random(using: &rng) ? .ipv4 : .ipv6) }
            let withdraw = (0..<Int.random(in: 0..<800, using: &rng)).map { _ in random(Bool.random(using: &rng) ? .ipv4 : .ipv6) }
            var attributes = T.sampleAttributes
            attributes.communities = (0..<Int.random(in: 0..<1100, using: &rng)).map { BGPCommunity(value: UInt32($0)) }
            let builder = BGPUpdateBuilder(attributes: attributes, ipv6NextHops: [T.address("2001:db8::1")])
            let buffers: [ByteBuffer]
            do {
                buffers = try builder.encodeUpdates(announce: announce, withdraw: withdraw)
            } catch {
                #expect(attributes.communities.count * 4 > 3900, "\(error)")
                continue
            }
            let updates = try Self.decodeUpdates(buffers)
            #expect(updates.flatMap(\.nlri) == announce.filter { $0.family == .ipv4 })
            #expect(updates.flatMap { $0.attributes.mpReach?.nlri ?? [] } == announce.filter { $0.family == .ipv6 })
            #expect(updates.flatMap(\.withdrawn) == withdraw.filter { $0.family == .ipv4 })
            #expect(updates.flatMap { $0.attributes.mpUnreach?.withdrawn ?? [] } == withdraw.filter { $0.family == .ipv6 })
        }
    }

    static func v6Hosts(_ count: Int) -> [IPPrefix] {
        (0..<count).map { IPPrefix(address: IPAddress(ipv6: (0x2001_0db8 << 96) + UInt128($0)), length: 128)! }
    }

    /// The fewest messages `count` prefixes of `size` octets can take when each message has
    /// `room` octets for them, and a check that every message but the last is full.
    static func expectMinimal(_ buffers: [ByteBuffer], count: Int, size: Int, room: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let perMessage = room / size
        #expect(buffers.count == (count + perMessage - 1) / perMessage, sourceLocation: sourceLocation)
        #expect(buffers.allSatisfy { $0.readableBytes <= 4096 }, sourceLocation: sourceLocation)
        for b in buffers.dropLast() { #expect(b.readableBytes + size > 4096, sourceLocation: sourceLocation) }
    }

    /// 10,000 IPv6 /128s in MP_REACH_NLRI: minimal count, each at most 4096, same set back.
    @Test func packsTenThousandIPv6HostRoutes() throws {
        let prefixes = Self.v6Hosts(10_000)
        let hop = T.address("2001:db8::1")
        let buffers = try encodeUpdates(announce: prefixes, withdraw: [], attributes: T.sampleAttributes, ipv6NextHops: [hop])
        var shared = T.sampleAttributes
        shared.nextHop = nil
        // MP_REACH_NLRI: flags, type, 2-octet length, AFI, SAFI, next-hop length, 16, reserved.
        let room = 4096 - 23 - shared.encodedLength - (4 + 3 + 1 + 16 + 1)
        Self.expectMinimal(buffers, count: 10_000, size: 17, room: room)
        let updates = try Self.decodeUpdates(buffers)
        #expect(updates.flatMap { $0.attributes.mpReach?.nlri ?? [] } == prefixes)
        #expect(Set(updates.flatMap { $0.attributes.mpReach?.nlri ?? [] }) == Set(prefixes))
        #expect(updates.allSatisfy { $0.nlri.isEmpty && $0.attributes.mpReach?.nextHops == [hop] })
        #expect(updates.allSatisfy { var a = $0.attributes; a.mpReach = nil; return a == shared })
    }

    /// 10,000 IPv4 and 10,000 IPv6 host withdrawals: minimal counts, the same sets back.
    @Test func packsTenThousandWithdrawalsPerFamily() throws {
        let v4 = Self.hosts(10_000)
        let v6 = Self.v6Hosts(10_000)
        let v4Buffers = try encodeUpdates(announce: [], withdraw: v4, attributes: T.sampleAttributes)
        Self.expectMinimal(v4Buffers, count: 10_000, size: 5, room: 4096 - 23)
        #expect(Set(try Self.decodeUpdates(v4Buffers).flatMap(\.withdrawn)) == Set(v4))
        #expect(try Self.decodeUpdates(v4Buffers).flatMap(\.withdrawn).count == 10_000)
        let v6Buffers = try encodeUpdates(announce: [], withdraw: v6, attributes: T.sampleAttributes)
        // MP_UNREACH_NLRI: flags, type, 2-octet length, AFI, SAFI.
        Self.expectMinimal(v6Buffers, count: 10_000, size: 17, room: 4096 - 23 - 7)
        let withdrawn = try Self.decodeUpdates(v6Buffers).flatMap { $0.attributes.mpUnreach?.withdrawn ?? [] }
        #expect(withdrawn == v6)
        #expect(try Self.decodeUpdates(v6Buffers).allSatisfy { $0.endOfRIBFamily == nil && $0.attributes.mpReach == nil })
    }
}
