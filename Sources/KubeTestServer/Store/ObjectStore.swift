/// The in-memory object table with one global resourceVersion and a bounded change history.
///
/// A pure value: no locks, clocks or I/O. Callers prepare objects (defaults, validation) and then
/// `put`/`remove` them; the store stamps `metadata.resourceVersion`, records the change and returns it
/// so the caller can notify watchers. A write that changes nothing keeps the version and returns nil.
public struct ObjectStore: Sendable {
    public private(set) var resourceVersion: Int = 0
    private var tables: [ResourceType: [ObjectKey: JSONValue]] = [:]
    private var history: [Change] = []
    private var historyStart = 0
    /// How many changes are kept for watches and exact lists to resume from.
    public var historyLimit: Int {
        didSet { trimHistory() }
    }
    /// Watches and exact lists from a version below this are too old (410). It is the version of the
    /// newest change dropped from the history: every change after it is still known.
    public private(set) var compactedThrough: Int = 0
    /// How many Services hold each cluster IP and node port, kept up to date on every write, so
    /// admission checks a Service against all others in O(its own ports) instead of scanning
    /// every Service (the real apiserver uses bitmap allocators for the same reason).
    private(set) var serviceIPUse: [String: Int] = [:]
    private(set) var serviceNodePortUse: [Int: Int] = [:]

    public init(historyLimit: Int = 1000) {
        self.historyLimit = max(1, historyLimit)
    }

    public func get(_ type: ResourceType, _ key: ObjectKey) -> JSONValue? {
        tables[type]?[key]
    }

    /// Every object of a type, optionally in one namespace, in key order.
    public func list(_ type: ResourceType, namespace: String? = nil) -> [JSONValue] {
        let table = tables[type] ?? [:]
        return table.keys.sorted().compactMap { key in
            guard namespace == nil || key.namespace == namespace else { return nil }
            return table[key]
        }
    }

    public func count(_ type: ResourceType) -> Int { tables[type]?.count ?? 0 }

    private mutating func countServiceUse(_ service: JSONValue, by delta: Int) {
        let held = ServiceAllocation.heldValues(of: service)
        for ip in held.ips {
            let n = (serviceIPUse[ip] ?? 0) + delta
            serviceIPUse[ip] = n > 0 ? n : nil
        }
        for port in held.nodePorts {
            let n = (serviceNodePortUse[port] ?? 0) + delta
            serviceNodePortUse[port] = n > 0 ? n : nil
        }
    }

    /// Stores `object` under its metadata key, creating or replacing. Returns nil for a no-op.
    @discardableResult
    public mutating func put(_ type: ResourceType, _ object: JSONValue) -> Change? {
        let key = ObjectKey(of: object)
        let previous = tables[type]?[key]
        var candidate = object
        if let previous {
            candidate[path: ["metadata", "resourceVersion"]] = previous[path: ["metadata", "resourceVersion"]]
            if candidate == previous { return nil }
        }
        resourceVersion += 1
        candidate[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
        tables[type, default: [:]][key] = candidate
        if type == .services {
            if let previous { countServiceUse(previous, by: -1) }
            countServiceUse(candidate, by: 1)
        }
        let change = Change(resourceVersion: resourceVersion, type: type, key: key,
                            change: previous == nil ? .added : .modified, object: candidate, previous: previous)
        record(change)
        return change
    }

    /// Removes an object. The returned change carries the last state with the deletion's version.
    @discardableResult
    public mutating func remove(_ type: ResourceType, _ key: ObjectKey) -> Change? {
        guard let previous = tables[type]?[key] else { return nil }
        tables[type]?[key] = nil
        if type == .services { countServiceUse(previous, by: -1) }
        resourceVersion += 1
        var object = previous
        object[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
        let change = Change(resourceVersion: resourceVersion, type: type, key: key, change: .deleted,
                            object: object, previous: previous)
        record(change)
        return change
    }

    /// The changes to `type` after version `after`, oldest first; 410 when they are no longer known.
    public func changes(after: Int, type: ResourceType?) throws(APIError) -> [Change] {
        guard after >= compactedThrough else { throw APIError.tooOld(requested: after, oldest: compactedThrough) }
        var result: [Change] = []
        var i = history.count - 1
        while i >= historyStart, history[i].resourceVersion > after {
            if type == nil || history[i].type == type { result.append(history[i]) }
            i -= 1
        }
        return result.reversed()
    }

    /// The objects of `type` as they were at version `version` (for exact lists and `continue`).
    public func snapshot(_ type: ResourceType, at version: Int, namespace: String?) throws(APIError) -> [JSONValue] {
        if version >= resourceVersion { return list(type, namespace: namespace) }
        var table = tables[type] ?? [:]
        for change in try changes(after: version, type: type).reversed() {
            table[change.key] = change.previous
        }
        return table.keys.sorted().compactMap { key in
            guard namespace == nil || key.namespace == namespace else { return nil }
            return table[key]
        }
    }

    /// Forgets the whole history, as an etcd compaction would: every earlier version becomes too old.
    public mutating func compact() {
        compactedThrough = resourceVersion
        history.removeAll()
        historyStart = 0
    }

    private mutating func record(_ change: Change) {
        history.append(change)
        trimHistory()
    }

    private mutating func trimHistory() {
        while history.count - historyStart > historyLimit {
            compactedThrough = history[historyStart].resourceVersion
            historyStart += 1
        }
        if historyStart > 1024, historyStart * 2 > history.count {
            history.removeFirst(historyStart)
            historyStart = 0
        }
    }
}
