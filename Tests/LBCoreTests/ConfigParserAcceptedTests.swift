import Testing

@testable import LBCore

/// Configs the parser must accept, with the model values they must give: MetalLB v0.12's
/// documented examples unchanged, the defaults, and IronLB's extensions.
@Suite struct ConfigParserAcceptedTests {
    private func parse(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Config {
        do {
            return try ConfigParser.parse(yaml)
        } catch {
            Issue.record("refused:\n\(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    private func ip(_ s: String) -> IPAddress { IPAddress(s)! }
    private func range(_ s: String) -> IPRange { try! IPRange.parse(s) }

    // MARK: MetalLB v0.12's documented examples

    @Test func metalLBLayer2Example() throws {
        let config = try parse("""
            address-pools:
            - name: default
              protocol: layer2
              addresses:
              - 192.168.1.240-192.168.1.250
            """)
        #expect(config.pools == [AddressPool(name: "default", protocol: .layer2, ranges: [range("192.168.1.240-192.168.1.250")])])
        #expect(config.pools[0].usableCount(.ipv4) == 11)
        #expect(config.peers.isEmpty)
    }

    @Test func metalLBBGPExample() throws {
        let config = try parse("""
            peers:
            - peer-address: 10.0.0.1
              peer-asn: 64501
              my-asn: 64500
            address-pools:
            - name: default
              protocol: bgp
              addresses:
              - 192.168.10.0/24
            """)
        #expect(config.peers == [BGPPeer(
            name: "10.0.0.1:179", peerAddress: ip("10.0.0.1"), peerASN: 64501, myASN: 64500, peerPort: 179, holdTime: 90,
            keepaliveTime: 30)])
        #expect(config.pools == [AddressPool(name: "default", protocol: .bgp, ranges: [range("192.168.10.0/24")])])
    }

    @Test func metalLBAdvertisementExample() throws {
        let config = try parse("""
            peers:
            - peer-address: 10.0.0.1
              peer-asn: 64501
              my-asn: 64500
            address-pools:
            - name: default
              protocol: bgp
              addresses:
              - 198.51.100.0/24
              bgp-advertisements:
              - aggregation-length: 32
                localpref: 100
                communities:
                - no-advertise
              - aggregation-length: 24
            bgp-communities:
              no-advertise: 65535:65282
            """)
        let noAdvertise = BGPCommunity(asn: 65535, local: 65282)
        #expect(config.communityAliases == ["no-advertise": noAdvertise])
        #expect(config.pools[0].bgpAdvertisements == [
            BGPAdvertisement(aggregationLength: 32, aggregationLengthV6: 128, localPref: 100, communities: [noAdvertise]),
            BGPAdvertisement(aggregationLength: 24, aggregationLengthV6: 128, localPref: nil, communities: []),
        ])
    }

    @Test func metalLBNodeSelectorExample() throws {
        let config = try parse("""
            peers:
            - peer-address: 10.0.0.1
              peer-asn: 64501
              my-asn: 64500
              node-selectors:
              - match-labels:
                  rack: frontend
                match-expressions:
                - key: network-speed
                  operator: NotIn
                  values: [slow]
              - match-expressions:
                - key: kubernetes.io/hostname
                  operator: In
                  values: [hostA, hostB]
            """)
        #expect(config.peers[0].nodeSelectors == [
            LabelSelector(
                matchLabels: ["rack": "frontend"],
                matchExpressions: [.init(key: "network-speed", operator: .notIn, values: ["slow"])]),
            LabelSelector(matchExpressions: [.init(key: "kubernetes.io/hostname", operator: .in, values: ["hostA", "hostB"])]),
        ])
    }

    @Test func metalLBPoolOptionsExample() throws {
        let config = try parse("""
            address-pools:
            - name: cheap
              protocol: bgp
              addresses:
              - 192.168.144.0/20
              avoid-buggy-ips: true
            - name: expensive
              protocol: bgp
              addresses:
              - 42.176.25.64/30
              auto-assign: false
            """)
        #expect(config.pools.map(\.avoidBuggyIPs) == [true, false])
        #expect(config.pools.map(\.autoAssign) == [true, false])
        #expect(config.pools[0].usableCount(.ipv4) == 4064)  // 4096 minus 16 ending .0 and 16 ending .255
    }

    @Test func metalLBBFDExample() throws {
        let config = try parse("""
            bfd-profiles:
            - name: full1
              receive-interval: 179
              transmit-interval: 180
              echo-interval: 62
              echo-mode: false
              passive-mode: false
              minimum-ttl: 10
            peers:
            - peer-address: 10.0.0.1
              peer-asn: 64501
              my-asn: 64500
              bfd-profile: full1
            """)
        #expect(config.bfdProfiles == [BFDProfile(
            name: "full1", receiveInterval: 179, transmitInterval: 180, detectMultiplier: nil, echoInterval: 62,
            echoMode: false, passiveMode: false, minimumTTL: 10)])
        #expect(config.peers[0].bfdProfile == "full1")
    }

    // MARK: Defaults and edge cases

    @Test(arguments: ["", "   \n", "# only a comment\n# and another", "~", "---\n", "{}"])
    func emptyTextIsAnEmptyConfig(_ text: String) throws {
        #expect(try parse(text) == Config())
    }

    @Test func defaults() throws {
        let config = try parse("""
            peers:
            - {peer-address: "2001:db8::1", peer-asn: 64501, my-asn: 64500}
            - {peer-address: 10.0.0.2, peer-asn: 64501, my-asn: 64500, hold-time: 1m}
            address-pools:
            - {name: p, protocol: bgp, addresses: [192.0.2.0/24], bgp-advertisements: [{}]}
            """)
        let v6 = config.peers[0]
        #expect(v6.name == "[2001:db8::1]:179")
        #expect((v6.peerPort, v6.holdTime, v6.keepaliveTime, v6.ebgpMultihop) == (179, 90, 30, false))
        #expect(v6.routerID == nil && v6.sourceAddress == nil && v6.password == nil && v6.bfdProfile == nil)
        #expect(v6.nodeSelectors.isEmpty)
        #expect((config.peers[1].holdTime, config.peers[1].keepaliveTime) == (60, 20))
        let p = config.pools[0]
        #expect(p.autoAssign && !p.avoidBuggyIPs)
        #expect(p.interfaces.isEmpty && p.nodeSelectors.isEmpty && p.namespaces.isEmpty)
        #expect(p.bgpAdvertisements == [BGPAdvertisement(aggregationLength: 32, aggregationLengthV6: 128)])
    }

    /// (hold-time as written, seconds)
    @Test(arguments: [("90s", 90), ("1m30s", 90), ("0", 0), ("0s", 0), ("3.9s", 3), ("1.5m", 90), ("3000ms", 3), ("+5s", 5)])
    func holdTimeDurations(_ text: String, _ seconds: Int) throws {
        let config = try parse("peers: [{peer-address: 10.0.0.1, peer-asn: 1, my-asn: 2, hold-time: \"\(text)\"}]")
        #expect(config.peers[0].holdTime == seconds)
        #expect(config.peers[0].keepaliveTime == seconds / 3)
    }

    /// yaml.v2's booleans.
    @Test(arguments: [("yes", true), ("on", true), ("True", true), ("Y", true), ("no", false), ("OFF", false), ("false", false)])
    func booleans(_ text: String, _ value: Bool) throws {
        let config = try parse("address-pools: [{name: p, protocol: layer2, addresses: [192.0.2.0/24], auto-assign: \(text)}]")
        #expect(config.pools[0].autoAssign == value)
    }

    /// yaml.v2's integers: hex, octal, binary, separators.
    @Test(arguments: [("0xFBF5", 64501), ("64_501", 64501), ("+64501", 64501), ("0o175765", 64501), ("0175765", 64501)])
    func integers(_ text: String, _ value: UInt32) throws {
        let config = try parse("peers: [{peer-address: 10.0.0.1, peer-asn: \(text), my-asn: 4294967295}]")
        #expect(config.peers[0].peerASN == value)
        #expect(config.peers[0].myASN == UInt32.max)
    }

    @Test func rangesWithSpacesAndIPv6() throws {
        let config = try parse("""
            address-pools:
            - name: p
              protocol: layer2
              addresses:
              - 192.0.2.10 - 192.0.2.20
              - 2001:db8::/64
              - 2001:db8:1::10-2001:db8:1::1f
            """)
        #expect(config.pools[0].ranges == [range("192.0.2.10-192.0.2.20"), range("2001:db8::/64"), range("2001:db8:1::10-2001:db8:1::1f")])
        #expect(config.pools[0].usableCount(.ipv6).description == "18446744073709551632")
    }

    @Test func aggregationMayEqualOrExceedThePoolPrefix() throws {
        let config = try parse("""
            address-pools:
            - name: p
              protocol: bgp
              addresses: [10.0.0.0/24, "2001:db8::/64", 10.1.0.0-10.1.0.255]
              bgp-advertisements: [{aggregation-length: 24, aggregation-length-v6: 64}, {aggregation-length: 28}]
            """)
        #expect(config.pools[0].bgpAdvertisements.map(\.aggregationLength) == [24, 28])
    }

    @Test func largeCommunitiesAndDeduplication() throws {
        let config = try parse("""
            bgp-communities:
              big: large:64500:1:4294967295
              small: 65535:65281
            address-pools:
            - name: p
              protocol: bgp
              addresses: [192.0.2.0/24]
              bgp-advertisements:
              - communities: [big, small, "65535:65281", "large:1:2:3", big]
            """)
        let ad = config.pools[0].bgpAdvertisements[0]
        #expect(ad.communities == [BGPCommunity(asn: 65535, local: 65281)])
        #expect(ad.largeCommunities == [
            BGPLargeCommunity(global: 64500, local1: 1, local2: 4_294_967_295), BGPLargeCommunity(global: 1, local1: 2, local2: 3),
        ])
        #expect(config.largeCommunityAliases == ["big": BGPLargeCommunity(global: 64500, local1: 1, local2: 4_294_967_295)])
        #expect(config.communityAliases == ["small": BGPCommunity(asn: 65535, local: 65281)])
    }

    @Test func ironLBPoolExtensions() throws {
        let config = try parse("""
            address-pools:
            - name: p
              protocol: layer2
              addresses: [192.0.2.0/24]
              interfaces: [eth0, bond0.100]
              node-selectors: [{match-labels: {node-role.kubernetes.io/edge: ""}}]
              namespaces: [payments, checkout]
            """)
        let p = config.pools[0]
        #expect(p.interfaces == ["eth0", "bond0.100"])
        #expect(p.nodeSelectors == [LabelSelector(matchLabels: ["node-role.kubernetes.io/edge": ""])])
        #expect(p.namespaces == ["payments", "checkout"])
    }

    @Test func peersOnOneEndpointForDisjointNodesAreAllowed() throws {
        let config = try parse("""
            peers:
            - {peer-address: 10.0.0.1, peer-asn: 1, my-asn: 2, node-selectors: [{match-labels: {rack: a}}]}
            - {peer-address: 10.0.0.1, peer-asn: 1, my-asn: 3, node-selectors: [{match-expressions: [{key: rack, operator: NotIn, values: [a]}]}]}
            - {peer-address: 10.0.0.1, peer-asn: 1, my-asn: 4, peer-port: 1179}
            - {name: other, peer-address: 10.0.0.1, peer-asn: 1, my-asn: 2, source-address: 10.0.0.9}
            """)
        #expect(config.peers.map(\.name) == ["10.0.0.1:179", "10.0.0.1:179#1", "10.0.0.1:1179", "other"])
    }

    @Test func allPeerKeys() throws {
        let config = try parse("""
            peers:
            - name: tor
              peer-address: 10.0.0.1
              peer-asn: 64501
              my-asn: 64500
              peer-port: 1179
              hold-time: 9s
              keepalive-time: 3s
              router-id: 10.0.0.100
              source-address: 10.0.0.5
              password: s3cr3t
              ebgp-multihop: yes
            """)
        #expect(config.peers == [BGPPeer(
            name: "tor", peerAddress: ip("10.0.0.1"), peerASN: 64501, myASN: 64500, peerPort: 1179, holdTime: 9,
            keepaliveTime: 3, routerID: ip("10.0.0.100"), sourceAddress: ip("10.0.0.5"), password: "s3cr3t",
            ebgpMultihop: true)])
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let config = try parse("""
            peers:
            - &tor {peer-address: 10.0.0.1, peer-asn: 64501, my-asn: 64500, node-selectors: &zone [{match-labels: {zone: a}}]}
            - <<: *tor
              peer-address: 10.0.0.2
            address-pools:
            - {name: p, protocol: layer2, addresses: [192.0.2.0/24], node-selectors: *zone}
            """)
        #expect(config.peers.map(\.peerAddress) == [ip("10.0.0.1"), ip("10.0.0.2")])
        #expect(config.peers[1].peerASN == 64501)
        #expect(config.pools[0].nodeSelectors == [LabelSelector(matchLabels: ["zone": "a"])])
    }

    @Test func nullValuesMeanNotGiven() throws {
        let config = try parse("""
            peers:
            address-pools:
            - {name: p, protocol: layer2, addresses: [192.0.2.0/24], auto-assign: ~, bgp-advertisements: null}
            """)
        #expect(config.pools[0].autoAssign)
    }

    @Test func stringFieldsTakeAnyScalar() throws {
        let config = try parse("""
            address-pools: [{name: 2024, protocol: layer2, addresses: [192.0.2.0/24]}]
            peers: [{peer-address: 10.0.0.1, peer-asn: 1, my-asn: 2, password: 12345}]
            """)
        #expect(config.pools[0].name == "2024")
        #expect(config.peers[0].password == "12345")
    }
}
