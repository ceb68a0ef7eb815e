import Foundation
import Testing

/// The built l2-responder's argument handling (no root needed; skipped when it is not built).
@Suite struct L2ResponderCommandLineTests {
    static var built: Bool { FileManager.default.isExecutableFile(atPath: NetnsLab.responderPath) }

    static func run(_ arguments: [String]) throws -> NetnsLab.CommandResult {
        try NetnsLab.run([NetnsLab.responderPath] + arguments)
    }

    @Test(.enabled(if: built, "needs the built l2-responder (IRONLB_BIN_DIR or .build/debug)"),
          arguments: [
            ([String](), "--interface is required"),
            (["--interface", "eth0"], "at least one --ip is required"),
            (["--interface", "eth0", "--ip", "300.1.2.3"], "--ip 300.1.2.3: not an IPv4 or IPv6 address"),
            (["--interface"], "--interface needs a value"),
            (["--bogus"], "unexpected argument --bogus"),
          ])
    func rejectsBadArguments(_ arguments: [String], _ message: String) throws {
        let result = try Self.run(arguments)
        #expect(result.status == 2)
        #expect(result.output.contains(message), "\(result.output)")
    }

    @Test(.enabled(if: built, "needs the built l2-responder (IRONLB_BIN_DIR or .build/debug)"))
    func missingInterfaceNamesItAndFails() throws {
        let result = try Self.run(["--interface", "ilbn-nope0", "--ip", "192.0.2.1"])
        #expect(result.status == 2)
        #expect(result.output.contains("ilbn-nope0"), "\(result.output)")
    }
}
