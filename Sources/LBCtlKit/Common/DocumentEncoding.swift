import Foundation
import Yams

/// `-o json` and `-o yaml` for every command's report. JSON keys are sorted (stable on every
/// platform); YAML keeps the report's field order, its headline first.
enum DocumentEncoding {
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func yaml<T: Encodable>(_ value: T) throws -> String {
        var text = try YAMLEncoder().encode(value)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// The report in `format`, with `table` giving the table's lines; throws only when encoding
    /// fails.
    static func render<T: Encodable>(_ value: T, as format: OutputFormat, table: () -> [String]) throws -> String {
        switch format {
        case .table: table().joined(separator: "\n")
        case .json: try json(value)
        case .yaml: try yaml(value)
        }
    }
}
