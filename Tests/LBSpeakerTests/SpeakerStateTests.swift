import Foundation
import LBCore
import Testing

@testable import LBSpeaker

/// The published speaker state: pinned field names, round trip, canonical bytes, version checks,
/// and the builder from a `Layer2Plan`.
@Suite struct SpeakerStateTests {
    typealias F = Fixtures

    /// A state whose lists are deliberately out of order.
    static let sample = SpeakerState(
        node: "node-a", memberAddress: "172.18.0.3:7946", liveMembers: ["node-b", "node-a"],
        ips: [
            .init(
                ip: F.ip("2001:db8::a"), pool: "plain", services: ["shop/web"], protocol: .layer2, announced: false,
                owner: "node-b", interfaces: [], reasons: [.init(code: "notElected", message: "m")]),
            .init(
                ip: F.ip("192.0.2.10"), pool: "plain", services: ["shop/web", "shop/api"], protocol: .layer2,
                announced: true, owner: "node-a", interfaces: ["eth1", "eth0"], reasons: []),
            .init(
                ip: F.ip("10.9.9.9"), pool: nil, services: ["x/y"], protocol: nil, announced: false, owner: nil,
                interfaces: [], reasons: [.init(code: "noPool", message: "n")]),
        ])

    /// The exact bytes lbctl of other releases relies on: field names, key order, list order.
    static let sampleJSON =
        #"{"ips":[{"announced":false,"interfaces":[],"ip":"10.9.9.9","reasons":[{"code":"noPool","message":"n"}],"#
        + #""services":["x/y"]},{"announced":true,"interfaces":["eth0","eth1"],"ip":"192.0.2.10","owner":"node-a","#
        + #""pool":"plain","protocol":"layer2","reasons":[],"services":["shop/api","shop/web"]},{"announced":false,"#
        + #""interfaces":[],"ip":"2001:db8::a","owner":"node-b","pool":"plain","protocol":"layer2","#
        + #""reasons":[{"code":"notElected","message":"m"}],"services":["shop/web"]}],"#
        + #""liveMembers":["node-a","node-b"],"memberAddress":"172.18.0.3:7946","node":"node-a","version":1}"#

    @Test func encodesToThePinnedCanonicalJSON() throws {
        #expect(try Self.sample.jsonString() == Self.sampleJSON)
    }

    @Test func roundTrips() throws {
        let decoded = try SpeakerState.decode(Self.sample.jsonData())
        #expect(decoded == Self.sample)
        #expect(decoded.version == SpeakerState.currentVersion)
        let fromText = try SpeakerState.decode(Self.sampleJSON)
        #expect(fromText == Self.sample)
    }

    @Test func sameStateInAnyOrderGivesIdenticalBytes() throws {
        var shuffled = Self.sample
        shuffled.liveMembers.reverse()
        shuffled.ips.reverse()
        shuffled.ips[1].services.reverse()
        shuffled.ips[1].interfaces.reverse()
        #expect(try shuffled.jsonData() == Self.sample.jsonData())
        #expect(try Self.sample.jsonData() == Self.sample.jsonData())
    }

    @Test func aChangeChangesTheBytes() throws {
        var moved = Self.sample
        moved.ips[0].announced.toggle()
        #expect(try moved.jsonData() != Self.sample.jsonData())
    }

    @Test func planFromShuffledInputsPublishesIdenticalBytes() throws {
        let ip = F.ipWon(by: "node-a")
        let services = [F.service("web", [ip, F.ip("2001:db8::9")]), F.service("api", [ip]), F.service("x", [F.ip("10.0.0.1")])]
        let one = SpeakerState(
            plan: F.plan(services, node: "node-b"), memberAddress: "10.0.0.2:7946", liveMembers: F.allLive)
        let two = SpeakerState(
            plan: F.plan(services.reversed(), nodes: F.nodes.reversed(), node: "node-b"), memberAddress: "10.0.0.2:7946",
            liveMembers: F.allLive)
        #expect(try one.jsonData() == two.jsonData())
    }

    struct BadRow: Sendable, CustomTestStringConvertible {
        var label: String
        var json: String
        var expected: SpeakerStateError
        var testDescription: String { label }
    }

