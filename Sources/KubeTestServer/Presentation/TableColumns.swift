/// A server-side Table column (`metav1.TableColumnDefinition`).
struct TableColumn: Sendable {
    var name: String
    var type: String = "string"
    var format: String = ""
    var description: String
    var priority: Int = 0

    var json: JSONValue {
        ["name": .string(name), "type": .string(type), "format": .string(format), "description": .string(description),
         "priority": .int(priority)]
    }

    static func name(_ description: String) -> TableColumn {
        TableColumn(name: "Name", format: "name", description: description)
    }

    static let age = TableColumn(name: "Age", type: "string", description:
        "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata")

    static let nameDescription =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"

    /// The columns of `pkg/printers/internalversion` for each kind served.
    static func columns(for type: ResourceType) -> [TableColumn] {
        switch type {
        case .services:
            return [
                .name(nameDescription),
                TableColumn(name: "Type", description: "type determines how the Service is exposed."),
                TableColumn(name: "Cluster-IP", description: "clusterIP is the IP address of the service and is usually assigned randomly."),
                TableColumn(name: "External-IP", description: "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
                TableColumn(name: "Port(s)", description: "The list of ports that are exposed by this service."),
                .age,
                TableColumn(name: "Selector", description: "Route service traffic to pods with label keys and values matching this selector.", priority: 1),
            ]
        case .namespaces:
            return [.name(nameDescription), TableColumn(name: "Status", description: "The status of the namespace"), .age]
        case .nodes:
            return [
                .name(nameDescription),
                TableColumn(name: "Status", description: "The status of the node"),
                TableColumn(name: "Roles", description: "The roles of the node"),
                .age,
                TableColumn(name: "Version", description: "Kubelet Version reported by the node."),
                TableColumn(name: "Internal-IP", description: "List of addresses reachable to the node. Queried from cloud provider, if available.", priority: 1),
                TableColumn(name: "External-IP", description: "List of addresses reachable to the node. Queried from cloud provider, if available.", priority: 1),
                TableColumn(name: "OS-Image", description: "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", priority: 1),
                TableColumn(name: "Kernel-Version", description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", priority: 1),
                TableColumn(name: "Container-Runtime", description: "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", priority: 1),
            ]
        case .configMaps:
            return [.name(nameDescription), TableColumn(name: "Data", type: "string", description: "Data contains the configuration data."), .age]
        case .secrets:
            return [
                .name(nameDescription), TableColumn(name: "Type", description: "The type of the secret"),
                TableColumn(name: "Data", type: "string", description: "The number of entries in the secret"), .age,
            ]
        case .events:
            return [
                TableColumn(name: "Last Seen", description: "The time at which the most recent occurrence of this event was recorded."),
                TableColumn(name: "Type", description: "Type of this event (Normal, Warning), new types could be added in the future"),
                TableColumn(name: "Reason", description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
                TableColumn(name: "Object", description: "The object that this event is about."),
                TableColumn(name: "Subobject", description: "The subobject that this event is about.", priority: 1),
                TableColumn(name: "Source", description: "The component reporting this event. Should be a short machine understandable string.", priority: 1),
                TableColumn(name: "Message", description: "A human-readable description of the status of this operation."),
                TableColumn(name: "First Seen", description: "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", priority: 1),
                TableColumn(name: "Count", description: "The number of times this event has occurred.", priority: 1),
                TableColumn(name: "Name", format: "name", description: nameDescription, priority: 1),
            ]
        case .endpointSlices:
            return [
                .name(nameDescription),
                TableColumn(name: "AddressType", description: "addressType specifies the type of address carried by this EndpointSlice."),
                TableColumn(name: "Ports", description: "ports specifies the list of network ports exposed by each endpoint in this slice."),
                TableColumn(name: "Endpoints", description: "endpoints is a list of unique endpoints in this slice."),
                .age,
            ]
        case .leases:
            return [.name(nameDescription), TableColumn(name: "Holder", description: "holderIdentity contains the identity of the holder of a current lease."), .age]
        default:
            return [.name(nameDescription), TableColumn(name: "Created At", type: "date", description: "")]
        }
    }
}
