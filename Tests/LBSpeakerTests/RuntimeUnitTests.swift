import Foundation
import KubeAPI
import LBCore
import LBProtocols
import Testing

@testable import LBSpeaker

/// The runtime's pure helpers: the member address annotation, reading peers from Leases, the
/// incremental endpoint index, configuration validation and bounded shutdown steps.
@Suite struct MemberAddressTests {
    @Test(arguments: [
        ("192.0.2.10:7946", "192.0.2.10", 7946),
        ("[2001:db8::10]:7946", "2001:db8::10", 7946),
        ("[::1]:1", "::1", 1),
        ("127.0.0.1:65535", "127.0.0.1", 65535),
    ])
    func parsesAndFormatsBack(text: String, host: String, port: Int) throws {
        let address = try MemberAddress.parse(text)
        #expect(address == PeerAddress(host: try #require(IPAddress(host)), port: UInt16(port)))
        #expect(MemberAddress.format(address) == text)
    }

    @Test(arguments: [
        ("", "no \":PORT\""), ("192.0.2.10", "no \":PORT\""), ("192.0.2.10:", "port"), ("192.0.2.10:0", "port"),
        ("192.0.2.10:65536", "port"), ("192.0.2.10:+80", "port"), ("node-a:7946", "not a numeric IP"),
        ("2001:db8::1:7946", "brackets"), ("[2001:db8::1]", "after \"]\""), ("[2001:db8::1:7946", "closing"),
        ("[192.0.2.1]:7946", "only IPv6"), ("192.0.2.10:7946\n", "port"),
    ])
    func refusesMalformedValues(text: String, fragment: String) {
        #expect {
            _ = try MemberAddress.parse(text)
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }
}

@Suite struct SpeakerLeaseTests {
    static func lease(name: String, holder: String?, address: String?) -> Lease {
        var annotations: [String: String] = [:]
        if let address { annotations[MemberAddress.annotationKey] = address }
        return Lease(
            metadata: ObjectMeta(name: name, namespace: "ironlb-system", annotations: annotations),
            spec: LeaseSpec(holderIdentity: holder))
    }

    /// The Lease informer keeps only what the peer reading needs: another speaker's published
    /// state (up to 200 KB) is dropped, and the reading is the same as from the whole Lease.
    @Test func trimmedLeasesReadTheSameAndDropTheState() throws {
        var whole = Self.lease(name: "ironlb-speaker-b", holder: "b", address: "192.0.2.2:7946")
        whole.metadata.annotations[SpeakerState.annotationKey] = String(repeating: "x", count: 100_000)
        whole.metadata.labels = ["app.kubernetes.io/component": "speaker"]
        whole.metadata.uid = "u-1"
        whole.metadata.resourceVersion = "42"
        whole.spec.leaseDurationSeconds = 10
        let trimmed = Lease.trimmedForSpeaker(whole)
        #expect(trimmed.metadata.annotations == [MemberAddress.annotationKey: "192.0.2.2:7946"])
        #expect(trimmed.metadata.labels.isEmpty && trimmed.spec.leaseDurationSeconds == nil)
        #expect(trimmed.metadata.name == "ironlb-speaker-b" && trimmed.metadata.namespace == "ironlb-system")
        #expect(trimmed.metadata.uid == "u-1" && trimmed.metadata.resourceVersion == "42")
        for selfName in ["a", "b"] {
            #expect(SpeakerLease.peer(from: trimmed, selfName: selfName) == SpeakerLease.peer(from: whole, selfName: selfName))
        }
        let unpublished = Self.lease(name: "ironlb-speaker-c", holder: "c", address: nil)
        #expect(Lease.trimmedForSpeaker(unpublished).metadata.annotations.isEmpty)
        #expect(
            SpeakerLease.peer(from: Lease.trimmedForSpeaker(unpublished), selfName: "a")
                == SpeakerLease.peer(from: unpublished, selfName: "a"))
    }

    @Test func readsAPeer() throws {
        let reading = SpeakerLease.peer(
            from: Self.lease(name: "ironlb-speaker-b", holder: "b", address: "192.0.2.2:7946"), selfName: "a")
        #expect(reading == .peer(name: "b", address: PeerAddress(host: try #require(IPAddress("192.0.2.2")), port: 7946)))
    }

    @Test func recognisesItsOwnLease() {
        #expect(
            SpeakerLease.peer(from: Self.lease(name: "ironlb-speaker-a", holder: "a", address: "1.2.3.4:1"), selfName: "a")
                == .ownLease)
    }

    @Test(arguments: [
        ("ironlb-speaker-b", String?.some("b"), String?.none, "no ironlb.dev/member-address"),
        ("ironlb-speaker-b", String?.some(""), String?.some("192.0.2.2:7946"), "holderIdentity is empty"),
        ("ironlb-speaker-b", String?.none, String?.some("192.0.2.2:7946"), "holderIdentity is empty"),
        ("ironlb-speaker-b", String?.some("c"), String?.some("192.0.2.2:7946"), "does not match"),
        ("ironlb-speaker-b", String?.some("b"), String?.some("garbage"), "member address"),
        ("ironlb-speaker-b", String?.some("b"), String?.some("192.0.2.2:99999"), "port"),
    ] as [(String, String?, String?, String)])
    func refusesUnusableLeases(name: String, holder: String?, address: String?, fragment: String) {
        let reading = SpeakerLease.peer(from: Self.lease(name: name, holder: holder, address: address), selfName: "a")
        guard case .unusable(let why) = reading else {
            Issue.record("expected unusable, got \(reading)")
            return
        }
        #expect(why.contains(fragment), "\(why)")
    }

    @Test func thePatchSetsEveryOwnedField() {
        let patch = SpeakerLease.patch(
            .init(memberAddress: "192.0.2.1:7946", state: "{}"), node: "a", leaseDurationSeconds: 15,
            now: Date(timeIntervalSince1970: 0))
        #expect(patch["metadata"]?["annotations"]?[MemberAddress.annotationKey]?.stringValue == "192.0.2.1:7946")
        #expect(patch["metadata"]?["annotations"]?[SpeakerState.annotationKey]?.stringValue == "{}")
        #expect(patch["metadata"]?["labels"]?["app.kubernetes.io/component"]?.stringValue == "speaker")
        #expect(patch["spec"]?["holderIdentity"]?.stringValue == "a")
        #expect(patch["spec"]?["renewTime"]?.stringValue == "1970-01-01T00:00:00.000000Z")
    }
}

