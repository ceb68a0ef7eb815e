/// Content negotiation on the `Accept` header, as the real server does it for the forms clients send.
public enum ResponseFormat: Sendable, Equatable {
    case json
    /// A server-side Table (`as=Table;v=v1;g=meta.k8s.io`), or its v1beta1 form.
    case table(version: String)
    /// `as=PartialObjectMetadata` or `PartialObjectMetadataList`.
    case partialMetadata(version: String)
    /// Aggregated discovery, `v2` or `v2beta1`.
    case aggregatedDiscovery(version: String)

    /// The exact Content-Type of a response in this format.
    public var contentType: String {
        switch self {
        case .json: return "application/json"
        case .table(let v): return "application/json;as=Table;v=\(v);g=meta.k8s.io"
        case .partialMetadata(let v): return "application/json;as=PartialObjectMetadata;v=\(v);g=meta.k8s.io"
        case .aggregatedDiscovery(let v): return "application/json;g=apidiscovery.k8s.io;v=\(v);as=APIGroupDiscoveryList"
        }
    }

    /// Picks the first acceptable entry of `accept`; nil means 406.
    /// - Parameters:
    ///   - discovery: whether the endpoint can answer with aggregated discovery.
    ///   - objects: whether it can answer with Tables and partial metadata.
    public static func negotiate(_ accept: String, discovery: Bool = false, objects: Bool = false) -> ResponseFormat? {
        let trimmed = accept.trimmingSpaces()
        if trimmed.isEmpty { return .json }
        for entry in trimmed.split(separator: ",") {
            let parts = entry.split(separator: ";").map { String($0).trimmingSpaces() }
            guard let mime = parts.first?.lowercased() else { continue }
            var params: [String: String] = [:]
            for p in parts.dropFirst() {
                let kv = p.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces() }
                if kv.count == 2 { params[kv[0].lowercased()] = kv[1] }
            }
            switch mime {
            case "application/json", "*/*", "application/*":
                if mime != "application/json" && !params.isEmpty { continue }
                switch (params["as"], params["g"], params["v"]) {
                case (nil, _, _) where params["g"] == nil:
                    return .json
                case ("Table", "meta.k8s.io", let v?) where objects && (v == "v1" || v == "v1beta1"):
                    return .table(version: v)
                case ("PartialObjectMetadata", "meta.k8s.io", let v?), ("PartialObjectMetadataList", "meta.k8s.io", let v?):
                    if objects, v == "v1" || v == "v1beta1" { return .partialMetadata(version: v) }
                case ("APIGroupDiscoveryList", "apidiscovery.k8s.io", let v?) where discovery && (v == "v2" || v == "v2beta1"):
                    return .aggregatedDiscovery(version: v)
                default:
                    continue
                }
            default:
                continue
            }
        }
        return nil
    }
}
