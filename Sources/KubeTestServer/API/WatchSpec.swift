/// A watch the API layer accepted; the HTTP layer streams it through a ``WatchSink``.
public struct WatchSpec: Sendable {
    public var type: ResourceType
    public var namespace: String?
    public var options: ListOptions
    public var format: ResponseFormat
    public var includeObject: String
    /// Set by the test hook that forces expiry: the stream sends this ERROR and ends.
    public var forcedError: APIError?
    /// How long the stream lasts before it ends cleanly (`timeoutSeconds`, or the server default).
    public var timeoutSeconds: Int
    /// Render core Events as events.k8s.io/v1 Events.
    public var viewAsEventsV1 = false
}

/// Where a watch's events go. `send` is called with the store's lock held, in version order, so an
/// implementation must only enqueue (for example hop to its event loop), never block.
public protocol WatchSink: AnyObject, Sendable {
    /// One event, already serialized as a line of JSON ending in "\n".
    func send(_ line: String)
    /// Ends the stream: cleanly (terminating chunk) or by dropping the connection.
    func finish(dropConnection: Bool)
}
