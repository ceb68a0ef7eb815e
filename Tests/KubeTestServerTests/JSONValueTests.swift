import Testing
@testable import KubeTestServer

@Suite struct JSONValueTests {
    @Test(arguments: [
        ("{}", "{}"),
        ("[1, 2.5, -3e2, true, false, null]", "[1,2.5,-300,true,false,null]"),
        (#"{"b": 1, "a": {"c": "x"}}"#, #"{"a":{"c":"x"},"b":1}"#),
        (#""\u00e9\n\t\"\\/""#, "\"é\\n\\t\\\"\\\\/\""),
        (#""\ud83d\ude00""#, "\"😀\""),
        (#"{"a": 1, "a": 2}"#, #"{"a":2}"#),
        ("  \n 42 \n", "42"),
        ("1234567890123", "1234567890123"),
    ])
    func roundTrips(input: String, expected: String) throws {
        #expect(try JSONParser.parse(input).serialized() == expected)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"\\x\"", "\"a\u{01}\"", "[1] x", "{\"a\":}", "-", "1e"])
    func rejectsMalformedInput(input: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(input) }
    }

    @Test func rejectsExcessiveNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func loneSurrogateBecomesReplacementCharacter() throws {
        #expect(try JSONParser.parse(#""\ud800x""#) == .string("\u{FFFD}x"))
    }

    @Test func controlCharactersAreEscaped() {
        #expect(JSONValue.string("a\u{01}b").serialized() == "\"a\\u0001b\"")
    }

    @Test func pathAccessAndMutation() {
        var value: JSONValue = ["metadata": ["name": "x"]]
        #expect(value[path: ["metadata", "name"]] == "x")
        value[path: ["spec", "ports"]] = [1]
        value[path: ["metadata", "labels", "app"]] = "web"
        #expect(value.serialized() == #"{"metadata":{"labels":{"app":"web"},"name":"x"},"spec":{"ports":[1]}}"#)
        value[path: ["metadata", "name"]] = nil
        #expect(value[path: ["metadata", "name"]] == nil)
    }

    @Test func yamlBecomesJSONWithGoYAMLTypes() throws {
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: x
              creationTimestamp: 2026-01-01T00:00:00Z
            data:
              enabled: "yes"
              count: "3"
            spec:
              on: yes
              n: 3
              f: 1.5
              nothing: ~
              list: [a, b]
            """
        let value = try YAMLDocument.parse(yaml)
        #expect(value[path: ["metadata", "creationTimestamp"]] == "2026-01-01T00:00:00Z")
        #expect(value[path: ["data", "enabled"]] == "yes")
        #expect(value[path: ["spec", "on"]] == true)
        #expect(value[path: ["spec", "n"]] == 3)
        #expect(value[path: ["spec", "f"]] == 1.5)
        #expect(value[path: ["spec", "nothing"]] == .null)
        #expect(value[path: ["spec", "list"]] == ["a", "b"])
    }

    @Test func yamlErrorsAreReportedNotFatal() {
        #expect(throws: YAMLDocument.ConversionError.self) { try YAMLDocument.parse("a: [1, 2\nb: }") }
    }

    @Test func yamlAliasBombIsRejected() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<9 { yaml += "a\(i): &a\(i) [*a\(i - 1), *a\(i - 1), *a\(i - 1), *a\(i - 1), *a\(i - 1), *a\(i - 1), *a\(i - 1), *a\(i - 1), *a\(i - 1), *a\(i - 1)]\n" }
        #expect(throws: YAMLDocument.ConversionError.self) { try YAMLDocument.parse(yaml) }
    }

    @Test func codableRoundTrip() throws {
        let value: JSONValue = ["a": [1, "b", true, .null, ["c": 2.5]]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }
}

import Foundation
