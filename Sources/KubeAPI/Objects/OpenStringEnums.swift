/// A string enumeration whose set of values the API server may extend: known values are named
/// constants, unknown ones decode and round-trip instead of failing the whole object.
public protocol OpenStringEnum: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
}

extension OpenStringEnum {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// `Service.spec.type`.
public struct ServiceType: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let clusterIP: ServiceType = "ClusterIP"
    public static let nodePort: ServiceType = "NodePort"
    public static let loadBalancer: ServiceType = "LoadBalancer"
    public static let externalName: ServiceType = "ExternalName"
}

/// `Service.spec.externalTrafficPolicy` and `internalTrafficPolicy`.
public struct TrafficPolicy: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let cluster: TrafficPolicy = "Cluster"
    public static let local: TrafficPolicy = "Local"
}

/// `Service.spec.ipFamilies[]`.
public struct IPFamily: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let ipv4: IPFamily = "IPv4"
    public static let ipv6: IPFamily = "IPv6"
}

/// `Service.spec.ipFamilyPolicy`.
public struct IPFamilyPolicy: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let singleStack: IPFamilyPolicy = "SingleStack"
    public static let preferDualStack: IPFamilyPolicy = "PreferDualStack"
    public static let requireDualStack: IPFamilyPolicy = "RequireDualStack"
}

/// A port's protocol (`TCP` when unset, as the API server defaults it).
public struct PortProtocol: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let tcp: PortProtocol = "TCP"
    public static let udp: PortProtocol = "UDP"
    public static let sctp: PortProtocol = "SCTP"
}

/// `LoadBalancerIngress.ipMode` (Kubernetes 1.30+): `VIP` means kube-proxy also handles the IP
/// inside the cluster; the API server fills it in when it is missing.
public struct IPMode: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let vip: IPMode = "VIP"
    public static let proxy: IPMode = "Proxy"
}

/// `EndpointSlice.addressType`.
public struct AddressType: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let ipv4: AddressType = "IPv4"
    public static let ipv6: AddressType = "IPv6"
    public static let fqdn: AddressType = "FQDN"
}

/// `Event.type`.
public struct EventType: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let normal: EventType = "Normal"
    public static let warning: EventType = "Warning"
}
