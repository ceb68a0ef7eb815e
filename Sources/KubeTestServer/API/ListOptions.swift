/// The list and watch parameters of a request, parsed and checked as the real server checks them.
public struct ListOptions: Sendable {
    public var labelSelector: LabelSelector = .everything
    public var fieldSelector: FieldSelector = .everything
    /// nil when absent; "0" means "any version" (served from the cache, without paging).
    public var resourceVersion: String?
    public var resourceVersionMatch: String?
    public var limit: Int = 0
    public var continueToken: ContinueToken?
    public var watch = false
    public var allowWatchBookmarks = false
    public var sendInitialEvents: Bool?
    public var timeoutSeconds: Int?

    public init() {}

    public init(query: QueryParameters, type: ResourceType) throws(APIError) {
        if let text = query["labelSelector"] { labelSelector = try LabelSelector.parse(text) }
        if let text = query["fieldSelector"] { fieldSelector = try FieldSelector.parse(text, for: type) }
        resourceVersion = query["resourceVersion"].flatMap { $0.isEmpty ? nil : $0 }
        if let rv = resourceVersion, (Int(rv) ?? -1) < 0 {
            throw APIError.badRequest("invalid resource version: \(rv)")
        }
        resourceVersionMatch = query["resourceVersionMatch"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = query["limit"] {
            guard let value = Int(text) else { throw APIError.badRequest("limit: invalid value \"\(text)\"") }
            limit = max(0, value)
        }
        if let text = query["continue"], !text.isEmpty {
            continueToken = try ContinueToken.decode(text)
        }
        watch = query.flag("watch")
        allowWatchBookmarks = query.flag("allowWatchBookmarks")
        if let text = query["sendInitialEvents"] { sendInitialEvents = query.flag("sendInitialEvents") || text == "true" }
        if let text = query["timeoutSeconds"] {
            guard let value = Int(text) else { throw APIError.badRequest("timeoutSeconds: invalid value \"\(text)\"") }
            timeoutSeconds = value
        }
        try validate()
    }

    /// `ValidateListOptions` from apimachinery.
    private func validate() throws(APIError) {
        var errors: [FieldError] = []
        if let match = resourceVersionMatch {
            if watch {
                if match != "NotOlderThan" || sendInitialEvents == nil {
                    errors.append(.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"))
                }
            } else if resourceVersion == nil {
                errors.append(.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"))
            } else if continueToken != nil {
                errors.append(.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"))
            } else if match != "Exact" && match != "NotOlderThan" {
                errors.append(.notSupported("resourceVersionMatch", .string(match), ["Exact", "NotOlderThan", ""]))
            } else if match == "Exact", resourceVersion == "0" {
                errors.append(.forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""))
            }
        }
        if let initial = sendInitialEvents {
            if !watch {
                errors.append(.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"))
            } else {
                if resourceVersionMatch != "NotOlderThan" {
                    errors.append(.forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"))
                }
                if initial, !allowWatchBookmarks {
                    errors.append(.forbidden("allowWatchBookmarks", "sendInitialEvents requires setting allowWatchBookmarks to true"))
                }
            }
        }
        if continueToken != nil, let rv = resourceVersion, rv != "0", !watch {
            throw APIError.badRequest("specifying resource version is not allowed when using continue")
        }
        if !errors.isEmpty {
            throw APIError.invalid(kind: "ListOptions", group: "meta.k8s.io", name: "", errors: errors)
        }
    }
}
