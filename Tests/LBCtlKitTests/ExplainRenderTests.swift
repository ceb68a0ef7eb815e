import Foundation
import Testing

@testable import LBCtlKit

/// Snapshots of `lbctl explain` output for the Services of `StatusFixtures.clusterSnapshot`:
/// layer 2 served (`web`), BGP with one node's session down (`api`), a split view (`split`), a
/// claim by a stale speaker (`legacy`) and a pending Service (`db`). A change here is a
/// user-visible change (and a CHANGELOG line).
@Suite struct ExplainRenderTests {
    static func report(_ name: String) throws -> ExplainReport {
        let snapshot = StatusFixtures.clusterSnapshot
        let service = try #require(snapshot.services.first { $0.metadata.name == name })
        return ExplainReport.build(service, snapshot: snapshot)
    }

    static func table(_ name: String, style: Style = .plain) throws -> String {
        ExplainTable.lines(try report(name), style: style).joined(separator: "\n")
    }

    @Test func layer2Table() throws { #expect(try Self.table("web") == Self.webTable) }
    @Test func layer2TableWithColour() throws { #expect(try Self.table("web", style: .colored) == Self.webColoured) }
    @Test func layer2JSON() throws { #expect(try DocumentEncoding.json(Self.report("web")) == Self.webJSON) }
    @Test func layer2YAML() throws { #expect(try DocumentEncoding.yaml(Self.report("web")) == Self.webYAML) }
    @Test func bgpTable() throws { #expect(try Self.table("api") == Self.apiTable) }
    @Test func bgpJSON() throws { #expect(try DocumentEncoding.json(Self.report("api")) == Self.apiJSON) }
    @Test func bgpYAML() throws { #expect(try DocumentEncoding.yaml(Self.report("api")) == Self.apiYAML) }
    @Test func splitViewTable() throws { #expect(try Self.table("split") == Self.splitTable) }
    @Test func splitViewTableWithColour() throws { #expect(try Self.table("split", style: .colored) == Self.splitColoured) }
    @Test func staleSpeakerTable() throws { #expect(try Self.table("legacy") == Self.legacyTable) }
    @Test func staleSpeakerYAML() throws { #expect(try DocumentEncoding.yaml(Self.report("legacy")) == Self.legacyYAML) }
    @Test func pendingTable() throws { #expect(try Self.table("db") == Self.dbTable) }
    @Test func pendingTableWithColour() throws { #expect(try Self.table("db", style: .colored) == Self.dbColoured) }
    @Test func pendingJSON() throws { #expect(try DocumentEncoding.json(Self.report("db")) == Self.dbJSON) }
    @Test func pendingYAML() throws { #expect(try DocumentEncoding.yaml(Self.report("db")) == Self.dbYAML) }

    @Test(arguments: ["web", "api", "split", "legacy", "db"])
    func colourOnlyAddsEscapes(_ name: String) throws {
        let coloured = try Self.table(name, style: .colored)
        #expect(coloured.replacing(/\u{1B}\[[0-9;]*m/, with: "") == (try Self.table(name)))
    }

    @Test(arguments: ["web", "api", "split", "legacy", "db"])
    func jsonRoundTrips(_ name: String) throws {
        let report = try Self.report(name)
        let decoded = try JSONDecoder().decode(ExplainReport.self, from: Data(try DocumentEncoding.json(report).utf8))
        #expect(decoded == report)
    }
}
