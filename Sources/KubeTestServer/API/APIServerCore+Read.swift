/// GET, list and the planning of watches.
extension APIServerCore {
    func key(_ rr: Route.ResourceRequest, name: String? = nil) -> ObjectKey {
        ObjectKey(namespace: rr.type.namespaced ? (rr.namespace ?? "") : "", name: name ?? rr.name ?? "")
    }

    func objectFormat(_ request: APIRequest) throws(APIError) -> (ResponseFormat, String) {
        guard let format = ResponseFormat.negotiate(request.accept, objects: true) else { throw APIError.notAcceptable() }
        let include = request.query["includeObject"] ?? "Metadata"
        guard ["None", "Metadata", "Object", ""].contains(include) else {
            throw APIError.badRequest("includeObject: Unsupported value: \"\(include)\": supported values: \"None\", \"Metadata\", \"Object\"")
        }
        return (format, include.isEmpty ? "Metadata" : include)
    }

    func get(_ rr: Route.ResourceRequest, _ request: APIRequest) throws(APIError) -> APIResponse {
        let (format, include) = try objectFormat(request)
        guard let object = store.get(rr.type, key(rr)) else { throw APIError.notFound(rr.type, name: rr.name ?? "") }
        switch format {
        case .table(let version):
            let table = TableRenderer.table([object], type: rr.type, now: now, version: version, includeObject: include,
                                            listMetadata: ["resourceVersion": object[path: ["metadata", "resourceVersion"]] ?? ""])
            return .ok(table, contentType: format.contentType)
        case .partialMetadata(let version):
            return .ok(TableRenderer.partialObjectMetadata(object, version: version), contentType: format.contentType)
        default:
            return .ok(TableRenderer.withTypeMeta(object, type: rr.type))
        }
    }

    func list(_ rr: Route.ResourceRequest, _ request: APIRequest) throws(APIError) -> APIResponse {
        let (format, include) = try objectFormat(request)
        let options = try ListOptions(query: request.query, type: rr.type)
        var limit = options.limit
        var items: [JSONValue]
        var version = store.resourceVersion
        var startAfter: ObjectKey?
        if let token = options.continueToken {
            do {
                items = try store.snapshot(rr.type, at: token.resourceVersion, namespace: rr.namespace)
            } catch {
                throw APIError.expired("The provided continue parameter is too old to display a consistent list result. "
                    + "You can start a new list without the continue parameter, or use the continue value from the response.")
            }
            version = token.resourceVersion
            startAfter = token.startAfter
        } else if let text = options.resourceVersion, text != "0", let requested = Int(text) {
            if requested > store.resourceVersion {
                throw APIError(code: 504, reason: "Timeout",
                               message: "Too large resource version: \(requested), current: \(store.resourceVersion)",
                               details: ["causes": [["reason": "ResourceVersionTooLarge", "message": "Too large resource version"]],
                                         "retryAfterSeconds": 1])
            }
            let exact = options.resourceVersionMatch == "Exact" || (options.resourceVersionMatch == nil && limit > 0)
            if exact {
                do {
                    items = try store.snapshot(rr.type, at: requested, namespace: rr.namespace)
                } catch {
                    throw APIError.expired("The resourceVersion for the provided list is too old.")
                }
                version = requested
            } else {
                items = store.list(rr.type, namespace: rr.namespace)
            }
        } else {
            items = store.list(rr.type, namespace: rr.namespace)
            // resourceVersion=0 is served from the watch cache, which ignores limit.
            if options.resourceVersion == "0" { limit = 0 }
        }
        if let startAfter { items = items.filter { ObjectKey(of: $0) > startAfter } }
        let selective = !options.labelSelector.isEmpty || !options.fieldSelector.isEmpty
        items = items.filter {
            options.labelSelector.matches(object: $0) && options.fieldSelector.matches(object: $0, type: rr.type)
        }
        var metadata: JSONValue = ["resourceVersion": .string(String(version))]
        if limit > 0, items.count > limit {
            let remaining = items.count - limit
            items = Array(items.prefix(limit))
            metadata["continue"] = .string(ContinueToken(resourceVersion: version, startAfter: ObjectKey(of: items[limit - 1])).encode())
            if !selective { metadata["remainingItemCount"] = .int(remaining) }
        }
        switch format {
        case .table(let v):
            let table = TableRenderer.table(items, type: rr.type, now: now, version: v, includeObject: include, listMetadata: metadata)
            return .ok(table, contentType: format.contentType)
        case .partialMetadata(let v):
            let list: JSONValue = ["kind": "PartialObjectMetadataList", "apiVersion": .string("meta.k8s.io/\(v)"),
                                   "metadata": metadata,
                                   "items": .array(items.map { TableRenderer.partialObjectMetadata($0, version: v) })]
            return .ok(list, contentType: format.contentType)
        default:
            // Items of a typed list carry no kind/apiVersion, as with the real server.
            let stripped = items.map { item -> JSONValue in
                var copy = item
                copy["kind"] = nil
                copy["apiVersion"] = nil
                return copy
            }
            return .ok(["kind": .string(rr.type.listKind), "apiVersion": .string(rr.type.apiVersion),
                        "metadata": metadata, "items": .array(stripped)])
        }
    }

    func watch(_ rr: Route.ResourceRequest, _ request: APIRequest) throws(APIError) -> APIResponse {
        let (format, include) = try objectFormat(request)
        var query = request.query
        query["watch"] = "true"
        var options = try ListOptions(query: query, type: rr.type)
        if let name = rr.name {
            options.fieldSelector.requirements.append(.init(field: "metadata.name", negated: false, value: name))
        }
        var spec = WatchSpec(type: rr.type, namespace: rr.type.namespaced ? rr.namespace : nil, options: options,
                             format: format, includeObject: include, forcedError: nil,
                             timeoutSeconds: options.timeoutSeconds ?? settings.defaultWatchTimeoutSeconds)
        if hooks.forcedExpiredWatches > 0, let text = options.resourceVersion, text != "0", let requested = Int(text) {
            hooks.forcedExpiredWatches -= 1
            spec.forcedError = .tooOld(requested: requested, oldest: max(store.compactedThrough, requested + 1))
        }
        return .watch(spec)
    }
}
