import Foundation

/// Renders objects as server-side Tables (`meta.k8s.io/v1` Table), with the cells the real printers
/// produce, so `kubectl get` output matches a real cluster (EXTERNAL-IP, PORT(S), AGE...).
enum TableRenderer {
    /// `includeObject`: None, Metadata (default, a PartialObjectMetadata) or Object.
    static func table(_ objects: [JSONValue], type: ResourceType, now: Date, version: String, includeObject: String,
                      listMetadata: JSONValue, withColumns: Bool = true) -> JSONValue {
        let rows: [JSONValue] = objects.map { object in
            var row: JSONValue = ["cells": .array(cells(object, type: type, now: now))]
            switch includeObject {
            case "None": break
            case "Object": row["object"] = withTypeMeta(object, type: type)
            default: row["object"] = partialObjectMetadata(object, version: version)
            }
            return row
        }
        return [
            "kind": "Table", "apiVersion": .string("meta.k8s.io/\(version)"), "metadata": listMetadata,
            "columnDefinitions": withColumns ? .array(TableColumn.columns(for: type).map(\.json)) : .null,
            "rows": .array(rows),
        ]
    }

    static func withTypeMeta(_ object: JSONValue, type: ResourceType) -> JSONValue {
        var copy = object
        copy["kind"] = .string(type.kind)
        copy["apiVersion"] = .string(type.apiVersion)
        return copy
    }

    static func partialObjectMetadata(_ object: JSONValue, version: String) -> JSONValue {
        ["kind": "PartialObjectMetadata", "apiVersion": .string("meta.k8s.io/\(version)"),
         "metadata": object["metadata"] ?? .emptyObject]
    }

    static func age(_ timestamp: JSONValue?, now: Date) -> String {
        guard let text = timestamp?.stringValue, let date = Timestamp.parse(text) else { return "<unknown>" }
        return Timestamp.humanDuration(now.timeIntervalSince(date))
    }

    static func cells(_ o: JSONValue, type: ResourceType, now: Date) -> [JSONValue] {
        let name: JSONValue = o[path: ["metadata", "name"]] ?? ""
        let age = JSONValue.string(age(o[path: ["metadata", "creationTimestamp"]], now: now))
        switch type {
        case .services: return serviceCells(o, name: name, age: age)
        case .namespaces: return [name, o[path: ["status", "phase"]] ?? "", age]
        case .nodes: return nodeCells(o, name: name, age: age)
        case .configMaps:
            let count = (o["data"]?.objectValue?.count ?? 0) + (o["binaryData"]?.objectValue?.count ?? 0)
            return [name, .int(count), age]
        case .secrets: return [name, o["type"] ?? "", .int(o["data"]?.objectValue?.count ?? 0), age]
        case .events: return eventCells(o, now: now)
        case .endpointSlices: return endpointSliceCells(o, name: name, age: age)
        case .leases: return [name, o[path: ["spec", "holderIdentity"]] ?? "", age]
        default: return [name, o[path: ["metadata", "creationTimestamp"]] ?? ""]
        }
    }

    /// `printService`: External-IP is `<pending>` for a LoadBalancer without ingress, the sorted
    /// unique ingress IPs (or hostnames) joined with "," otherwise, `<none>` for other types.
    static func serviceCells(_ o: JSONValue, name: JSONValue, age: JSONValue) -> [JSONValue] {
        let spec = o["spec"] ?? .emptyObject
        let type = spec["type"]?.stringValue ?? ""
        var clusterIP = spec["clusterIP"]?.stringValue ?? ""
        if clusterIP.isEmpty { clusterIP = "<none>" }
        let externalIPs = (spec["externalIPs"]?.arrayValue ?? []).compactMap(\.stringValue)
        var external: String
        switch type {
        case "ClusterIP", "NodePort":
            external = externalIPs.isEmpty ? "<none>" : externalIPs.joined(separator: ",")
        case "LoadBalancer":
            var ingress = Set<String>()
            for entry in o[path: ["status", "loadBalancer", "ingress"]]?.arrayValue ?? [] {
                if let ip = entry["ip"]?.stringValue, !ip.isEmpty {
                    ingress.insert(ip)
                } else if let host = entry["hostname"]?.stringValue, !host.isEmpty {
                    ingress.insert(host)
                }
            }
            let lb = ingress.sorted()
            if !externalIPs.isEmpty {
                external = (lb + externalIPs).joined(separator: ",")
            } else {
                external = lb.isEmpty ? "<pending>" : lb.joined(separator: ",")
            }
        case "ExternalName":
            external = spec["externalName"]?.stringValue ?? ""
        default:
            external = "<unknown>"
        }
        let ports = (spec["ports"]?.arrayValue ?? []).map { port -> String in
            let number = port["port"]?.intValue ?? 0
            let proto = port["protocol"]?.stringValue ?? ""
            if let nodePort = port["nodePort"]?.intValue, nodePort > 0 { return "\(number):\(nodePort)/\(proto)" }
            return "\(number)/\(proto)"
        }
        return [name, .string(type), .string(clusterIP), .string(external),
                .string(ports.isEmpty ? "<none>" : ports.joined(separator: ",")), age,
                .string(formatLabels(spec["selector"]))]
    }

