/// What the API layer answers: a complete document, or the plan of a watch stream.
public enum APIResponse: Sendable {
    case json(status: Int, body: JSONValue, contentType: String, warnings: [String])
    case text(status: Int, body: String, contentType: String)
    case watch(WatchSpec)

    public static func ok(_ body: JSONValue, status: Int = 200, contentType: String = "application/json") -> APIResponse {
        .json(status: status, body: body, contentType: contentType, warnings: [])
    }

    public static func error(_ error: APIError) -> APIResponse {
        .json(status: error.code, body: error.status, contentType: "application/json", warnings: [])
    }

    /// The HTTP status code (200 for a watch).
    public var status: Int { statusCode }

    /// The JSON document of a complete answer (nil for text and watches).
    public var json: JSONValue? {
        if case .json(_, let body, _, _) = self { return body }
        return nil
    }

    public var statusCode: Int {
        switch self {
        case .json(let status, _, _, _), .text(let status, _, _): return status
        case .watch: return 200
        }
    }
}
