/// `metav1.Status`: how the API server reports a failure (`reason: NotFound`, `code: 404`) and what
/// a watch ERROR event carries (`code: 410, reason: Expired` when the version is too old).
public struct Status: Sendable, Hashable, Codable {
    /// `Success` or `Failure`.
    public var status: String?
    public var message: String?
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`, `Gone`, ...
    public var reason: String?
    public var details: StatusDetails?
    /// The HTTP status code.
    public var code: Int?

    public init(status: String? = "Failure", message: String? = nil, reason: String? = nil, code: Int? = nil,
                details: StatusDetails? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.code = code
        self.details = details
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, status, message, reason, details, code }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.optional(.status)
        message = try c.optional(.message)
        reason = try c.optional(.reason)
        details = try c.optional(.details)
        code = try c.optional(.code)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("v1", forKey: .apiVersion)
        try c.encode("Status", forKey: .kind)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encodeIfPresent(message, forKey: .message)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encodeIfPresent(details, forKey: .details)
        try c.encodeIfPresent(code, forKey: .code)
    }
}

/// `metav1.StatusDetails`.
public struct StatusDetails: Sendable, Hashable, Codable {
    public var name: String?
    public var group: String?
    public var kind: String?
    public var uid: String?
    public var causes: [StatusCause]?
    public var retryAfterSeconds: Int?

    public init(name: String? = nil, group: String? = nil, kind: String? = nil, causes: [StatusCause]? = nil) {
        self.name = name
        self.group = group
        self.kind = kind
        self.causes = causes
    }
}

/// `metav1.StatusCause`: one field-level reason for a 422 Invalid.
public struct StatusCause: Sendable, Hashable, Codable {
    public var reason: String?
    public var message: String?
    public var field: String?

    public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
        self.reason = reason
        self.message = message
        self.field = field
    }
}
