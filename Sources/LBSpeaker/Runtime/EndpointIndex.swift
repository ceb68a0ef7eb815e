import KubeAPI
import LBCore

/// Which nodes host a ready endpoint of each Service, kept up to date one EndpointSlice at a
/// time, so a slice event costs the slices of one Service rather than every slice in the
/// cluster. The rules are `EndpointReadiness.readyNodes(from:)`'s, applied per slice.
struct EndpointIndex: Sendable {
    /// Per slice (`namespace/name`): the Service it belongs to and its nodes with a ready endpoint.
    private var slices: [String: (service: ServiceKey, nodes: Set<String>)] = [:]
    /// Per Service: its slices.
    private var slicesByService: [ServiceKey: Set<String>] = [:]
    /// The union per Service (absent when no slice has a ready endpoint on a node).
    private(set) var readyNodes: [ServiceKey: Set<String>] = [:]

    /// Records `slice` (added or changed). Returns the Services whose ready nodes changed.
    mutating func update(_ slice: EndpointSlice) -> Set<ServiceKey> {
        let id = Self.id(slice)
        var affected = Set<ServiceKey>()
        if let old = slices.removeValue(forKey: id) {
            slicesByService[old.service]?.remove(id)
            affected.insert(old.service)
        }
        let reading = EndpointReadiness.readyNodes(from: [slice])
        if let service = slice.serviceName.flatMap({ $0.isEmpty ? nil : $0 }) {
            let key = ServiceKey(namespace: slice.metadata.namespace ?? "default", name: service)
            slices[id] = (key, reading[key] ?? [])
            slicesByService[key, default: []].insert(id)
            affected.insert(key)
        }
        return recompute(affected)
    }

    /// Forgets `slice` (deleted). Returns the Services whose ready nodes changed.
    mutating func remove(_ slice: EndpointSlice) -> Set<ServiceKey> {
        let id = Self.id(slice)
        guard let old = slices.removeValue(forKey: id) else { return [] }
        slicesByService[old.service]?.remove(id)
        return recompute([old.service])
    }

    private mutating func recompute(_ services: Set<ServiceKey>) -> Set<ServiceKey> {
        var changed = Set<ServiceKey>()
        for key in services {
            var union = Set<String>()
            for id in slicesByService[key] ?? [] { union.formUnion(slices[id]?.nodes ?? []) }
            if slicesByService[key]?.isEmpty == true { slicesByService[key] = nil }
            let new: Set<String>? = union.isEmpty ? nil : union
            if readyNodes[key] != new {
                readyNodes[key] = new
                changed.insert(key)
            }
        }
        return changed
    }

    private static func id(_ slice: EndpointSlice) -> String {
        "\(slice.metadata.namespace ?? "default")/\(slice.metadata.name)"
    }
}
