/// core/v1 Event, the kind `kubectl describe` shows. `involvedObject.uid` must be set or describe
/// never shows it; repeats are counted (`count`, `lastTimestamp`) rather than duplicated.
public struct Event: KubeObject, Hashable {
    public static let apiVersion = "v1"
    public static let kind = "Event"
    public static let plural = "events"
    public static let isNamespaced = true

    public var metadata: ObjectMeta
    public var involvedObject: ObjectReference
    public var reason: String?
    public var message: String?
    public var source: EventSource?
    public var firstTimestamp: KubeTime?
    public var lastTimestamp: KubeTime?
    public var count: Int?
    public var type: EventType?
    public var eventTime: MicroTime?
    public var series: JSONValue?
    public var action: String?
    public var related: ObjectReference?
    public var reportingComponent: String?
    public var reportingInstance: String?
    public var extra: JSONObject

    public init(
        metadata: ObjectMeta = ObjectMeta(), involvedObject: ObjectReference = ObjectReference(),
        type: EventType? = nil, reason: String? = nil, message: String? = nil, source: EventSource? = nil,
        firstTimestamp: KubeTime? = nil, lastTimestamp: KubeTime? = nil, count: Int? = nil
    ) {
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.type = type
        self.reason = reason
        self.message = message
        self.source = source
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.count = count
        self.extra = [:]
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case apiVersion, kind, metadata, involvedObject, reason, message, source, firstTimestamp, lastTimestamp
        case count, type, eventTime, series, action, related, reportingComponent, reportingInstance
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.value(.metadata, default: ObjectMeta())
        involvedObject = try c.value(.involvedObject, default: ObjectReference())
        reason = try c.optional(.reason)
        message = try c.optional(.message)
        source = try c.optional(.source)
        firstTimestamp = try c.optional(.firstTimestamp)
        lastTimestamp = try c.optional(.lastTimestamp)
        count = try c.optional(.count)
        type = try c.optional(.type)
        eventTime = try c.optional(.eventTime)
        series = try c.optional(.series)
        action = try c.optional(.action)
        related = try c.optional(.related)
        reportingComponent = try c.optional(.reportingComponent)
        reportingInstance = try c.optional(.reportingInstance)
        extra = try decoder.unknownFields(besides: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        try encoder.encodeTypeMeta(of: Self.self)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(involvedObject, forKey: .involvedObject)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encodeIfPresent(message, forKey: .message)
        try c.encodeIfPresent(source, forKey: .source)
        try c.encodeIfPresent(firstTimestamp, forKey: .firstTimestamp)
        try c.encodeIfPresent(lastTimestamp, forKey: .lastTimestamp)
        try c.encodeIfPresent(count, forKey: .count)
        try c.encodeIfPresent(type, forKey: .type)
        // Legacy core/v1 events carry `eventTime: null`; a set eventTime switches the server to the
        // stricter events.k8s.io validation, so it is only written when the caller set it.
        try c.encodeIfPresent(eventTime, forKey: .eventTime)
        try c.encodeIfPresent(series, forKey: .series)
        try c.encodeIfPresent(action, forKey: .action)
        try c.encodeIfPresent(related, forKey: .related)
        try c.encodeIfPresent(reportingComponent, forKey: .reportingComponent)
        try c.encodeIfPresent(reportingInstance, forKey: .reportingInstance)
        try encoder.encodeUnknownFields(extra, besides: CodingKeys.self)
    }
}

/// `EventSource`: who reported the event (`ironlb-controller`, and the node for speakers).
public struct EventSource: Sendable, Hashable, Codable {
    public var component: String?
    public var host: String?

    public init(component: String? = nil, host: String? = nil) {
        self.component = component
        self.host = host
    }
}
