/// The schemas of the kinds served (core/v1, discovery.k8s.io/v1, coordination.k8s.io/v1), field for
/// field as in k8s.io/api 1.32. Subtrees we never look into are `.any` so nothing real is dropped.
extension FieldSchema {
    static func schema(for type: ResourceType) -> FieldSchema {
        var fields: [String: FieldSchema] = ["apiVersion": .string, "kind": .string, "metadata": objectMeta]
        switch type {
        case .services: fields["spec"] = serviceSpec; fields["status"] = serviceStatus
        case .configMaps: fields["data"] = .map(.string); fields["binaryData"] = .map(.string); fields["immutable"] = .boolean
        case .secrets:
            fields["data"] = .map(.string); fields["stringData"] = .map(.string); fields["type"] = .string
            fields["immutable"] = .boolean
        case .namespaces:
            fields["spec"] = .object(["finalizers": .list(.string)])
            fields["status"] = .object(["phase": .string, "conditions": .list(condition)])
        case .nodes: fields["spec"] = nodeSpec; fields["status"] = nodeStatus
        case .leases: fields["spec"] = leaseSpec
        case .events: fields.merge(eventFields) { a, _ in a }
        case .endpointSlices: fields.merge(endpointSliceFields) { a, _ in a }
        default: return .any
        }
        return .object(fields)
    }

    static let objectReference: FieldSchema = .object([
        "kind": .string, "namespace": .string, "name": .string, "uid": .string, "apiVersion": .string,
        "resourceVersion": .string, "fieldPath": .string,
    ])

    static let objectMeta: FieldSchema = .object([
        "name": .string, "generateName": .string, "namespace": .string, "selfLink": .string, "uid": .string,
        "resourceVersion": .string, "generation": .integer, "creationTimestamp": .string, "deletionTimestamp": .string,
        "deletionGracePeriodSeconds": .integer, "labels": .map(.string), "annotations": .map(.string),
        "ownerReferences": .list(.object([
            "apiVersion": .string, "kind": .string, "name": .string, "uid": .string, "controller": .boolean,
            "blockOwnerDeletion": .boolean,
        ])),
        "finalizers": .list(.string), "managedFields": .list(.any),
    ])

    static let condition: FieldSchema = .object([
        "type": .string, "status": .string, "observedGeneration": .integer, "lastTransitionTime": .string,
        "reason": .string, "message": .string,
    ])

    static let serviceSpec: FieldSchema = .object([
        "ports": .list(.object([
            "name": .string, "protocol": .string, "appProtocol": .string, "port": .integer,
            "targetPort": .intOrString, "nodePort": .integer,
        ])),
        "selector": .map(.string), "clusterIP": .string, "clusterIPs": .list(.string), "type": .string,
        "externalIPs": .list(.string), "sessionAffinity": .string, "loadBalancerIP": .string,
        "loadBalancerSourceRanges": .list(.string), "externalName": .string, "externalTrafficPolicy": .string,
        "healthCheckNodePort": .integer, "publishNotReadyAddresses": .boolean,
        "sessionAffinityConfig": .object(["clientIP": .object(["timeoutSeconds": .integer])]),
        "ipFamilies": .list(.string), "ipFamilyPolicy": .string, "allocateLoadBalancerNodePorts": .boolean,
        "loadBalancerClass": .string, "internalTrafficPolicy": .string, "trafficDistribution": .string,
    ])

    static let serviceStatus: FieldSchema = .object([
        "loadBalancer": .object([
            "ingress": .list(.object([
                "ip": .string, "hostname": .string, "ipMode": .string,
                "ports": .list(.object(["port": .integer, "protocol": .string, "error": .string])),
            ])),
        ]),
        "conditions": .list(condition),
    ])

    static let nodeSpec: FieldSchema = .object([
        "podCIDR": .string, "podCIDRs": .list(.string), "providerID": .string, "unschedulable": .boolean,
        "taints": .list(.object(["key": .string, "value": .string, "effect": .string, "timeAdded": .string])),
        "configSource": .any, "externalID": .string,
    ])

    static let nodeStatus: FieldSchema = .object([
        "capacity": .map(.quantity), "allocatable": .map(.quantity), "phase": .string,
        "conditions": .list(.object([
            "type": .string, "status": .string, "lastHeartbeatTime": .string, "lastTransitionTime": .string,
            "reason": .string, "message": .string,
        ])),
        "addresses": .list(.object(["type": .string, "address": .string])),
        "daemonEndpoints": .any, "nodeInfo": .any, "images": .any, "volumesInUse": .any, "volumesAttached": .any,
        "config": .any, "runtimeHandlers": .any, "features": .any,
    ])

    static let leaseSpec: FieldSchema = .object([
        "holderIdentity": .string, "leaseDurationSeconds": .integer, "acquireTime": .string, "renewTime": .string,
        "leaseTransitions": .integer, "strategy": .string, "preferredHolder": .string,
    ])

    static let eventFields: [String: FieldSchema] = [
        "involvedObject": objectReference, "reason": .string, "message": .string,
        "source": .object(["component": .string, "host": .string]), "firstTimestamp": .string,
        "lastTimestamp": .string, "count": .integer, "type": .string, "eventTime": .string,
        "series": .object(["count": .integer, "lastObservedTime": .string]), "action": .string,
        "related": objectReference, "reportingComponent": .string, "reportingInstance": .string,
    ]

    static let endpointSliceFields: [String: FieldSchema] = [
        "addressType": .string,
        "endpoints": .list(.object([
            "addresses": .list(.string),
            "conditions": .object(["ready": .boolean, "serving": .boolean, "terminating": .boolean]),
            "hostname": .string, "targetRef": objectReference, "deprecatedTopology": .map(.string),
            "nodeName": .string, "zone": .string,
            "hints": .object(["forZones": .list(.object(["name": .string])), "forNodes": .list(.object(["name": .string]))]),
        ])),
        "ports": .list(.object(["name": .string, "protocol": .string, "port": .integer, "appProtocol": .string])),
    ]
}