    static let badRows: [BadRow] = [
        BadRow(
            label: "a newer version", json: #"{"version":2,"node":"n","liveMembers":[],"ips":[],"newField":{"x":1}}"#,
            expected: .unsupportedVersion(2)),
        BadRow(
            label: "a newer version that renamed everything", json: #"{"version":3,"speaker":"n"}"#,
            expected: .unsupportedVersion(3)),
        BadRow(label: "version zero", json: #"{"version":0,"node":"n","liveMembers":[],"ips":[]}"#, expected: .unsupportedVersion(0)),
        BadRow(
            label: "no version", json: #"{"node":"n","liveMembers":[],"ips":[]}"#,
            expected: .malformed("the document has no \"version\" field")),
        BadRow(
            label: "wrong type deep inside",
            json: #"{"version":1,"node":"n","liveMembers":[],"ips":[{"ip":"192.0.2.1","services":[],"announced":"yes","#
                + #""interfaces":[],"reasons":[]}]}"#,
            expected: .malformed("")),
        BadRow(label: "not JSON", json: "node-a announces 192.0.2.1", expected: .malformed("")),
        BadRow(label: "empty annotation", json: "", expected: .malformed("")),
    ]

    @Test(arguments: badRows)
    func rejects(_ row: BadRow) {
        do throws(SpeakerStateError) {
            let state = try SpeakerState.decode(row.json)
            Issue.record("decoded \(state) from \(row.json)")
        } catch {
            switch (error, row.expected) {
            case (.unsupportedVersion(let found), .unsupportedVersion(let expected)):
                #expect(found == expected)
                #expect(error.description.contains("version \(expected)"))
                #expect(error.description.contains("reads only version \(SpeakerState.currentVersion)"))
            case (.malformed(let detail), .malformed(let expected)):
                if !expected.isEmpty { #expect(detail == expected) }
                #expect(error.description.hasPrefix("speaker state is not a valid document: "))
            default:
                Issue.record("expected \(row.expected), got \(error)")
            }
        }
    }

    @Test func malformedErrorNamesTheField() {
        let json = #"{"version":1,"node":"n","liveMembers":[],"ips":[{"ip":"192.0.2.1","services":[],"announced":"yes","#
            + #""interfaces":[],"reasons":[]}]}"#
        #expect(throws: SpeakerStateError.self) { try SpeakerState.decode(json) }
        do throws(SpeakerStateError) {
            _ = try SpeakerState.decode(json)
            Issue.record("decoded a document with a string for a Bool")
        } catch {
            #expect(error.description.contains("ips[0].announced"), "\(error)")
        }
    }

    @Test func plainJSONDecoderAlsoRejectsAnUnknownVersionClearly() {
        let data = Data(#"{"version":2,"node":"n","liveMembers":[],"ips":[]}"#.utf8)
        do {
            _ = try JSONDecoder().decode(SpeakerState.self, from: data)
            Issue.record("a version 2 document decoded")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription == SpeakerStateError.unsupportedVersion(2).description)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func builtFromAPlanWithAnnouncedAndSkippedIPs() throws {
        let owned = F.ipWon(by: "node-b", in: F.zonePool)
        let lost = F.ipWon(by: "node-a")
        let stray = F.ip("10.1.2.3")
        let routed = F.ip("203.0.113.9")
        let services = [
            F.service("web", [owned]), F.service("api", [lost]), F.service("stray", [stray]), F.service("routed", [routed]),
        ]
        let plan = F.plan(services, node: "node-b")
        let state = SpeakerState(
            plan: plan, memberAddress: "10.0.0.2:7946", liveMembers: ["node-c", "node-b", "node-a"],
            interfaces: [lost: ["eth9"]])
        #expect(state.node == "node-b")
        #expect(state.version == 1)
        #expect(state.liveMembers == ["node-a", "node-b", "node-c"])
        // The bgp pool's IP is the BGP plan's to report (SpeakerCoreBGPTests), not layer 2's.
        #expect(state.ips.map(\.ip) == [stray, lost, owned])
        #expect(!state.ips.contains { $0.ip == routed })
        let byIP = Dictionary(uniqueKeysWithValues: state.ips.map { ($0.ip, $0) })

        let o = try #require(byIP[owned])
        #expect(o.announced && o.owner == "node-b" && o.pool == "zoned" && o.protocol == .layer2)
        #expect(o.interfaces == ["bond0", "eth1"])
        #expect(o.reasons.isEmpty && o.services == ["default/web"])

        let l = try #require(byIP[lost])
        #expect(!l.announced && l.owner == "node-a" && l.interfaces.isEmpty)
        #expect(l.reasons == [SpeakerState.Reason(NotAnnouncingReason.notElected(winner: "node-a"))])
        #expect(l.reasons.first?.message.contains("node-a ranks first") == true)

        let s = try #require(byIP[stray])
        #expect(s.pool == nil && s.protocol == nil && !s.announced && s.owner == nil)
        #expect(s.reasons.map(\.code) == ["noPool"])

    }

    @Test func announcedInterfacesPreferWhatTheRuntimeReports() throws {
        let owned = F.ipWon(by: "node-b", in: F.zonePool)
        let plan = F.plan([F.service("web", [owned])], node: "node-b")
        let state = SpeakerState(plan: plan, memberAddress: nil, liveMembers: [], interfaces: [owned: ["vlan20"]])
        #expect(state.ips.first?.interfaces == ["vlan20"])
        #expect(state.memberAddress == nil)
    }

    @Test func aNodeUnknownToTheSpeakerSaysSo() throws {
        let ip = F.ipWon(by: "node-a")
        let plan = F.plan([F.service("web", [ip])], nodes: Array(F.nodes.dropFirst()), node: "node-a")
        let state = SpeakerState(plan: plan, memberAddress: nil, liveMembers: F.allLive)
        let entry = try #require(state.ips.first)
        #expect(!entry.announced)
        #expect(entry.reasons.map(\.code) == ["nodeNotFound"])
    }
}
