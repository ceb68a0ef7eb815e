import Foundation

/// What admission may read while preparing an object: the time, the store (to find allocated IPs and
/// ports and the namespaces) and the cluster's network settings.
public struct AdmissionContext {
    public var now: Date
    public var store: ObjectStore
    public var network: ClusterNetwork

    public init(now: Date, store: ObjectStore, network: ClusterNetwork) {
        self.now = now
        self.store = store
        self.network = network
    }
}

/// Service networking of the simulated cluster: dual-stack, IPv4 primary, like kind's defaults.
public struct ClusterNetwork: Sendable {
    public var serviceCIDRs: [CIDRText]
    public var nodePortRange: ClosedRange<Int>

    public static let standard = ClusterNetwork(
        serviceCIDRs: [CIDRText("10.96.0.0/12")!, CIDRText("fd00:10:96::/112")!],
        nodePortRange: 30000...32767)

    public init(serviceCIDRs: [CIDRText], nodePortRange: ClosedRange<Int>) {
        self.serviceCIDRs = serviceCIDRs
        self.nodePortRange = nodePortRange
    }

    public func cidr(family: String) -> CIDRText? {
        serviceCIDRs.first { ($0.address.isIPv4 ? "IPv4" : "IPv6") == family }
    }

    public var primaryFamily: String { serviceCIDRs.first?.address.family ?? "IPv4" }
}
