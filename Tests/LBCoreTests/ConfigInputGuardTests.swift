import Testing

@testable import LBCore

/// `YAMLInputGuard`: refuses only texts that may combine aliases with complex keys (the one
/// shape that can stall the YAML library), and texts over the ConfigMap size limit.
@Suite struct ConfigInputGuardTests {
    @Test(arguments: [
        "address-pools: []",
        // Aliases without complex keys.
        "peers:\n- &p {peer-address: 10.0.0.1, peer-asn: 1, my-asn: 2}\n- <<: *p\n  peer-address: 10.0.0.2",
        "a: &x [1, 2]\nb: *x\nc: {d: *x}",
        // Complex keys without aliases (the library composes these safely).
        "? [a, b]\n: c",
        "{[a]: b}",
        // Look-alikes: a `*` in a quoted password, a `?` in a comment.
        "peers:\n- {password: \"p*ss\", peer-address: 10.0.0.1} # why? see [doc] here",
        "password: 'a*b' # is this ok?",
    ])
    func allows(_ text: String) {
        #expect(YAMLInputGuard.problem(in: text) == nil)
    }

    @Test(arguments: [
        ("a: &a [x]\n? *a\n: b", 2),
        ("a: &a [x]\n*a : b", 2),
        ("a: &a [x]\nb: {[*a]: c}", 2),
        ("a: &a [x]\n- ? *a", 2),
        ("a: &a [x]\nb: [*a,\n  *a]\n  : c", 4),
    ])
    func refusesAliasesWithComplexKeys(_ text: String, _ line: Int) throws {
        let problem = try #require(YAMLInputGuard.problem(in: text))
        #expect(problem.line == line)
        #expect(problem.path.isEmpty)
        #expect(problem.description.contains("YAML aliases (like *a on line"))
    }

    /// The check reads characters, not YAML tokens, so it errs on the side of refusing.
    @Test func mayRefuseALookAlike() {
        #expect(YAMLInputGuard.problem(in: "password: \"p*ss\" # see [doc]: here") != nil)
    }

    @Test func refusesOversizedText() throws {
        let problem = try #require(YAMLInputGuard.problem(in: String(repeating: "#", count: 2000), maxBytes: 1000))
        #expect(problem.description.contains("2000 bytes, more than the 1000 bytes allowed"))
        #expect(YAMLInputGuard.problem(in: String(repeating: "#", count: 1000), maxBytes: 1000) == nil)
    }
}
