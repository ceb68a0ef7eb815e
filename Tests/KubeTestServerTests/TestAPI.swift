import Foundation
@testable import KubeTestServer

/// Drives an `APIServerCore` in-process, the way the HTTP layer does.
final class TestAPI {
    let core: APIServerCore

    init(historyLimit: Int = 1000, seedKubernetesService: Bool = false, clock: @escaping @Sendable () -> Date = { Date() }) {
        var settings = APIServerCore.Settings()
        settings.historyLimit = historyLimit
        settings.seedKubernetesService = seedKubernetesService
        core = APIServerCore(settings: settings, clock: clock)
    }

    struct Result {
        var status: Int
        var body: JSONValue
        var contentType: String
        var warnings: [String]

        var reason: String? { body["reason"]?.stringValue }
        var message: String { body["message"]?.stringValue ?? "" }
        subscript(path: String...) -> JSONValue? { body[path: path] }
    }

    @discardableResult
    func call(_ method: String, _ target: String, _ body: String? = nil, contentType: String = "application/json",
              accept: String = "application/json") -> Result {
        var headers = ["accept": accept]
        if body != nil { headers["content-type"] = contentType }
        let request = APIRequest(method: method, target: target, headers: headers, body: Array((body ?? "").utf8))
        switch core.handle(request) {
        case .json(let status, let json, let contentType, let warnings):
            return Result(status: status, body: json, contentType: contentType, warnings: warnings)
        case .text(let status, let text, let contentType):
            return Result(status: status, body: .string(text), contentType: contentType, warnings: [])
        case .watch:
            return Result(status: -1, body: .null, contentType: "", warnings: [])
        }
    }

    func get(_ target: String, accept: String = "application/json") -> Result { call("GET", target, accept: accept) }
    @discardableResult func post(_ target: String, _ body: String) -> Result { call("POST", target, body) }
    @discardableResult func put(_ target: String, _ body: String) -> Result { call("PUT", target, body) }
    @discardableResult func delete(_ target: String, _ body: String? = nil) -> Result { call("DELETE", target, body) }
    @discardableResult func patch(_ target: String, _ body: String, type: String = "application/merge-patch+json") -> Result {
        call("PATCH", target, body, contentType: type)
    }

    /// Starts a watch with a recording sink.
    func watch(_ target: String, accept: String = "application/json") -> (RecordingSink, Int?) {
        let sink = RecordingSink()
        let request = APIRequest(method: "GET", target: target, headers: ["accept": accept])
        guard case .watch(let spec) = core.handle(request) else { return (sink, nil) }
        return (sink, core.startWatch(spec, sink: sink))
    }

    static func service(_ name: String, namespace: String = "default", type: String = "LoadBalancer", extra: String = "") -> String {
        """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"\(name)","namespace":"\(namespace)","labels":{"app":"\(name)"}},
         "spec":{"type":"\(type)","selector":{"app":"\(name)"},"ports":[{"name":"http","port":80}]\(extra)}}
        """
    }
}

/// A watch sink that keeps every event.
final class RecordingSink: WatchSink, @unchecked Sendable {
    private let lock = NSLock()
    private var _lines: [String] = []
    private var _finished: Bool?

    func send(_ line: String) { lock.withLock { _lines.append(line) } }
    func finish(dropConnection: Bool) { lock.withLock { _finished = dropConnection } }

    var events: [(type: String, object: JSONValue)] {
        lock.withLock { _lines }.compactMap { line in
            guard let value = try? JSONParser.parse(line) else { return nil }
            return (value["type"]?.stringValue ?? "", value["object"] ?? .null)
        }
    }

    var summary: [String] {
        events.map { "\($0.type) \($0.object[path: ["metadata", "name"]]?.stringValue ?? "")" }
    }

    /// nil while open; true when dropped, false when ended cleanly.
    var finished: Bool? { lock.withLock { _finished } }
}
