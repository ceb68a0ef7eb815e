import Foundation

/// The protobuf shape of the kinds `kubectl create <generator>` sends as
/// `application/vnd.kubernetes.protobuf` (namespace, configmap, secret, service), with the field
/// numbers of k8s.io/api's generated.proto. Unknown field numbers are skipped, as proto2 does.
indirect enum ProtoSchema: Sendable {
    case string, int, bool, bytes, time, intOrString
    case message([Int: (String, ProtoSchema)])
    case map(ProtoSchema)
    case repeated(ProtoSchema)


    static let objectMeta: ProtoSchema = .message([
        1: ("name", .string), 2: ("generateName", .string), 3: ("namespace", .string), 4: ("selfLink", .string),
        5: ("uid", .string), 6: ("resourceVersion", .string), 7: ("generation", .int), 8: ("creationTimestamp", .time),
        9: ("deletionTimestamp", .time), 10: ("deletionGracePeriodSeconds", .int), 11: ("labels", .map(.string)),
        12: ("annotations", .map(.string)),
        13: ("ownerReferences", .repeated(.message([
            1: ("kind", .string), 3: ("name", .string), 4: ("uid", .string), 5: ("apiVersion", .string),
            6: ("controller", .bool), 7: ("blockOwnerDeletion", .bool),
        ]))),
        14: ("finalizers", .repeated(.string)),
    ])

    static let condition: ProtoSchema = .message([
        1: ("type", .string), 2: ("status", .string), 3: ("observedGeneration", .int), 4: ("lastTransitionTime", .time),
        5: ("reason", .string), 6: ("message", .string),
    ])

    static func schema(for type: ResourceType) -> ProtoSchema? {
        switch type {
        case .namespaces:
            return .message([1: ("metadata", objectMeta), 2: ("spec", .message([1: ("finalizers", .repeated(.string))])),
                             3: ("status", .message([1: ("phase", .string)]))])
        case .configMaps:
            return .message([1: ("metadata", objectMeta), 2: ("data", .map(.string)), 3: ("binaryData", .map(.bytes)),
                             4: ("immutable", .bool)])
        case .secrets:
            return .message([1: ("metadata", objectMeta), 2: ("data", .map(.bytes)), 3: ("type", .string),
                             4: ("stringData", .map(.string)), 5: ("immutable", .bool)])
        case .services:
            let port: ProtoSchema = .message([
                1: ("name", .string), 2: ("protocol", .string), 3: ("port", .int), 4: ("targetPort", .intOrString),
                5: ("nodePort", .int), 6: ("appProtocol", .string),
            ])
            let spec: ProtoSchema = .message([
                1: ("ports", .repeated(port)), 2: ("selector", .map(.string)), 3: ("clusterIP", .string), 4: ("type", .string),
                5: ("externalIPs", .repeated(.string)), 7: ("sessionAffinity", .string), 8: ("loadBalancerIP", .string),
                9: ("loadBalancerSourceRanges", .repeated(.string)), 10: ("externalName", .string),
                11: ("externalTrafficPolicy", .string), 12: ("healthCheckNodePort", .int), 13: ("publishNotReadyAddresses", .bool),
                14: ("sessionAffinityConfig", .message([1: ("clientIP", .message([1: ("timeoutSeconds", .int)]))])),
                17: ("ipFamilyPolicy", .string), 18: ("clusterIPs", .repeated(.string)), 19: ("ipFamilies", .repeated(.string)),
                20: ("allocateLoadBalancerNodePorts", .bool), 21: ("loadBalancerClass", .string),
                22: ("internalTrafficPolicy", .string), 23: ("trafficDistribution", .string),
            ])
            return .message([1: ("metadata", objectMeta), 2: ("spec", spec), 3: ("status", .message([:]))])
        default:
            return nil
        }
    }
}
