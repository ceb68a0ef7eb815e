import Foundation
import KubeAPI

/// What lbctl reads from the cluster, at one time: the inputs of the pure report builders.
public struct ClusterSnapshot: Sendable {
    /// The `config` key of IronLB's ConfigMap; nil when the ConfigMap or the key is absent.
    public var configText: String?
    /// IronLB's namespace: the ConfigMap `config` and the speakers' Leases are there.
    public var ironlbNamespace: String
    /// Every Service in the cluster.
    public var services: [KubeAPI.Service]
    /// The Leases in IronLB's namespace (the speakers' among them).
    public var leases: [Lease]
    /// Events about the ConfigMap (the controller's `ConfigLoaded`, `InvalidConfig`,
    /// `ConfigMissing`), and the controller's `AllocationFailed` events about Services (all of
    /// them for `status`; the explained Service's events for `explain`). Empty when events cannot
    /// be read (RBAC): they add detail, they are not needed.
    public var events: [KubeAPI.Event]
    /// When it was read: liveness and ages are measured against it.
    public var now: Date

    public init(
        configText: String?, ironlbNamespace: String = "ironlb-system", services: [KubeAPI.Service], leases: [Lease],
        events: [KubeAPI.Event] = [], now: Date
    ) {
        self.configText = configText
        self.ironlbNamespace = ironlbNamespace
        self.services = services
        self.leases = leases
        self.events = events
        self.now = now
    }

    /// Where the config is read from: `ConfigMap ironlb-system/config`.
    public var configSource: String { "ConfigMap \(ironlbNamespace)/\(ClusterReader.configMapName)" }

    /// The controller's Events about the ConfigMap, newest first.
    var configEvents: [KubeAPI.Event] {
        events(kind: "ConfigMap", namespace: ironlbNamespace, name: ClusterReader.configMapName)
    }

    /// Events about `kind` `namespace/name`, newest first.
    func events(kind: String, namespace: String, name: String) -> [KubeAPI.Event] {
        events
            .filter {
                $0.involvedObject.kind == kind && $0.involvedObject.name == name
                    && ($0.involvedObject.namespace ?? $0.metadata.namespace) == namespace
            }
            .sorted { Self.time(of: $0) > Self.time(of: $1) }
    }

    /// When an event last happened: `lastTimestamp`, else `eventTime`, else `firstTimestamp`,
    /// else its creation.
    static func time(of event: KubeAPI.Event) -> Date {
        event.lastTimestamp?.date ?? event.eventTime?.date ?? event.firstTimestamp?.date
            ?? event.metadata.creationTimestamp?.date ?? .distantPast
    }
}
