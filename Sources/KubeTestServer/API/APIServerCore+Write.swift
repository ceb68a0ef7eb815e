/// Create, update, delete and deletecollection.
extension APIServerCore {
    // MARK: Bodies

    func parseBody(_ request: APIRequest, type: ResourceType? = nil) throws(APIError) -> JSONValue {
        let media = request.contentType.split(separator: ";").first.map { String($0).trimmingSpaces().lowercased() } ?? ""
        switch media {
        case "", "application/json", "*/*":
            do {
                return try JSONParser.parse(bytes: request.body)
            } catch {
                throw APIError.badRequest("couldn't get version/kind; json parse error: \(error.message)")
            }
        case "application/vnd.kubernetes.protobuf" where type != nil:
            return try KubernetesProtobuf.decode(request.body, type: type ?? .namespaces)
        case "application/yaml", "application/x-yaml", "text/yaml":
            do {
                return try YAMLDocument.parse(String(decoding: request.body, as: UTF8.self))
            } catch {
                throw APIError.badRequest(error.description)
            }
        default:
            throw APIError(code: 415, reason: "UnsupportedMediaType",
                           message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
                           details: ["causes": [["message": .string(media)]]])
        }
    }

    /// Decodes a create/update body: JSON or YAML, the right kind, typed fields; unknown fields are
    /// dropped and reported according to `fieldValidation`.
    func decodeObject(_ body: JSONValue, type: ResourceType, query: QueryParameters) throws(APIError) -> (JSONValue, [String]) {
        guard case .object = body else {
            throw APIError.badRequest("couldn't get version/kind; json parse error: json: cannot unmarshal \(ObjectShape.goType(body)) into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }")
        }
        if let apiVersion = body["apiVersion"]?.stringValue, !apiVersion.isEmpty, apiVersion != type.apiVersion {
            throw APIError.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(type.apiVersion))")
        }
        if let kind = body["kind"]?.stringValue, !kind.isEmpty, kind != type.kind {
            throw APIError.badRequest("the kind in the data (\(kind)) does not match the expected kind (\(type.kind))")
        }
        let (pruned, unknown) = try FieldSchema.prune(body, type: type)
        return (pruned, try fieldValidationWarnings(unknown, query: query))
    }

    func fieldValidationWarnings(_ unknown: [String], query: QueryParameters) throws(APIError) -> [String] {
        let mode = query["fieldValidation"] ?? ""
        guard ["", "Ignore", "Warn", "Strict"].contains(mode) else {
            throw APIError.badRequest("fieldValidation parameter unsupported: \(mode)")
        }
        let messages = unknown.sorted().map { "unknown field \"\($0)\"" }
        if mode == "Strict", !messages.isEmpty {
            throw APIError.badRequest("strict decoding error: " + messages.joined(separator: ", "))
        }
        return mode == "Ignore" ? [] : messages
    }

    func isDryRun(_ query: QueryParameters) throws(APIError) -> Bool {
        guard let values = query.values["dryRun"] else { return false }
        for value in values where value != "All" {
            throw APIError.badRequest("dryRun: Unsupported value: \"\(value)\": supported values: \"All\"")
        }
        return !values.isEmpty
    }

    /// Puts the URL's namespace into the object; a different one in the body is a 400.
    func assignNamespace(_ object: inout JSONValue, _ rr: Route.ResourceRequest) throws(APIError) {
        guard rr.type.namespaced else {
            object[path: ["metadata", "namespace"]] = nil
            return
        }
        let bodyNamespace = object[path: ["metadata", "namespace"]]?.stringValue ?? ""
        let namespace = rr.namespace ?? ""
        if !bodyNamespace.isEmpty, bodyNamespace != namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        if object["metadata"] == nil { object["metadata"] = .emptyObject }
        object[path: ["metadata", "namespace"]] = .string(namespace)
    }

    // MARK: Create

    func create(_ rr: Route.ResourceRequest, _ request: APIRequest) throws(APIError) -> APIResponse {
        if rr.type.namespaced, rr.namespace == nil { throw APIError.methodNotAllowed("POST", rr.type.qualifiedResource) }
        if rr.subresource != nil { throw APIError.methodNotAllowed("POST", rr.type.qualifiedResource) }
        let dryRun = try isDryRun(request.query)
        var (object, warnings) = try decodeObject(try parseBody(request, type: rr.type), type: rr.type, query: request.query)
        try assignNamespace(&object, rr)
        ObjectMetaRules.applyGenerateName(&object)
        if let rv = object[path: ["metadata", "resourceVersion"]]?.stringValue, !rv.isEmpty {
            throw APIError.internalError("resourceVersion should not be set on objects to be created")
        }
        return try createObject(object, type: rr.type, dryRun: dryRun, warnings: warnings)
    }

    func createObject(_ input: JSONValue, type: ResourceType, dryRun: Bool, warnings: [String]) throws(APIError) -> APIResponse {
        var object = input
        let key = ObjectKey(of: object)
        if type.namespaced { try requireNamespace(key.namespace, creating: type, name: key.name) }
        if !key.name.isEmpty, store.get(type, key) != nil { throw APIError.alreadyExists(type, name: key.name) }
        try Admission.prepareForCreate(&object, type: type, context: admissionContext)
        let stored = dryRun ? TableRenderer.withTypeMeta(object, type: type) : commit(type, object)
        return .json(status: 201, body: stored, contentType: "application/json", warnings: warnings)
    }

    func requireNamespace(_ namespace: String, creating type: ResourceType, name: String) throws(APIError) {
        guard let ns = store.get(.namespaces, ObjectKey(namespace: "", name: namespace)) else {
            throw APIError.notFound(.namespaces, name: namespace)
        }
        if ns[path: ["metadata", "deletionTimestamp"]] != nil {
            let message = "unable to create new content in namespace \(namespace) because it is being terminated"
            var details = APIError.details(type, name: name)
            details["causes"] = [["reason": "NamespaceTerminating", "message": .string(message), "field": "metadata.namespace"]]
            throw APIError(code: 403, reason: "Forbidden", message: "\(type.qualifiedResource) \"\(name)\" is forbidden: \(message)",
                           details: details)
        }
    }

    // MARK: Update

    func update(_ rr: Route.ResourceRequest, _ request: APIRequest) throws(APIError) -> APIResponse {
        let dryRun = try isDryRun(request.query)
        var (object, warnings) = try decodeObject(try parseBody(request, type: rr.type), type: rr.type, query: request.query)
        let bodyName = object[path: ["metadata", "name"]]?.stringValue ?? ""
        if bodyName != rr.name {
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(rr.name ?? ""))")
        }
        try assignNamespace(&object, rr)
        return try updateObject(object, rr: rr, dryRun: dryRun, warnings: warnings)
    }

    /// The shared tail of PUT and PATCH: preconditions, create-on-update, admission, finalizers.
    func updateObject(_ input: JSONValue, rr: Route.ResourceRequest, dryRun: Bool, warnings: [String]) throws(APIError) -> APIResponse {
        var object = input
        let type = rr.type
        let name = rr.name ?? ""
        guard let old = store.get(type, key(rr)) else {
            if rr.subresource == nil, type.allowsCreateOnUpdate {
                object[path: ["metadata", "resourceVersion"]] = nil
                return try createObject(object, type: type, dryRun: dryRun, warnings: warnings)
            }
            throw APIError.notFound(type, name: name)
        }
        let bodyVersion = object[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        if bodyVersion.isEmpty {
            if type.requiresResourceVersionOnUpdate {
                throw APIError.invalid(kind: type.resource, group: type.group, name: name, errors: [
                    FieldError(.invalid, "metadata.resourceVersion", value: "0x0", "must be specified for an update"),
                ])
            }
        } else if bodyVersion != old[path: ["metadata", "resourceVersion"]]?.stringValue {
            throw APIError.conflict(type, name: name)
        }
        if let uid = object[path: ["metadata", "uid"]]?.stringValue, !uid.isEmpty,
           let oldUID = old[path: ["metadata", "uid"]]?.stringValue, uid != oldUID {
            throw APIError.conflict(type, name: name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(oldUID)")
        }
        try Admission.prepareForUpdate(&object, old: old, type: type, subresource: rr.subresource, context: admissionContext)
        if dryRun {
            return .json(status: 200, body: TableRenderer.withTypeMeta(object, type: type), contentType: "application/json", warnings: warnings)
        }
        // An update that removes the last finalizer of an object being deleted deletes it instead of
        // storing it (the registry's `errEmptiedFinalizers` path): one DELETED event, no MODIFIED.
        if object[path: ["metadata", "deletionTimestamp"]] != nil, (object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).isEmpty {
            var deleted = TableRenderer.withTypeMeta(object, type: type)
            if let removed = deleteNow(type, key(rr)) {
                deleted[path: ["metadata", "resourceVersion"]] = removed[path: ["metadata", "resourceVersion"]]
            }
            return .json(status: 200, body: deleted, contentType: "application/json", warnings: warnings)
        }
        let stored = commit(type, object)
        return .json(status: 200, body: stored, contentType: "application/json", warnings: warnings)
    }

    // MARK: Delete

    func delete(_ rr: Route.ResourceRequest, _ request: APIRequest) throws(APIError) -> APIResponse {
        var dryRun = try isDryRun(request.query)
        var preconditions: JSONValue = .emptyObject
        if !request.body.isEmpty {
            let options = try parseBody(request)
            if let kind = options["kind"]?.stringValue, kind != "DeleteOptions" {
                throw APIError.badRequest("the kind in the data (\(kind)) does not match the expected kind (DeleteOptions)")
            }
            preconditions = options["preconditions"] ?? .emptyObject
            if let values = options["dryRun"]?.arrayValue, values.contains("All") { dryRun = true }
        }
        let type = rr.type
        let name = rr.name ?? ""
        guard let old = store.get(type, key(rr)) else { throw APIError.notFound(type, name: name) }
        if let uid = preconditions["uid"]?.stringValue, let oldUID = old[path: ["metadata", "uid"]]?.stringValue, uid != oldUID {
            throw APIError.conflict(type, name: name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(oldUID)")
        }
        if let rv = preconditions["resourceVersion"]?.stringValue,
           let oldRV = old[path: ["metadata", "resourceVersion"]]?.stringValue, rv != oldRV {
            throw APIError.conflict(type, name: name,
                                    "Precondition failed: ResourceVersion in precondition: \(rv), ResourceVersion in object meta: \(oldRV)")
        }
        if dryRun { return .ok(TableRenderer.withTypeMeta(old, type: type)) }
        if type == .namespaces { return .ok(try deleteNamespace(name)) }
        let result = deleteOrMark(type, key(rr))
        if result.deleted, type != .services {
            var details = APIError.details(type, name: name)
            details["uid"] = old[path: ["metadata", "uid"]]
            return .ok(["kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Success", "details": details])
        }
        return .ok(TableRenderer.withTypeMeta(result.object, type: type))
    }

    func deleteCollection(_ rr: Route.ResourceRequest, _ request: APIRequest) throws(APIError) -> APIResponse {
        if type(rr) == .namespaces { throw APIError.methodNotAllowed("DELETE", "namespaces") }
        let options = try ListOptions(query: request.query, type: rr.type)
        let dryRun = try isDryRun(request.query)
        var deleted: [JSONValue] = []
        for object in store.list(rr.type, namespace: rr.namespace)
        where options.labelSelector.matches(object: object) && options.fieldSelector.matches(object: object, type: rr.type) {
            deleted.append(dryRun ? object : deleteOrMark(rr.type, ObjectKey(of: object)).object)
        }
        return .ok(["kind": .string(rr.type.listKind), "apiVersion": .string(rr.type.apiVersion),
                    "metadata": ["resourceVersion": .string(String(store.resourceVersion))], "items": .array(deleted)])
    }

    private func type(_ rr: Route.ResourceRequest) -> ResourceType { rr.type }

    /// Deletes at once, or with finalizers sets `deletionTimestamp` (a MODIFIED event) and waits.
    func deleteOrMark(_ type: ResourceType, _ key: ObjectKey) -> (object: JSONValue, deleted: Bool) {
        guard var object = store.get(type, key) else { return (.null, false) }
        if !(object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).isEmpty {
            if object[path: ["metadata", "deletionTimestamp"]] == nil {
                object[path: ["metadata", "deletionTimestamp"]] = .string(Timestamp.format(now))
                object[path: ["metadata", "deletionGracePeriodSeconds"]] = 0
                object = commit(type, object)
            }
            return (object, false)
        }
        return (deleteNow(type, key) ?? object, true)
    }

    /// Removes the object; a terminating namespace that became empty goes with its last object.
    @discardableResult
    func deleteNow(_ type: ResourceType, _ key: ObjectKey) -> JSONValue? {
        let removed = remove(type, key)
        if type.namespaced { finishNamespaceIfEmpty(key.namespace) }
        return removed
    }

    func deleteNamespace(_ name: String) throws(APIError) -> JSONValue {
        if ["default", "kube-system", "kube-public"].contains(name) {
            throw APIError(code: 403, reason: "Forbidden", message: "namespaces \"\(name)\" is forbidden: this namespace may not be deleted",
                           details: APIError.details(.namespaces, name: name))
        }
        let nsKey = ObjectKey(namespace: "", name: name)
        guard var namespace = store.get(.namespaces, nsKey) else { throw APIError.notFound(.namespaces, name: name) }
        if namespace[path: ["metadata", "deletionTimestamp"]] == nil {
            namespace[path: ["metadata", "deletionTimestamp"]] = .string(Timestamp.format(now))
            namespace[path: ["metadata", "deletionGracePeriodSeconds"]] = 0
            namespace[path: ["status", "phase"]] = "Terminating"
            namespace = commit(.namespaces, namespace)
            for type in ResourceType.all where type.namespaced {
                for object in store.list(type, namespace: name) { _ = deleteOrMark(type, ObjectKey(of: object)) }
            }
            finishNamespaceIfEmpty(name)
        }
        return TableRenderer.withTypeMeta(store.get(.namespaces, nsKey) ?? namespace, type: .namespaces)
    }

    func finishNamespaceIfEmpty(_ name: String) {
        let nsKey = ObjectKey(namespace: "", name: name)
        guard let namespace = store.get(.namespaces, nsKey), namespace[path: ["metadata", "deletionTimestamp"]] != nil,
              (namespace[path: ["metadata", "finalizers"]]?.arrayValue ?? []).isEmpty else { return }
        for type in ResourceType.all where type.namespaced && !store.list(type, namespace: name).isEmpty { return }
        remove(.namespaces, nsKey)
    }
}
