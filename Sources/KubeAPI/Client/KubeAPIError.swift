/// A failed API call: either the server said no (a `Status` with an HTTP code and a reason), or
/// there was no usable answer (transport, timeout, undecodable body).
public enum KubeAPIError: Error, Sendable, CustomStringConvertible {
    /// The server refused: its `Status` (a body that was not a Status is turned into one from the
    /// HTTP code). Also what a watch's ERROR event carries (`code: 410, reason: Expired`).
    case status(Status)
    /// No answer: connection refused or dropped, TLS failure, deadline exceeded.
    case transport(message: String, underlying: (any Error)?)
    /// An answer that could not be understood (a body that is not the expected JSON).
    case decoding(message: String, underlying: (any Error)?)

    /// The HTTP status code the server answered with, if it answered.
    public var code: Int? {
        if case .status(let status) = self { return status.code }
        return nil
    }

    /// The machine-readable reason (`NotFound`, `AlreadyExists`, `Conflict`, `Expired`, ...).
    public var reason: String? {
        if case .status(let status) = self { return status.reason }
        return nil
    }

    public var message: String {
        switch self {
        case .status(let status): return status.message ?? status.reason ?? "HTTP \(status.code ?? 0)"
        case .transport(let message, _): return message
        case .decoding(let message, _): return message
        }
    }

    public var isNotFound: Bool { code == 404 }
    /// 409 for a stale `resourceVersion` (not for AlreadyExists, which is also a 409).
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
    public var isAlreadyExists: Bool { code == 409 && reason == "AlreadyExists" }
    /// 410 Gone / Expired: the resourceVersion or continue token is too old; re-list.
    public var isGone: Bool { code == 410 || reason == "Expired" || reason == "Gone" }
    public var isInvalid: Bool { code == 422 }
    public var isUnauthorized: Bool { code == 401 }
    public var isForbidden: Bool { code == 403 }
    public var isTransport: Bool {
        if case .transport = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .status(let status):
            return "\(status.code.map { "HTTP \($0)" } ?? "error") \(status.reason ?? "Failure"): \(status.message ?? "")"
        case .transport(let message, let underlying):
            return "transport error: \(message)\(underlying.map { " (\($0))" } ?? "")"
        case .decoding(let message, let underlying):
            return "decoding error: \(message)\(underlying.map { " (\($0))" } ?? "")"
        }
    }

    /// The reason the API server would give for an HTTP code, for bodies that are not a Status.
    static func reason(forHTTPCode code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 406: return "NotAcceptable"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "Unknown"
        }
    }
}
