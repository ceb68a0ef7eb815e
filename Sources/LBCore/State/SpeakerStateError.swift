/// Why a published `SpeakerState` document could not be read.
public enum SpeakerStateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The document's `version` is not one this build reads: written by a newer (or older,
    /// incompatible) speaker.
    case unsupportedVersion(Int)
    /// Not a valid document: not JSON, or a field is missing or has the wrong type. The text names
    /// the field and what was expected.
    case malformed(String)

    public var description: String {
        switch self {
        case .unsupportedVersion(let found):
            "speaker state has version \(found), but this build of IronLB reads only version "
                + "\(SpeakerState.currentVersion); use an lbctl of the same release as the speakers"
        case .malformed(let detail):
            "speaker state is not a valid document: \(detail)"
        }
    }
}
