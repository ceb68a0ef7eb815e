import Foundation
import LBCore
import LBProtocols
import Logging
import NIOCore
import Testing

@testable import LBNet

/// `BGPPeerSession` against real routers (bird2 and gobgpd) in a network-namespace lab: sessions
/// of every kind, the routes as the router stores them, withdrawal, router restart, TCP MD5 and
/// the TTL of `ebgp-multihop`. Root only; skipped when bird2/gobgpd or root are missing, failed
/// then if IRONLB_REQUIRE_LAB=1.
@Suite(.serialized, .enabled(if: BGPRouterLab.missingPrerequisite == nil, "needs root, bird2 and gobgpd"))
struct BGPRouterInteropTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case bird, gobgp
        var testDescription: String { rawValue }
    }

    static let speakerID: UInt32 = 0xC000_0202  // 192.0.2.2

    static let table: [IPPrefix: BGPRouteAttributes] = [
        IPPrefix("198.51.100.10/32")!: BGPRouteAttributes(
            localPref: 250, communities: [BGPCommunity(value: 65000 << 16 | 100)],
            largeCommunities: [BGPLargeCommunity(global: 65000, local1: 1, local2: 2)]),
        IPPrefix("198.51.100.0/24")!: BGPRouteAttributes(),
        IPPrefix("2001:db8:100::10/128")!: BGPRouteAttributes(
            localPref: 250, communities: [BGPCommunity(value: 65000 << 16 | 200)],
            largeCommunities: [BGPLargeCommunity(global: 4_200_000_001, local1: 3, local2: 4)]),
        IPPrefix("2001:db8:100::/64")!: BGPRouteAttributes(),
    ]

    struct Setup {
        var sessionOverIPv6 = false
        var speakerAS: UInt32 = 65000
        var routerAS: UInt32 = 65001
        var ttl: Int? = 1
        var routerPassword: String? = nil
        var speakerPassword: String? = nil
        var multihop = false
    }

    /// Builds the lab, starts the router and a session, runs `body`, and tears everything down.
    static func withLab(
        _ kind: Kind, _ setup: Setup,
        _ body: (BGPRouterLab, any BGPLabRouter, BGPPeerSession, BGPLabNeighbor) async throws -> Void
    ) async throws {
        let lab = BGPRouterLab()
        defer { lab.destroy() }
        try lab.build()
        let neighbor = BGPLabNeighbor(
            name: "ironlb", localAddress: setup.sessionOverIPv6 ? BGPRouterLab.routerV6 : BGPRouterLab.routerV4,
            localAS: setup.routerAS,
            neighborAddress: setup.sessionOverIPv6 ? BGPRouterLab.speakerV6 : BGPRouterLab.speakerV4,
            neighborAS: setup.speakerAS, password: setup.routerPassword, multihop: setup.multihop)
        let router: any BGPLabRouter =
            switch kind {
            case .bird: BirdLabRouter(lab: lab, neighbors: [neighbor])
            case .gobgp: GoBGPLabRouter(lab: lab, localAS: setup.routerAS, neighbors: [neighbor])
            }
        try router.start()
        let session = BGPPeerSession(
            endpoint: BGPPeerEndpoint(
                name: "\(kind)", address: IPAddress(neighbor.localAddress)!,
                sourceAddress: IPAddress(neighbor.neighborAddress)!, password: setup.speakerPassword, ttl: setup.ttl,
                networkNamespace: lab.speaker),
            configuration: BGPSessionConfiguration(
                localAS: setup.speakerAS, peerAS: setup.routerAS, routerID: speakerID,
                connectRetryTime: .seconds(1), initialBackoff: .milliseconds(200), maximumBackoff: .seconds(1)),
            nextHopV4: setup.sessionOverIPv6 ? IPAddress(BGPRouterLab.speakerV4) : nil,
            nextHopV6: setup.sessionOverIPv6 ? nil : IPAddress(BGPRouterLab.speakerV6),
            eventLoop: lab.speakerLoop, logger: Logger(label: "test.bgp.\(kind)"))
        do {
            try await body(lab, router, session, neighbor)
        } catch {
            await session.stop()
            throw error
        }
        await session.stop()
    }

    static func waitForRoutes(
        _ router: any BGPLabRouter, _ prefixes: Set<String>, timeout: Duration = .seconds(15)
    ) async throws -> [String: BGPLabRoute] {
        var last: [String: BGPLabRoute] = [:]
        try await BGPWait.until("\(router.name) holds exactly \(prefixes.sorted()) (has \(last.keys.sorted()))", timeout: timeout) {
            last = (try? router.routes()) ?? [:]
            return Set(last.keys) == prefixes
        }
        return last
    }

    static var allPrefixes: Set<String> { Set(table.keys.map(\.description)) }

    @Test(arguments: Kind.allCases)
    func ebgpOverIPv4WithTwoOctetASN(_ kind: Kind) async throws {
        try await Self.withLab(kind, Setup()) { lab, router, session, neighbor in
            session.setRoutes(Self.table)
            session.start()
            let routes = try await Self.waitForRoutes(router, Self.allPrefixes)
            #expect(try router.isEstablished(neighbor))
            let host = try #require(routes["198.51.100.10/32"])
            #expect(host.nextHop == BGPRouterLab.speakerV4)
            #expect(host.asPath == [65000])
            #expect(host.localPref != 250, "LOCAL_PREF must not go to an external peer")
            #expect(host.communities == ["65000:100"])
            #expect(host.largeCommunities == ["65000:1:2"])
            let v6 = try #require(routes["2001:db8:100::10/128"])
            #expect(v6.nextHop == BGPRouterLab.speakerV6)
            #expect(v6.communities == ["65000:200"])
            #expect(v6.largeCommunities == ["4200000001:3:4"])
            #expect(routes["198.51.100.0/24"]?.communities.isEmpty == true)
            // Direct eBGP: our packets carry TTL 1.
            #expect(await session.connectionTTL() == 1)
            // Withdrawal.
            var fewer = Self.table
            fewer[IPPrefix("198.51.100.0/24")!] = nil
            fewer[IPPrefix("2001:db8:100::/64")!] = nil
            session.setRoutes(fewer)
            _ = try await Self.waitForRoutes(router, ["198.51.100.10/32", "2001:db8:100::10/128"])
            #expect(session.status.prefixesAdvertised == 2)
            _ = lab
        }
    }

    @Test(arguments: Kind.allCases)
    func ibgpOverIPv6WithFourOctetASN(_ kind: Kind) async throws {
        var setup = Setup()
        setup.sessionOverIPv6 = true
        setup.speakerAS = 4_200_000_001
        setup.routerAS = 4_200_000_001
        setup.ttl = nil
        try await Self.withLab(kind, setup) { _, router, session, _ in
            session.setRoutes(Self.table)
            session.start()
            let routes = try await Self.waitForRoutes(router, Self.allPrefixes)
            let host = try #require(routes["198.51.100.10/32"])
            #expect(host.asPath == [])
            #expect(host.localPref == 250)
            #expect(host.nextHop == BGPRouterLab.speakerV4)
            let v6 = try #require(routes["2001:db8:100::10/128"])
            #expect(v6.localPref == 250)
            #expect(v6.nextHop == BGPRouterLab.speakerV6)
            #expect(session.status.negotiated?.fourOctetAS == true)
        }
    }

    @Test(arguments: Kind.allCases)
    func ebgpMultihopOverIPv6WithFourOctetASN(_ kind: Kind) async throws {
        var setup = Setup()
        setup.sessionOverIPv6 = true
        setup.speakerAS = 4_200_000_001
        setup.ttl = 255
        setup.multihop = true
        try await Self.withLab(kind, setup) { _, router, session, _ in
            session.setRoutes(Self.table)
            session.start()
            let routes = try await Self.waitForRoutes(router, Self.allPrefixes)
            #expect(routes["2001:db8:100::/64"]?.asPath == [4_200_000_001])
            #expect(routes["198.51.100.0/24"]?.asPath == [4_200_000_001])
            #expect(await session.connectionTTL() == 255)
        }
    }

    @Test(arguments: Kind.allCases)
    func routerRestartGetsEveryRouteBack(_ kind: Kind) async throws {
        try await Self.withLab(kind, Setup()) { _, router, session, _ in
            session.setRoutes(Self.table)
            session.start()
            _ = try await Self.waitForRoutes(router, Self.allPrefixes)
            router.stop()
            try await BGPWait.until("the session notices the router is gone") { session.status.state != .established }
            try router.start()
            // Back within a few connect-retry intervals (1 s here) and the backoff.
            _ = try await Self.waitForRoutes(router, Self.allPrefixes, timeout: .seconds(10))
            try await BGPWait.until("second session counted") { session.status.sessionsEstablished == 2 }
        }
    }

    @Test(arguments: Kind.allCases)
    func md5PasswordRightEstablishes(_ kind: Kind) async throws {
        var setup = Setup()
        setup.routerPassword = "s3cret-IronLB"
        setup.speakerPassword = "s3cret-IronLB"
        try await Self.withLab(kind, setup) { _, router, session, _ in
            session.setRoutes(Self.table)
            session.start()
            _ = try await Self.waitForRoutes(router, Self.allPrefixes)
            #expect(session.status.state == .established)
        }
    }

    @Test(arguments: Kind.allCases)
    func md5PasswordWrongNeverEstablishesAndSaysWhy(_ kind: Kind) async throws {
        var setup = Setup()
        setup.routerPassword = "s3cret-IronLB"
        setup.speakerPassword = "wrong"
        try await Self.withLab(kind, setup) { _, router, session, _ in
            session.setRoutes(Self.table)
            session.start()
            // Several connect attempts time out; none gets a session.
            try await BGPWait.until("a connect timeout with the MD5 hint", timeout: .seconds(10)) {
                (session.status.lastError ?? "").contains("TCP MD5 password mismatch")
            }
            #expect(session.status.sessionsEstablished == 0)
            #expect((try? router.routes())?.isEmpty ?? true)
        }
    }
}

/// Makes a missing prerequisite a failure where CI insists (IRONLB_REQUIRE_LAB=1).
@Suite struct BGPRouterLabPrerequisiteTests {
    @Test(.enabled(if: BGPRouterLab.required, "IRONLB_REQUIRE_LAB is not set"))
    func routersArePresent() {
        #expect(BGPRouterLab.missingPrerequisite == nil, "\(BGPRouterLab.missingPrerequisite ?? "")")
    }
}
