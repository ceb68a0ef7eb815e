/// What an informer tells its subscribers, in the order things happened.
public enum InformerEvent<T: KubeObject>: Sendable {
    case added(T)
    case updated(old: T, new: T)
    case deleted(T)
    /// The first list has been delivered: the cache holds everything that existed. Sent once (a
    /// subscriber that joins later gets it right after the replay of the cache).
    case synced

    /// The object concerned (the new one for updates), nil for `.synced`.
    public var object: T? {
        switch self {
        case .added(let object), .deleted(let object), .updated(_, let object): return object
        case .synced: return nil
        }
    }
}

/// Counters an informer keeps, for logs, metrics and tests.
public struct InformerStatistics: Sendable, Hashable {
    /// Full lists made (the first one and every re-list).
    public var lists = 0
    /// Watch requests started.
    public var watches = 0
    /// Re-lists forced by 410 Gone (HTTP 410 or an ERROR event with code 410).
    public var expired = 0
    /// Lists or watches that failed otherwise (dropped connections, errors); each one backs off.
    public var failures = 0
    /// Watch events applied (bookmarks included).
    public var events = 0
}
