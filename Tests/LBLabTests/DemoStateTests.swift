import Foundation
import Testing

@testable import LBLab

/// The state file `lab-demo up` writes and `lab-demo down` reads.
@Suite struct DemoStateTests {
    static let state = DemoState(
        prefix: "irlab", namespaces: ["irlab-sw", "irlab-n1", "irlab-c", "irlab-r"],
        roles: ["switch": "irlab-sw", "n1": "irlab-n1", "client": "irlab-c", "router": "irlab-r"],
        kubeconfig: "/tmp/ironlb-lab/kubeconfig", apiURL: "http://172.30.0.1:40123", workDirectory: "/tmp/ironlb-lab",
        birdSocket: "/tmp/ironlb-lab/bird.ctl",
        processes: [.init(role: "lb-speaker n1", pid: 4242, namespace: "irlab-n1", log: "/tmp/ironlb-lab/lb-speaker-n1.log")],
        serviceIPs: ["default/web": "172.30.0.200"], createdAt: "2026-11-21T11:00:00Z")

    @Test func roundTripsThroughAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.state.write(to: path)
        #expect(try DemoState.read(from: path) == Self.state)
    }

    @Test func encodingIsCanonical() throws {
        let text = String(decoding: try Self.state.encoded(), as: UTF8.self)
        #expect(try Self.state.encoded() == Self.state.encoded())
        #expect(text.contains("\"kubeconfig\" : \"/tmp/ironlb-lab/kubeconfig\""), "slashes are not escaped: \(text)")
        #expect(text.contains("\"version\" : 1"))
        let keys = ["apiURL", "birdSocket", "createdAt", "kubeconfig", "namespaces", "prefix", "processes", "roles"]
        let positions = keys.compactMap { text.range(of: "\n  \"\($0)\"")?.lowerBound }
        #expect(positions.count == keys.count && positions == positions.sorted(), "top-level keys sorted")
    }

    @Test func missingFileIsNil() throws {
        #expect(try DemoState.read(from: "/nonexistent/\(UUID().uuidString).json") == nil)
    }

    @Test(arguments: [
        ("[]", "no \"version\""),
        ("not json", "no \"version\""),
        (#"{"version": 2, "prefix": "x"}"#, "state version 2"),
        (#"{"version": 1, "prefix": "x"}"#, "not a valid lab-demo state file"),
    ])
    func otherFilesAreRefusedNamingThePath(text: String, expected: String) {
        do {
            _ = try DemoState.decode(Data(text.utf8), path: "/tmp/x/state.json")
            Issue.record("accepted \(text)")
        } catch {
            #expect("\(error)".contains("/tmp/x/state.json") && "\(error)".contains(expected), "\(error)")
        }
    }
}
