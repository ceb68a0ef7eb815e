/// Failures of the speaker lab fixture, each naming what it waited for and what it saw.
enum SpeakerLabError: Error, CustomStringConvertible {
    case missingPrerequisite(String)
    case notReady(what: String, seconds: Double, detail: String)
    case unexpected(String)

    var description: String {
        switch self {
        case .missingPrerequisite(let what): "missing prerequisite: \(what)"
        case let .notReady(what, seconds, detail): "\(what) not reached within \(seconds) s: \(detail)"
        case .unexpected(let text): text
        }
    }
}
