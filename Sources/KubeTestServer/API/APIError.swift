/// An API failure, rendered as a `kind: Status` object with the HTTP code of the real server.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var reason: String
    public var message: String
    public var details: JSONValue?

    public init(code: Int, reason: String, message: String, details: JSONValue? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    public var description: String { "\(code) \(reason): \(message)" }

    /// The `Status` object the server sends.
    public var status: JSONValue {
        var status: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .int(code),
        ]
        if reason.isEmpty { status["reason"] = nil }
        if let details { status["details"] = details }
        return status
    }

    static func details(_ type: ResourceType, name: String?) -> JSONValue {
        var d: JSONValue = ["kind": .string(type.resource)]
        if !type.group.isEmpty { d["group"] = .string(type.group) }
        if let name, !name.isEmpty { d["name"] = .string(name) }
        return d
    }

    public static func notFound(_ type: ResourceType, name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(type.qualifiedResource) \"\(name)\" not found",
                 details: details(type, name: name))
    }

    public static func alreadyExists(_ type: ResourceType, name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(type.qualifiedResource) \"\(name)\" already exists",
                 details: details(type, name: name))
    }

    public static func conflict(_ type: ResourceType, name: String, _ why: String = conflictMessage) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(type.qualifiedResource) \"\(name)\": \(why)",
                 details: details(type, name: name))
    }

    public static let conflictMessage =
        "the object has been modified; please apply your changes to the latest version and try again"

    public static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    public static func methodNotAllowed(_ method: String, _ what: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed",
                 message: "the server does not allow this method on the requested resource",
                 details: ["causes": [["message": .string("\(method) is not supported on \(what)")]]])
    }

    public static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType",
                 message: "the body of the request was in an unknown format - accepted media types include: "
                    + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
                    + "application/strategic-merge-patch+json",
                 details: ["causes": [["message": .string(contentType)]]])
    }

    public static func notAcceptable() -> APIError {
        APIError(code: 406, reason: "NotAcceptable",
                 message: "only the following media types are accepted: application/json, application/yaml")
    }

    public static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    public static func tooOld(requested: Int, oldest: Int) -> APIError {
        expired("too old resource version: \(requested) (\(oldest))")
    }

    public static func unauthorized() -> APIError {
        APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")
    }

    public static func pageNotFound(_ path: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource",
                 details: ["causes": [["reason": "UnexpectedServerResponse", "message": "404 page not found"]]])
    }

    public static func requestEntityTooLarge(limit: Int) -> APIError {
        APIError(code: 413, reason: "RequestEntityTooLarge",
                 message: "the request is too large: limit is \(limit) bytes")
    }

    public static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)",
                 details: ["causes": [["message": .string(message)]]])
    }

    /// `Service "x" is invalid: spec.ports[0].port: Invalid value: 0: must be ...`, with one cause per error.
    public static func invalid(kind: String, group: String = "", name: String, errors: [FieldError]) -> APIError {
        let rendered = errors.map(\.rendered)
        let summary = rendered.count == 1 ? rendered[0] : "[" + rendered.joined(separator: ", ") + "]"
        let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
        var details: JSONValue = [
            "name": .string(name), "kind": .string(kind),
            "causes": .array(errors.map { ["reason": .string($0.type.reason), "message": .string($0.causeMessage), "field": .string($0.field)] }),
        ]
        if !group.isEmpty { details["group"] = .string(group) }
        return APIError(code: 422, reason: "Invalid", message: "\(qualifiedKind) \"\(name)\" is invalid: \(summary)",
                        details: details)
    }
}