@Suite struct EndpointIndexTests {
    static func slice(_ name: String, service: String?, _ endpoints: [(String?, Bool?)]) -> EndpointSlice {
        EndpointSlice(
            metadata: ObjectMeta(
                name: name, namespace: "default",
                labels: service.map { [EndpointSlice.serviceNameLabel: $0] } ?? [:]),
            endpoints: endpoints.map { Endpoint(addresses: ["10.0.0.1"], conditions: .init(ready: $0.1), nodeName: $0.0) })
    }

    static let web = ServiceKey(namespace: "default", name: "web")

    @Test func combinesSlicesAndReportsChanges() {
        var index = EndpointIndex()
        #expect(index.update(Self.slice("web-1", service: "web", [("a", true), ("b", false)])) == [Self.web])
        #expect(index.readyNodes[Self.web] == ["a"])
        #expect(index.update(Self.slice("web-2", service: "web", [("c", nil)])) == [Self.web])
        #expect(index.readyNodes[Self.web] == ["a", "c"])
        #expect(index.update(Self.slice("web-2", service: "web", [("c", nil)])).isEmpty, "no change, nothing reported")
        #expect(index.remove(Self.slice("web-1", service: "web", [])) == [Self.web])
        #expect(index.readyNodes[Self.web] == ["c"])
        #expect(index.update(Self.slice("web-2", service: "web", [("c", false)])) == [Self.web])
        #expect(index.readyNodes[Self.web] == nil, "no ready endpoint reads as no slices")
        #expect(index.update(Self.slice("stray", service: nil, [("a", true)])).isEmpty)
    }

    @Test func aSliceMovingToAnotherServiceUpdatesBoth() {
        var index = EndpointIndex()
        _ = index.update(Self.slice("s", service: "web", [("a", true)]))
        let other = ServiceKey(namespace: "default", name: "api")
        #expect(index.update(Self.slice("s", service: "api", [("a", true)])) == [Self.web, other])
        #expect(index.readyNodes == [other: ["a"]])
    }

    @Test func agreesWithTheCoreRules() {
        let slices = [
            Self.slice("w1", service: "web", [("a", true), (nil, true), ("", true)]),
            Self.slice("w2", service: "web", [("b", false), ("c", nil)]),
            Self.slice("x1", service: "api", [("d", true)]),
        ]
        var index = EndpointIndex()
        for s in slices { _ = index.update(s) }
        #expect(index.readyNodes == EndpointReadiness.readyNodes(from: slices))
    }
}

@Suite struct SpeakerConfigurationTests {
    static let key = Array("0123456789abcdef".utf8)

    @Test func defaultsAreValid() throws {
        let c = SpeakerConfiguration(nodeName: "node-a", memberKey: Self.key)
        try c.validate()
        #expect(c.namespace == "ironlb-system")
        #expect(c.configMapName == "config")
        #expect(c.memberPort == 7946)
        #expect(c.memberBindHost == "0.0.0.0")
        #expect(c.leaseName == "ironlb-speaker-node-a")
    }

    @Test(arguments: [
        (SpeakerConfiguration(nodeName: "", memberKey: key), "node name"),
        (SpeakerConfiguration(nodeName: String(repeating: "n", count: 240), memberKey: key), "node name"),
        (SpeakerConfiguration(nodeName: "a", memberKey: Array(key.prefix(15))), "15 bytes"),
        (SpeakerConfiguration(nodeName: "a", memberBindHost: "localhost", memberKey: key), "member bind address"),
        (SpeakerConfiguration(nodeName: "a", memberPort: 70000, memberKey: key), "member port"),
        (SpeakerConfiguration(nodeName: "a", memberKey: key, leaseRenewInterval: .seconds(20)), "lease renew interval"),
        (
            SpeakerConfiguration(
                nodeName: "a", memberKey: key, membership: MembershipConfig(deadAfter: .milliseconds(150))),
            "membership"
        ),
    ])
    func refusesWhatCannotWork(configuration: SpeakerConfiguration, fragment: String) {
        #expect {
            try configuration.validate()
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }
}

@Suite struct BoundedStepTests {
    @Test func reportsAStepThatFinishes() async {
        #expect(await BoundedStep.run(within: .seconds(30)) {})
    }

    @Test func givesUpOnAStepThatHangs() async {
        let finished = await BoundedStep.run(within: .milliseconds(50)) {
            // Hangs until cancelled (the bound cancels it).
            try? await Task.sleep(for: .seconds(3600))
        }
        #expect(!finished)
    }
}
