import Foundation

/// events.k8s.io/v1: requests are converted to core/v1 Events, handled as those, and the answers
/// converted back, so both API versions see the same objects, versions and watch streams.
extension APIServerCore {
    func eventsV1(_ rr: Route.ResourceRequest, _ request: APIRequest) throws(APIError) -> APIResponse {
        var core = rr
        core.type = .events
        var converted = request
        if let selector = request.query["fieldSelector"] {
            converted.query["fieldSelector"] = EventConversion.coreFieldSelector(selector)
        }
        if request.method == "POST" || request.method == "PUT" {
            let body = try parseBody(request)
            guard case .object = body else { throw APIError.badRequest("couldn't get version/kind; json parse error: not an object") }
            if let apiVersion = body["apiVersion"]?.stringValue, !apiVersion.isEmpty, apiVersion != ResourceType.eventsV1.apiVersion {
                throw APIError.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (events.k8s.io/v1)")
            }
            if request.method == "POST", body["eventTime"] == nil || body["eventTime"] == .null {
                throw APIError.invalid(kind: "Event", group: "events.k8s.io", name: body[path: ["metadata", "name"]]?.stringValue ?? "",
                                       errors: [.required("eventTime")])
            }
            converted.body = EventConversion.toCore(body).serializedBytes()
            converted.headers["content-type"] = "application/json"
        }
        eventsV1View = true
        defer { eventsV1View = false }
        let response: APIResponse
        do {
            response = try resource(core, converted)
        } catch {
            var renamed = error
            renamed.message = renamed.message.replacingOccurrences(of: "events \"", with: "events.events.k8s.io \"")
            if renamed.details?["kind"] == "events" { renamed.details?["group"] = "events.k8s.io" }
            throw renamed
        }
        switch response {
        case .json(let status, let body, let contentType, let warnings) where contentType == "application/json":
            return .json(status: status, body: Self.eventsV1Body(body), contentType: contentType, warnings: warnings)
        case .watch(var spec):
            spec.viewAsEventsV1 = true
            return .watch(spec)
        default:
            return response
        }
    }

    static func eventsV1Body(_ body: JSONValue) -> JSONValue {
        switch body["kind"]?.stringValue {
        case "Event":
            return EventConversion.toV1(body)
        case "EventList":
            var list = body
            list["apiVersion"] = "events.k8s.io/v1"
            list["items"] = .array((body["items"]?.arrayValue ?? []).map { item in
                var converted = EventConversion.toV1(item)
                converted["kind"] = nil
                converted["apiVersion"] = nil
                return converted
            })
            return list
        default:
            return body
        }
    }
}
