/// `metav1.ObjectMeta`. Members not modelled here (`managedFields`, `selfLink`, ...) are kept in
/// `extra` and written back unchanged.
public struct ObjectMeta: Sendable, Hashable, Codable {
    public var name: String
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    /// Opaque; sent back on update as the optimistic-concurrency precondition.
    public var resourceVersion: String?
    public var generation: Int?
    public var labels: [String: String]
    public var annotations: [String: String]
    public var finalizers: [String]
    public var ownerReferences: [OwnerReference]
    public var creationTimestamp: KubeTime?
    public var deletionTimestamp: KubeTime?
    public var deletionGracePeriodSeconds: Int?
    public var extra: JSONObject

    public init(
        name: String = "", namespace: String? = nil, labels: [String: String] = [:],
        annotations: [String: String] = [:], uid: String? = nil, resourceVersion: String? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.finalizers = []
        self.ownerReferences = []
        self.extra = [:]
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, generateName, namespace, uid, resourceVersion, generation, labels, annotations, finalizers
        case ownerReferences, creationTimestamp, deletionTimestamp, deletionGracePeriodSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.value(.name, default: "")
        generateName = try c.optional(.generateName)
        namespace = try c.optional(.namespace)
        uid = try c.optional(.uid)
        resourceVersion = try c.optional(.resourceVersion)
        generation = try c.optional(.generation)
        labels = try c.value(.labels, default: [:])
        annotations = try c.value(.annotations, default: [:])
        finalizers = try c.value(.finalizers, default: [])
        ownerReferences = try c.value(.ownerReferences, default: [])
        creationTimestamp = try c.optional(.creationTimestamp)
        deletionTimestamp = try c.optional(.deletionTimestamp)
        deletionGracePeriodSeconds = try c.optional(.deletionGracePeriodSeconds)
        extra = try decoder.unknownFields(besides: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !name.isEmpty { try c.encode(name, forKey: .name) }
        try c.encodeIfPresent(generateName, forKey: .generateName)
        try c.encodeIfPresent(namespace, forKey: .namespace)
        try c.encodeIfPresent(uid, forKey: .uid)
        try c.encodeIfPresent(resourceVersion, forKey: .resourceVersion)
        try c.encodeIfPresent(generation, forKey: .generation)
        try c.encodeNonEmpty(labels, forKey: .labels)
        try c.encodeNonEmpty(annotations, forKey: .annotations)
        try c.encodeNonEmpty(finalizers, forKey: .finalizers)
        try c.encodeNonEmpty(ownerReferences, forKey: .ownerReferences)
        try c.encodeIfPresent(creationTimestamp, forKey: .creationTimestamp)
        try c.encodeIfPresent(deletionTimestamp, forKey: .deletionTimestamp)
        try c.encodeIfPresent(deletionGracePeriodSeconds, forKey: .deletionGracePeriodSeconds)
        try encoder.encodeUnknownFields(extra, besides: CodingKeys.self)
    }
}

/// `metav1.OwnerReference`.
public struct OwnerReference: Sendable, Hashable, Codable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?

    public init(
        apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil,
        blockOwnerDeletion: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}
