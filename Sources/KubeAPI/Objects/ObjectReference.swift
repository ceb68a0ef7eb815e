/// `v1.ObjectReference`: how an Event names the object it is about (`involvedObject`) and how an
/// EndpointSlice names its Pod (`targetRef`).
public struct ObjectReference: Sendable, Hashable, Codable {
    public var kind: String?
    public var namespace: String?
    public var name: String?
    /// Required on an Event's `involvedObject`, or `kubectl describe` never shows the event.
    public var uid: String?
    public var apiVersion: String?
    public var resourceVersion: String?
    public var fieldPath: String?

    public init(
        kind: String? = nil, namespace: String? = nil, name: String? = nil, uid: String? = nil,
        apiVersion: String? = nil, resourceVersion: String? = nil, fieldPath: String? = nil
    ) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.apiVersion = apiVersion
        self.resourceVersion = resourceVersion
        self.fieldPath = fieldPath
    }

    /// A reference to `object`, carrying its uid (what Events need).
    public init<T: KubeObject>(_ object: T) {
        self.init(
            kind: T.kind, namespace: object.metadata.namespace, name: object.metadata.name,
            uid: object.metadata.uid, apiVersion: T.apiVersion, resourceVersion: object.metadata.resourceVersion)
    }
}
