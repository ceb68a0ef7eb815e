import Foundation
import LBCore
import Testing

@testable import LBCtlKit

/// `-o` on `version` and `config validate`.
@Suite struct OutputFormatTests {
    func lbctl(_ arguments: [String], stdin: String? = nil) -> TestCluster.Run {
        let output = CapturedOutput()
        let context = CommandContext(output: output) { name in
            if name == "-", let stdin { return .success(stdin) }
            return InputReader.contents(of: name)
        }
        let code = LBCtl.run(arguments, context: context)
        return TestCluster.Run(code: code, out: output.standardOutput, err: output.standardError)
    }

    @Test func version() throws {
        #expect(lbctl(["version"]).out == "lbctl \(IronLBVersion.current)\n")
        let json = lbctl(["version", "-o", "json"])
        #expect(json.out == "{\n  \"speakerStateVersion\" : 1,\n  \"version\" : \"\(IronLBVersion.current)\"\n}\n")
        #expect(lbctl(["version", "-o", "yaml"]).out == "version: \(IronLBVersion.current)\nspeakerStateVersion: 1\n")
    }

    @Test func configValidateAsDocuments() throws {
        let valid = lbctl(["config", "validate", "-o", "json", "-"], stdin: StatusFixtures.config)
        #expect(valid.code == 0)
        let report = try JSONDecoder().decode(ValidationReport.self, from: Data(valid.out.utf8))
        #expect(report.valid)
        #expect(report.documents.first?.pools.map(\.name) == ["default", "routed"])
        #expect(report.documents.first?.pools.first?.usable == [
            ValidationReport.Usable(family: "IPv4", count: "16"), ValidationReport.Usable(family: "IPv6", count: "18446744073709551616"),
        ])
        #expect(report.documents.first?.peers == [ValidationReport.Peer(name: "tor-1", address: "192.0.2.254", peerASN: 64501, myASN: 64500)])

        let invalid = lbctl(["config", "validate", "-o", "yaml", "-"], stdin: "address-pools: 3")
        #expect(invalid.code == 1)
        #expect(invalid.err.isEmpty, "with -o yaml the errors are in the document")
        #expect(invalid.out.hasPrefix("valid: false\ndocuments:\n- source: config file\n  valid: false\n  errors:\n  - 'address-pools: \"3\": expected a list, got an integer (line 1)'\n"), "\(invalid.out)")
    }
}
