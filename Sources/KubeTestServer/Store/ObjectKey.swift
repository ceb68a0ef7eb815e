/// Where an object lives inside one resource's table: namespace ("" when cluster-scoped) and name.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public static func < (a: ObjectKey, b: ObjectKey) -> Bool {
        (a.namespace, a.name) < (b.namespace, b.name)
    }

    public var description: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    /// The key of a stored object, read from its metadata.
    public init(of object: JSONValue) {
        namespace = object[path: ["metadata", "namespace"]]?.stringValue ?? ""
        name = object[path: ["metadata", "name"]]?.stringValue ?? ""
    }
}

/// What kind of change a write made, named as watch events name it.
public enum ChangeType: String, Sendable, Equatable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
}

/// One committed change, as kept in the bounded history that watches resume from.
public struct Change: Sendable, Equatable {
    public var resourceVersion: Int
    public var type: ResourceType
    public var key: ObjectKey
    public var change: ChangeType
    /// The object after the change; for a deletion, the last state stamped with the deletion's version.
    public var object: JSONValue
    /// The object before the change (nil for an addition).
    public var previous: JSONValue?
}
