import LBCore
import LBWire
import NIOCore
import Testing

@testable import LBNet

/// The Adj-RIB-Out diff without sockets: what each batch of UPDATEs carries, grouping, limits,
/// families that cannot be sent, and the 2-octet AS_PATH for peers without 4-octet AS support.
private func p(_ text: String) -> IPPrefix { IPPrefix(text)! }

@Suite struct BGPAdjRIBOutTests {
    static let external = BGPAdjRIBOut.Context(
        internalPeer: false, localAS: 65000, fourOctetAS: true, nextHopV4: IPAddress("192.0.2.2"),
        nextHopV6: IPAddress("2001:db8::2"), ipv4Negotiated: true, ipv6Negotiated: true)



    /// Decodes UPDATEs as a peer would (4-octet AS unless told otherwise).
    static func decode(_ messages: [ByteBuffer], fourOctetAS: Bool = true) throws -> [BGPUpdate] {
        var decoder = BGPMessageDecoder(fourOctetAS: fourOctetAS)
        return try messages.map { bytes in
            var b = bytes
            guard case .update(let update) = try decoder.parseStep(&b) else { throw BGPTestFailure("not an UPDATE") }
            #expect(b.readableBytes == 0)
            return update
        }
    }

    @Test func firstBatchAnnouncesEverythingThenNothing() throws {
        var rib = BGPAdjRIBOut()
        rib.setDesired([p("192.0.2.10/32"): .init(), p("2001:db8:1::/64"): .init(communities: [BGPCommunity(value: 1)])])
        #expect(rib.pendingCount == 2)
        let updates = try Self.decode(rib.nextBatch(in: Self.external, limit: 100))
        #expect(Set(updates.flatMap(\.nlri)) == [p("192.0.2.10/32")])
        #expect(updates.flatMap { $0.attributes.mpReach?.nlri ?? [] } == [p("2001:db8:1::/64")])
        #expect(rib.pendingCount == 0)
        #expect(rib.advertised.count == 2)
        #expect(try rib.nextBatch(in: Self.external, limit: 100).isEmpty)
    }

    @Test func changesBecomeWithdrawalsAndReannouncements() throws {
        var rib = BGPAdjRIBOut()
        let a = p("192.0.2.1/32"), b = p("192.0.2.2/32"), c = p("2001:db8::1/128")
        rib.setDesired([a: .init(), b: .init(), c: .init()])
        _ = try rib.nextBatch(in: Self.external, limit: 100)
        rib.setDesired([a: .init(communities: [BGPCommunity(value: 5)]), c: .init()])
        let updates = try Self.decode(rib.nextBatch(in: Self.external, limit: 100))
        #expect(updates.flatMap(\.withdrawn) == [b])
        #expect(updates.flatMap(\.nlri) == [a])
        #expect(updates.first { !$0.nlri.isEmpty }?.attributes.communities == [BGPCommunity(value: 5)])
        #expect(updates.allSatisfy { $0.attributes.mpReach == nil && $0.attributes.mpUnreach == nil })
    }

    @Test func aChangeUndoneBeforeSendingSendsNothing() throws {
        var rib = BGPAdjRIBOut()
        let a = p("192.0.2.1/32")
        rib.setDesired([a: .init()])
        _ = try rib.nextBatch(in: Self.external, limit: 100)
        rib.setDesired([:])
        rib.setDesired([a: .init()])
        #expect(rib.pendingCount == 0)
        #expect(try rib.nextBatch(in: Self.external, limit: 100).isEmpty)
    }

