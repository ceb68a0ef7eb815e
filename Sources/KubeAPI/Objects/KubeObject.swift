/// A Kubernetes resource type IronLB reads or writes. The static members say where it lives in the
/// API (`/api/v1/namespaces/NS/services`, `/apis/coordination.k8s.io/v1/namespaces/NS/leases`).
///
/// Models decode leniently (every field optional or defaulted, unknown fields tolerated) so that a
/// newer API server never breaks a watch; top-level objects keep unknown members in `extra` so that
/// an update (PUT) never erases what IronLB does not model.
public protocol KubeObject: Codable, Sendable {
    /// `v1`, `discovery.k8s.io/v1`, `coordination.k8s.io/v1`.
    static var apiVersion: String { get }
    /// `Service`, `Lease`, ...
    static var kind: String { get }
    /// The resource name in URLs: `services`, `endpointslices`, `leases`.
    static var plural: String { get }
    /// Whether objects live in a namespace (Nodes and Namespaces do not).
    static var isNamespaced: Bool { get }
    /// Whether the type has a `/status` subresource (writes to it keep the spec and vice versa).
    static var hasStatusSubresource: Bool { get }

    var metadata: ObjectMeta { get set }
}

extension KubeObject {
    public static var hasStatusSubresource: Bool { false }

    /// The API group (`""` for the core group).
    public static var group: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    /// The version within the group (`v1`).
    public static var version: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return apiVersion }
        return String(apiVersion[apiVersion.index(after: slash)...])
    }

    /// `namespace/name` (or `name` for cluster-scoped objects): the informer cache key.
    public var key: String { ObjectKey(namespace: metadata.namespace, name: metadata.name).description }
}

/// Identifies an object within one resource type.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String?
    public var name: String

    public init(namespace: String?, name: String) {
        self.namespace = namespace.flatMap { $0.isEmpty ? nil : $0 }
        self.name = name
    }

    public init<T: KubeObject>(_ object: T) {
        self.init(namespace: object.metadata.namespace, name: object.metadata.name)
    }

    public var description: String {
        if let namespace { return "\(namespace)/\(name)" }
        return name
    }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace ?? "", lhs.name) < (rhs.namespace ?? "", rhs.name)
    }
}

/// The `apiVersion` and `kind` members every top-level object carries.
enum TypeMetaKeys: String, CodingKey {
    case apiVersion, kind
}

extension Encoder {
    /// Writes `apiVersion` and `kind` for `T` (the API server needs them on create and update).
    func encodeTypeMeta<T: KubeObject>(of type: T.Type) throws {
        var container = self.container(keyedBy: TypeMetaKeys.self)
        try container.encode(T.apiVersion, forKey: .apiVersion)
        try container.encode(T.kind, forKey: .kind)
    }
}

/// `metav1.ListMeta`.
public struct ListMeta: Sendable, Hashable, Codable {
    /// The version the list was read at: start a watch from here.
    public var resourceVersion: String?
    /// Opaque token for the next page; nil or empty on the last page.
    public var `continue`: String?
    public var remainingItemCount: Int?

    public init(resourceVersion: String? = nil, continue: String? = nil, remainingItemCount: Int? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
        self.remainingItemCount = remainingItemCount
    }
}

/// A list of objects of one type, as returned by `GET /api/v1/services`.
public struct KubeList<T: KubeObject>: Sendable, Codable {
    public var metadata: ListMeta
    public var items: [T]

    public init(metadata: ListMeta = ListMeta(), items: [T] = []) {
        self.metadata = metadata
        self.items = items
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, items }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.value(.metadata, default: ListMeta())
        items = try container.value(.items, default: [])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(T.apiVersion, forKey: .apiVersion)
        try container.encode(T.kind + "List", forKey: .kind)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(items, forKey: .items)
    }
}
