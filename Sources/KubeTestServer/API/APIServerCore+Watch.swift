/// A live watch: what it selects and where its events go.
final class WatchRegistration {
    let id: Int
    let spec: WatchSpec
    let sink: any WatchSink
    /// Tables in a watch carry their column definitions only in the first event (as the real server does).
    var sentColumns = false

    init(id: Int, spec: WatchSpec, sink: any WatchSink) {
        self.id = id
        self.spec = spec
        self.sink = sink
    }
}

extension APIServerCore {
    /// Starts a watch planned by `handle`: sends its initial events and registers it for new ones.
    /// Returns the watch id, or nil when the stream already ended (an ERROR event was sent).
    @discardableResult
    public func startWatch(_ spec: WatchSpec, sink: any WatchSink) -> Int? {
        let registration = WatchRegistration(id: nextWatchID, spec: spec, sink: sink)
        nextWatchID += 1
        if let error = spec.forcedError {
            sink.send(line(type: "ERROR", object: error.status))
            sink.finish(dropConnection: false)
            return nil
        }
        var lines: [String] = []
        let options = spec.options
        if options.resourceVersion == nil || options.resourceVersion == "0" || options.sendInitialEvents == true {
            for object in store.list(spec.type, namespace: spec.namespace) where matches(object, spec) {
                lines.append(render("ADDED", object, registration))
            }
            if options.sendInitialEvents == true {
                var bookmark = bookmarkObject(spec.type, eventsV1: spec.viewAsEventsV1)
                bookmark[path: ["metadata", "annotations"]] = ["k8s.io/initial-events-end": "true"]
                lines.append(line(type: "BOOKMARK", object: bookmark))
            }
        } else {
            let from = Int(options.resourceVersion ?? "") ?? 0
            if from > store.resourceVersion {
                let error = APIError(code: 504, reason: "Timeout",
                                     message: "Too large resource version: \(from), current: \(store.resourceVersion)",
                                     details: ["causes": [["reason": "ResourceVersionTooLarge", "message": "Too large resource version"]],
                                               "retryAfterSeconds": 1])
                sink.send(line(type: "ERROR", object: error.status))
                sink.finish(dropConnection: false)
                return nil
            }
            do {
                for change in try store.changes(after: from, type: spec.type) {
                    if let (type, object) = event(for: change, spec) { lines.append(render(type, object, registration)) }
                }
            } catch {
                sink.send(line(type: "ERROR", object: error.status))
                sink.finish(dropConnection: false)
                return nil
            }
        }
        watchers[registration.id] = registration
        for line in lines { sink.send(line) }
        return registration.id
    }

    /// Forgets a watch whose connection ended.
    public func stopWatch(_ id: Int) {
        watchers[id] = nil
    }

    /// Sends a BOOKMARK with the current version to a watch that asked for bookmarks.
    public func sendBookmark(_ id: Int) {
        guard let registration = watchers[id], registration.spec.options.allowWatchBookmarks else { return }
        registration.sink.send(line(type: "BOOKMARK", object: bookmarkObject(registration.spec.type,
                                                                              eventsV1: registration.spec.viewAsEventsV1)))
    }

    /// Ends every open watch; `drop` closes the connections without the terminating chunk.
    public func endAllWatches(drop: Bool) {
        let all = watchers.values
        watchers.removeAll()
        for registration in all { registration.sink.finish(dropConnection: drop) }
    }

    public var openWatchCount: Int { watchers.count }

    func notify(_ change: Change) {
        for registration in watchers.values.sorted(by: { $0.id < $1.id }) {
            if let (type, object) = event(for: change, registration.spec) {
                registration.sink.send(render(type, object, registration))
            }
        }
    }

    /// The event a change means for one watch, with selector transitions: an object that stops
    /// matching is DELETED (its previous state, at the new version), one that starts matching ADDED.
    func event(for change: Change, _ spec: WatchSpec) -> (String, JSONValue)? {
        guard change.type == spec.type else { return nil }
        if let namespace = spec.namespace, change.key.namespace != namespace { return nil }
        let newMatch = change.change != .deleted && matches(change.object, spec)
        let oldMatch = change.previous.map { matches($0, spec) } ?? false
        switch change.change {
        case .added:
            return newMatch ? ("ADDED", change.object) : nil
        case .modified:
            if newMatch && oldMatch { return ("MODIFIED", change.object) }
            if newMatch { return ("ADDED", change.object) }
            if oldMatch, var previous = change.previous {
                previous[path: ["metadata", "resourceVersion"]] = .string(String(change.resourceVersion))
                return ("DELETED", previous)
            }
            return nil
        case .deleted:
            return oldMatch ? ("DELETED", change.object) : nil
        }
    }

    func matches(_ object: JSONValue, _ spec: WatchSpec) -> Bool {
        spec.options.labelSelector.matches(object: object) && spec.options.fieldSelector.matches(object: object, type: spec.type)
    }

    func bookmarkObject(_ type: ResourceType, eventsV1: Bool = false) -> JSONValue {
        ["kind": .string(type.kind), "apiVersion": .string(eventsV1 ? ResourceType.eventsV1.apiVersion : type.apiVersion),
         "metadata": ["resourceVersion": .string(String(store.resourceVersion))]]
    }

    private func render(_ type: String, _ object: JSONValue, _ registration: WatchRegistration) -> String {
        let spec = registration.spec
        switch spec.format {
        case .table(let version):
            let table = TableRenderer.table([object], type: spec.type, now: now, version: version,
                                            includeObject: spec.includeObject,
                                            listMetadata: ["resourceVersion": object[path: ["metadata", "resourceVersion"]] ?? ""],
                                            withColumns: !registration.sentColumns)
            registration.sentColumns = true
            return line(type: type, object: table)
        case .partialMetadata(let version):
            return line(type: type, object: TableRenderer.partialObjectMetadata(object, version: version))
        default:
            if spec.viewAsEventsV1 { return line(type: type, object: EventConversion.toV1(object)) }
            return line(type: type, object: TableRenderer.withTypeMeta(object, type: spec.type))
        }
    }

    func line(type: String, object: JSONValue) -> String {
        JSONValue.object(["type": .string(type), "object": object]).serialized() + "\n"
    }
}
