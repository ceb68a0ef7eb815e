/// `metav1.Condition` (the standard condition shape in `Service.status.conditions`).
public struct Condition: Sendable, Hashable, Codable {
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var observedGeneration: Int?
    public var lastTransitionTime: KubeTime?
    public var reason: String?
    public var message: String?

    public init(
        type: String, status: String, observedGeneration: Int? = nil, lastTransitionTime: KubeTime? = nil,
        reason: String? = nil, message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}
