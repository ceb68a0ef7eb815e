import Foundation

/// A fault injected for matching requests: an error answer, a delay, or a dropped connection.
public struct FaultRule: Sendable, Equatable {
    /// nil matches every method.
    public var method: String?
    /// Requests whose path starts with this match.
    public var pathPrefix: String
    /// Answer with this error instead of handling the request.
    public var error: APIError?
    /// Delay the answer by this many seconds.
    public var latencySeconds: Double
    /// Close the connection without answering.
    public var dropConnection: Bool
    /// How many more requests it applies to; nil means all.
    public var remaining: Int?

    public init(method: String? = nil, pathPrefix: String, error: APIError? = nil, latencySeconds: Double = 0,
                dropConnection: Bool = false, remaining: Int? = nil) {
        self.method = method
        self.pathPrefix = pathPrefix
        self.error = error
        self.latencySeconds = latencySeconds
        self.dropConnection = dropConnection
        self.remaining = remaining
    }
}

struct HookState {
    var forcedExpiredWatches = 0
    var faults: [FaultRule] = []
}

extension APIServerCore {
    /// The next `count` watches that resume from a resourceVersion get an ERROR 410 Expired.
    public func forceExpiredWatches(_ count: Int) { hooks.forcedExpiredWatches += count }

    /// Drops the whole history: every earlier resourceVersion is now too old.
    public func compactHistory() { store.compact() }

    public func addFault(_ rule: FaultRule) { hooks.faults.append(rule) }

    public func clearFaults() { hooks.faults.removeAll() }

    public func resetRequestCounts() { requestCounts.removeAll() }

    /// The first fault matching a request, consuming one use of it.
    public func takeFault(method: String, path: String) -> FaultRule? {
        guard !path.hasPrefix("/__test") else { return nil }
        guard let index = hooks.faults.firstIndex(where: { rule in
            (rule.method == nil || rule.method == method) && path.hasPrefix(rule.pathPrefix) && (rule.remaining ?? 1) > 0
        }) else { return nil }
        let rule = hooks.faults[index]
        if let remaining = rule.remaining {
            hooks.faults[index].remaining = remaining - 1
            if remaining - 1 == 0 { hooks.faults.remove(at: index) }
        }
        return rule
    }

    /// `/__test/...` endpoints, for tests that drive the server out of process.
    func testHook(_ segments: [String], _ request: APIRequest) throws(APIError) -> APIResponse {
        let ok: JSONValue = ["kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Success"]
        switch (request.method, segments) {
        case ("POST", ["expire-watches"]):
            forceExpiredWatches(Int(request.query["count"] ?? "1") ?? 1)
            return .ok(ok)
        case ("POST", ["compact"]):
            compactHistory()
            return .ok(ok)
        case ("POST", ["drop-watches"]):
            endAllWatches(drop: true)
            return .ok(ok)
        case ("POST", ["faults"]):
            let body = try parseBody(request)
            guard let prefix = body["pathPrefix"]?.stringValue else { throw APIError.badRequest("pathPrefix is required") }
            var error: APIError?
            if let code = body["code"]?.intValue {
                error = APIError(code: code, reason: body["reason"]?.stringValue ?? "InternalError",
                                 message: body["message"]?.stringValue ?? "injected fault")
            }
            addFault(FaultRule(method: body["method"]?.stringValue, pathPrefix: prefix, error: error,
                               latencySeconds: body["latencySeconds"]?.doubleValue ?? 0,
                               dropConnection: body["dropConnection"]?.boolValue ?? false, remaining: body["count"]?.intValue))
            return .ok(ok)
        case ("DELETE", ["faults"]):
            clearFaults()
            return .ok(ok)
        case ("GET", ["request-counts"]):
            var counts: [String: JSONValue] = [:]
            for (key, value) in requestCounts { counts[key] = .int(value) }
            return .ok(.object(counts))
        case ("DELETE", ["request-counts"]):
            resetRequestCounts()
            return .ok(ok)
        case ("GET", ["state"]):
            return .ok(["resourceVersion": .string(String(store.resourceVersion)), "compactedThrough": .int(store.compactedThrough),
                        "openWatches": .int(openWatchCount)])
        default:
            throw APIError.pageNotFound(request.path)
        }
    }
}
