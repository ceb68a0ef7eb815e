import Foundation
import Yams

/// `lbctl status -o json|yaml`: the report as a document. JSON keys are sorted (stable on every
/// platform); YAML keeps the report's field order, verdict first.
enum StatusEncoding {
    static func json(_ report: StatusReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    static func yaml(_ report: StatusReport) throws -> String {
        var text = try YAMLEncoder().encode(report)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