    static func formatLabels(_ map: JSONValue?) -> String {
        let pairs = (map?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
        return pairs.isEmpty ? "<none>" : pairs.joined(separator: ",")
    }

    static func nodeCells(_ o: JSONValue, name: JSONValue, age: JSONValue) -> [JSONValue] {
        var status: [String] = []
        for condition in o[path: ["status", "conditions"]]?.arrayValue ?? [] where condition["type"] == "Ready" {
            status = [condition["status"] == "True" ? "Ready" : "NotReady"]
        }
        if status.isEmpty { status = ["Unknown"] }
        if o[path: ["spec", "unschedulable"]] == .bool(true) { status.append("SchedulingDisabled") }
        var roles = Set<String>()
        for (key, value) in o[path: ["metadata", "labels"]]?.objectValue ?? [:] {
            if key.hasPrefix("node-role.kubernetes.io/") {
                let role = String(key.dropFirst("node-role.kubernetes.io/".count))
                if !role.isEmpty { roles.insert(role) }
            } else if key == "kubernetes.io/role", let v = value.stringValue, !v.isEmpty {
                roles.insert(v)
            }
        }
        func address(_ kind: String) -> String {
            for entry in o[path: ["status", "addresses"]]?.arrayValue ?? [] where entry["type"]?.stringValue == kind {
                return entry["address"]?.stringValue ?? "<none>"
            }
            return "<none>"
        }
        func info(_ key: String) -> String {
            let value = o[path: ["status", "nodeInfo", key]]?.stringValue ?? ""
            return value.isEmpty ? "<unknown>" : value
        }
        return [name, .string(status.joined(separator: ",")), .string(roles.isEmpty ? "<none>" : roles.sorted().joined(separator: ",")),
                age, o[path: ["status", "nodeInfo", "kubeletVersion"]] ?? "", .string(address("InternalIP")),
                .string(address("ExternalIP")), .string(info("osImage")), .string(info("kernelVersion")),
                .string(info("containerRuntimeVersion"))]
    }

    static func eventCells(_ o: JSONValue, now: Date) -> [JSONValue] {
        var first = age(o["firstTimestamp"], now: now)
        if o["firstTimestamp"] == nil || o["firstTimestamp"] == .null { first = age(o["eventTime"], now: now) }
        var last = age(o["lastTimestamp"], now: now)
        if o["lastTimestamp"] == nil || o["lastTimestamp"] == .null { last = first }
        var count = o["count"]?.intValue ?? 0
        if let series = o["series"]?.objectValue {
            last = age(series["lastObservedTime"], now: now)
            count = series["count"]?.intValue ?? 0
        } else if count == 0 {
            count = 1
        }
        let kind = (o[path: ["involvedObject", "kind"]]?.stringValue ?? "").lowercased()
        let objectName = o[path: ["involvedObject", "name"]]?.stringValue ?? ""
        let target = objectName.isEmpty ? kind : "\(kind)/\(objectName)"
        var source = o[path: ["source", "component"]]?.stringValue ?? ""
        if source.isEmpty { source = o["reportingComponent"]?.stringValue ?? "" }
        var host = o[path: ["source", "host"]]?.stringValue ?? ""
        if host.isEmpty { host = o["reportingInstance"]?.stringValue ?? "" }
        if !host.isEmpty { source += ", \(host)" }
        let message = (o["message"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return [.string(last), o["type"] ?? "", o["reason"] ?? "", .string(target),
                o[path: ["involvedObject", "fieldPath"]] ?? "", .string(source), .string(message), .string(first),
                .int(count), o[path: ["metadata", "name"]] ?? ""]
    }

    static func endpointSliceCells(_ o: JSONValue, name: JSONValue, age: JSONValue) -> [JSONValue] {
        func summarize(_ list: [String], total: Int) -> String {
            let shown = list.prefix(3).joined(separator: ",")
            if total > 3 { return "\(shown) + \(total - 3) more..." }
            return shown.isEmpty ? "<unset>" : shown
        }
        let ports = (o["ports"]?.arrayValue ?? []).map { port -> String in
            if let n = port["port"]?.intValue { return String(n) }
            return port["name"]?.stringValue ?? "<unset>"
        }
        let addresses = (o["endpoints"]?.arrayValue ?? []).flatMap { ($0["addresses"]?.arrayValue ?? []).compactMap(\.stringValue) }
        return [name, o["addressType"] ?? "", .string(summarize(ports, total: ports.count)),
                .string(summarize(addresses, total: addresses.count)), age]
    }
}
