import Testing

@testable import LBLab

/// birdc output parsing, on output captured from bird 2.0.12 in a lab (two eBGP neighbours
/// advertising the same /32 from AS 64513 to a passive bird in AS 64512, 2026-11-21).
@Suite struct BirdOutputTests {
    static let routeAll = """
        BIRD 2.0.12 ready.
        Table master4:
        203.0.113.1/32       unicast [n1 10:51:56.445] * (100) [AS64513i]
        \tvia 10.99.0.11 on br0
        \tType: BGP univ
        \tBGP.origin: IGP
        \tBGP.as_path: 64513
        \tBGP.next_hop: 10.99.0.11
        \tBGP.local_pref: 100
                             unicast [n2 10:51:56.446] (100) [AS64513i]
        \tvia 10.99.0.12 on br0
        \tType: BGP univ
        \tBGP.origin: IGP
        \tBGP.as_path: 64513
        \tBGP.next_hop: 10.99.0.12
        \tBGP.local_pref: 100

        """

    static let protocols = """
        BIRD 2.0.12 ready.
        Name       Proto      Table      State  Since         Info
        device1    Device     ---        up     10:51:50.026  
        n1         BGP        ---        up     10:51:55.869  Established   
        n2         BGP        ---        start  10:52:01.015  Passive       Received: Administrative shutdown

        """

    @Test func everyPathOfAPrefixWithItsNextHop() {
        let attributes = { (hop: String) in ["origin": "IGP", "as_path": "64513", "next_hop": hop, "local_pref": "100"] }
        #expect(BirdRoute.parse(Self.routeAll) == [
            BirdRoute(prefix: "203.0.113.1/32", protocolName: "n1", nextHop: "10.99.0.11", asPath: "64513i", best: true,
                      bgp: attributes("10.99.0.11")),
            BirdRoute(prefix: "203.0.113.1/32", protocolName: "n2", nextHop: "10.99.0.12", asPath: "64513i", best: false,
                      bgp: attributes("10.99.0.12")),
        ])
    }

    /// Communities, large communities and an empty (iBGP) AS path: written in the format of the
    /// captured output above, with the attributes SpeakerLabTests+BGP advertises (not a capture).
    @Test func communitiesAndAnEmptyASPath() {
        let ibgp = """
            Table master6:
            fd00:60::10/128      unicast [n1v6 11:07:58.901] * (100) [i]
            \tvia fd00:1b::b on islb-br0
            \tType: BGP univ
            \tBGP.origin: IGP
            \tBGP.as_path: 
            \tBGP.next_hop: fd00:1b::b
            \tBGP.local_pref: 150
            \tBGP.community: (64513,7)
            \tBGP.large_community: (64513, 1, 2)

            """
        let route = BirdRoute.parse(ibgp).first
        #expect(route?.protocolName == "n1v6")
        #expect(route?.bgp == [
            "origin": "IGP", "as_path": "", "next_hop": "fd00:1b::b", "local_pref": "150", "community": "(64513,7)",
            "large_community": "(64513, 1, 2)",
        ])
    }

    @Test func withoutAllTheSamePaths() {
        let short = """
            BIRD 2.0.12 ready.
            Table master4:
            203.0.113.1/32       unicast [n1 10:51:56.445] * (100) [AS64513i]
            \tvia 10.99.0.11 on br0
                                 unicast [n2 10:51:56.446] (100) [AS64513i]
            \tvia 10.99.0.12 on br0

            """
        // The same paths; only the `BGP.*` attributes need `all`.
        #expect(BirdRoute.parse(short) == BirdRoute.parse(Self.routeAll).map { route in
            var route = route
            route.bgp = [:]
            return route
        })
    }

    @Test func networkNotFoundIsNoRoutes() {
        #expect(BirdRoute.parse("BIRD 2.0.12 ready.\nNetwork not found\n").isEmpty)
        #expect(BirdRoute.parse("").isEmpty)
    }

    @Test func protocolsWithTheirSessionState() {
        let parsed = BirdProtocol.parse(Self.protocols)
        #expect(parsed.map(\.name) == ["device1", "n1", "n2"])
        #expect(parsed[1] == BirdProtocol(name: "n1", kind: "BGP", state: "up", info: "Established"))
        #expect(parsed[1].isEstablished && !parsed[2].isEstablished)
        #expect(parsed[2].info == "Passive Received: Administrative shutdown")
        #expect(parsed[0].info.isEmpty)
    }
}