    @Test func batchesRespectTheLimitAndPackPrefixes() throws {
        var rib = BGPAdjRIBOut()
        var table: [IPPrefix: BGPRouteAttributes] = [:]
        for i in 0..<3000 { table[IPPrefix(address: IPAddress(ipv4: 0x0A00_0000 | UInt32(i)), length: 32)!] = .init() }
        rib.setDesired(table)
        var batches = 0
        var announced = Set<IPPrefix>()
        while true {
            let messages = try rib.nextBatch(in: Self.external, limit: 800)
            if messages.isEmpty { break }
            batches += 1
            let prefixes = try Self.decode(messages).flatMap(\.nlri)
            #expect(prefixes.count <= 800)
            #expect(messages.allSatisfy { $0.readableBytes <= 4096 })
            announced.formUnion(prefixes)
        }
        #expect(batches == 4)
        #expect(announced == Set(table.keys))
    }

    @Test func blockedFamiliesStayPendingWithAReason() throws {
        var context = Self.external
        context.nextHopV6 = nil
        var rib = BGPAdjRIBOut()
        rib.setDesired([p("192.0.2.1/32"): .init(), p("2001:db8::1/128"): .init()])
        let updates = try Self.decode(rib.nextBatch(in: context, limit: 100))
        #expect(updates.flatMap(\.nlri) == [p("192.0.2.1/32")])
        #expect(rib.pendingCount == 1)
        let blocked = rib.blocked(in: context)
        #expect(blocked.count == 1)
        #expect(blocked.first?.family == .ipv6)
        #expect(blocked.first?.reason.contains("no IPv6 next hop") == true)
    }

    @Test func newSessionResendsTheWholeTable() throws {
        var rib = BGPAdjRIBOut()
        rib.setDesired([p("192.0.2.1/32"): .init(), p("192.0.2.2/32"): .init()])
        _ = try rib.nextBatch(in: Self.external, limit: 100)
        rib.resetSession()
        #expect(rib.pendingCount == 2)
        #expect(rib.advertised.isEmpty)
        let updates = try Self.decode(rib.nextBatch(in: Self.external, limit: 100))
        #expect(Set(updates.flatMap(\.nlri)) == [p("192.0.2.1/32"), p("192.0.2.2/32")])
        #expect(updates.flatMap(\.withdrawn).isEmpty)
    }

    @Test func attributesPerSessionType() {
        let route = BGPRouteAttributes(localPref: 300, communities: [BGPCommunity(value: 7)], largeCommunities: [.init(global: 1, local1: 2, local2: 3)])
        let ebgp = BGPAdjRIBOut.pathAttributes(route, context: Self.external)
        #expect(ebgp.origin == .igp)
        #expect(ebgp.asPath == [.sequence([65000])])
        #expect(ebgp.localPref == nil)
        #expect(ebgp.nextHop == IPAddress("192.0.2.2"))
        #expect(ebgp.communities == [BGPCommunity(value: 7)])
        #expect(ebgp.largeCommunities == [.init(global: 1, local1: 2, local2: 3)])
        var internalContext = Self.external
        internalContext.internalPeer = true
        let ibgp = BGPAdjRIBOut.pathAttributes(route, context: internalContext)
        #expect(ibgp.asPath == [])
        #expect(ibgp.localPref == 300)
    }

    @Test func twoOctetPeerGetsASTransAndAS4Path() throws {
        var context = Self.external
        context.fourOctetAS = false
        context.localAS = 4_200_000_001
        var rib = BGPAdjRIBOut()
        rib.setDesired([p("192.0.2.1/32"): .init()])
        let update = try #require(try Self.decode(rib.nextBatch(in: context, limit: 10), fourOctetAS: false).first)
        #expect(update.attributes.asPath == [.sequence([23456])])
        let as4 = try #require(update.attributes.other.first { $0.type == 17 })
        #expect(as4.value == [2, 1, 0xFA, 0x56, 0xEA, 0x01])
        // A 2-octet local AS needs no AS4_PATH.
        context.localAS = 64512
        let plain = BGPAdjRIBOut.pathAttributes(.init(), context: context)
        #expect(plain.asPath == nil)
        #expect(plain.other.map(\.type) == [2])
        #expect(plain.other.first?.value == [2, 1, 0xFC, 0x00])
    }
}
