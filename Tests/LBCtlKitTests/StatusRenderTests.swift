import Foundation
import Testing

@testable import LBCtlKit

/// Snapshots of `lbctl status` output for `StatusFixtures.cluster` (layer 2, BGP, pending, split
/// view, a stale speaker, one without state): the exact text of each format. A change here is a
/// user-visible change (and a CHANGELOG line).
@Suite struct StatusRenderTests {
    @Test func table() {
        let text = StatusTable.lines(StatusFixtures.cluster).joined(separator: "\n")
        #expect(text == Self.table)
    }

    @Test func tableWithColour() {
        let text = StatusTable.lines(StatusFixtures.cluster, style: .colored).joined(separator: "\n")
        #expect(text == Self.colouredTable)
    }

    /// Colour changes nothing but the escapes: removing them gives the plain table.
    @Test func colourOnlyAddsEscapes() {
        let coloured = StatusTable.lines(StatusFixtures.cluster, style: .colored).joined(separator: "\n")
        #expect(coloured.replacing(/\u{1B}\[[0-9;]*m/, with: "") == Self.table)
    }

    @Test func json() throws {
        #expect(try DocumentEncoding.json(StatusFixtures.cluster) == Self.json)
    }

    @Test func yaml() throws {
        #expect(try DocumentEncoding.yaml(StatusFixtures.cluster) == Self.yaml)
    }

    @Test func jsonRoundTrips() throws {
        let text = try DocumentEncoding.json(StatusFixtures.cluster)
        let decoded = try JSONDecoder().decode(StatusReport.self, from: Data(text.utf8))
        #expect(decoded == StatusFixtures.cluster)
    }
}
