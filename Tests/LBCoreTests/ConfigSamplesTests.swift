import Foundation
import Testing

@testable import LBCore

/// Every sample under config/ is a ConfigMap whose `data.config` IronLB accepts.
@Suite struct ConfigSamplesTests {
    static let configDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config")

    static var samples: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: configDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func theExpectedSamplesExist() {
        for name in ["layer2-ipv4.yaml", "layer2-dual-stack.yaml", "bgp.yaml", "metallb-v0.12.yaml"] {
            #expect(Self.samples.contains(name), "config/\(name) is missing")
        }
    }

    @Test(arguments: samples)
    func sampleIsAccepted(_ name: String) throws {
        let text = try String(contentsOf: Self.configDirectory.appendingPathComponent(name), encoding: .utf8)
        let config = try #require(Self.literalBlock(named: "config", in: text), "no `config: |` block in \(name)")
        do {
            let parsed = try ConfigParser.parse(config)
            #expect(!parsed.pools.isEmpty, "\(name) defines no pools")
        } catch {
            Issue.record("config/\(name) refused:\n\(error)")
        }
    }

    @Test func metalLBSampleIsInMetalLBsNamespace() throws {
        let text = try String(contentsOf: Self.configDirectory.appendingPathComponent("metallb-v0.12.yaml"), encoding: .utf8)
        #expect(text.contains("namespace: metallb-system"))
        let config = try ConfigParser.parse(try #require(Self.literalBlock(named: "config", in: text)))
        #expect(config.pools.map(\.name) == ["default", "bgp-pool", "expensive", "cheap"])
        #expect(config.peers.first?.peerAddress == IPAddress("10.0.0.1"))
    }

    /// The text of a `KEY: |` literal block: the following lines indented deeper than the key,
    /// with that indentation removed. Read by hand so this test does not depend on lbctl's
    /// manifest reader.
    static func literalBlock(named key: String, in text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "\(key): |" }) else {
            return nil
        }
        let keyIndent = lines[start].prefix { $0 == " " }.count
        var block: [Substring] = []
        for line in lines[(start + 1)...] {
            let indent = line.prefix { $0 == " " }.count
            if !line.trimmingCharacters(in: .whitespaces).isEmpty && indent <= keyIndent { break }
            block.append(line)
        }
        let blockIndent = block.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return block.map { String($0.dropFirst(min(blockIndent, $0.prefix { $0 == " " }.count))) }.joined(separator: "\n")
    }
}
