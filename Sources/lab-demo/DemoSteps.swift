import Foundation
import LBLab

#if canImport(Glibc)
import Glibc
#endif

/// Runs the demo's numbered steps: prints a heading for each, catches its error (printed, and
/// the step marked FAILED), and prints the summary table at the end. Steps whose prerequisite
/// failed are recorded as skipped, with the reason, rather than run against a broken lab.
final class DemoSteps {
    enum Status: String {
        case ok = "ok"
        case failed = "FAILED"
        case skipped = "skipped"
    }

    struct Outcome {
        var number: Int
        var title: String
        var status: Status
        var seconds: Double
        var note: String
    }

    private(set) var outcomes: [Outcome] = []
    let total: Int
    private let colour = isatty(STDOUT_FILENO) == 1

    init(total: Int) { self.total = total }

    var allSucceeded: Bool { outcomes.allSatisfy { $0.status == .ok } }

    /// Runs step `number`; `body` returns a short note for the summary (or nil). Returns whether
    /// it succeeded. With `requires` false the step is skipped and `because` is noted.
    @discardableResult
    func run(_ number: Int, _ title: String, requires: Bool = true, because: String = "an earlier step failed",
             _ body: () throws -> String?) -> Bool {
        heading("Step \(number)/\(total): \(title)")
        guard requires else {
            Output.say("skipped: \(because)")
            outcomes.append(Outcome(number: number, title: title, status: .skipped, seconds: 0, note: because))
            return false
        }
        let start = Date()
        do {
            let note = try body()
            outcomes.append(Outcome(number: number, title: title, status: .ok, seconds: Date().timeIntervalSince(start),
                                    note: note ?? ""))
            return true
        } catch {
            let text = "\(error)"
            Output.say(paint("FAILED: ", code: "31;1") + text)
            let firstLine = text.split(separator: "\n").first.map(String.init) ?? text
            outcomes.append(Outcome(number: number, title: title, status: .failed, seconds: Date().timeIntervalSince(start),
                                    note: String(firstLine.prefix(110))))
            return false
        }
    }

    func heading(_ text: String) {
        Output.say("\n" + paint("== \(text)", code: "1"))
    }

    /// The summary table.
    func printSummary() {
        heading("Summary")
        let titleWidth = max(5, outcomes.map(\.title.count).max() ?? 0)
        Output.say("  #  " + "step".padding(toLength: titleWidth, withPad: " ", startingAt: 0) + "  result   time     note")
        for outcome in outcomes {
            let status = outcome.status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
            let coloured = switch outcome.status {
            case .ok: paint(status, code: "32")
            case .failed: paint(status, code: "31;1")
            case .skipped: paint(status, code: "33")
            }
            let time = String(format: "%6.1fs", outcome.seconds)
            Output.say(String(format: "%3d  ", outcome.number)
                + outcome.title.padding(toLength: titleWidth, withPad: " ", startingAt: 0)
                + "  \(coloured)  \(time)  \(outcome.note)")
        }
        let failed = outcomes.filter { $0.status != .ok }.count
        Output.say(failed == 0 ? paint("\ndemo ok: every step passed", code: "32;1")
                              : paint("\ndemo FAILED: \(failed) of \(outcomes.count) steps did not pass", code: "31;1"))
    }

    private func paint(_ text: String, code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// Printing: stdout, flushed per line so the demo reads live even through a pipe.
enum Output {
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func warn(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// "$ COMMAND" then its output indented; stderr too when it printed any.
    static func show(_ display: String, _ result: CommandResult) {
        say("$ \(display)")
        let text = (result.stdout + (result.stderr.isEmpty ? "" : result.stderr)).trimmingCharacters(in: .newlines)
        if !text.isEmpty { say(text.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" }.joined(separator: "\n")) }
        if !result.succeeded { say("  (exit status \(result.status))") }
    }

    /// `text` indented by two spaces.
    static func block(_ text: String) {
        say(text.trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false)
            .map { "  \($0)" }.joined(separator: "\n"))
    }
}

/// Why a demo step failed, in words.
struct DemoFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
