/// PATCH in its four content types. The patched object then goes through the same path as a PUT,
/// so a `metadata.resourceVersion` inside the patch is a precondition (409 when stale).
extension APIServerCore {
    enum PatchKind: String {
        case json = "application/json-patch+json"
        case merge = "application/merge-patch+json"
        case strategic = "application/strategic-merge-patch+json"
        case apply = "application/apply-patch+yaml"
    }

    func patch(_ rr: Route.ResourceRequest, _ request: APIRequest) throws(APIError) -> APIResponse {
        let media = request.contentType.split(separator: ";").first.map { String($0).trimmingSpaces().lowercased() } ?? ""
        guard let kind = PatchKind(rawValue: media) else { throw APIError.unsupportedMediaType(media) }
        let query = request.query
        let dryRun = try isDryRun(query)
        let manager = query["fieldManager"] ?? ""
        if manager.count > 128 { throw APIError.badRequest("fieldManager: Too long: may not be more than 128 bytes") }
        if query["force"] != nil, kind != .apply {
            throw APIError.invalid(kind: "PatchOptions", group: "meta.k8s.io", name: "", errors: [
                .forbidden("force", "may not be specified for non-apply patch"),
            ])
        }
        let text = String(decoding: request.body, as: UTF8.self)
        let patchDocument: JSONValue
        do {
            patchDocument = kind == .apply ? try YAMLDocument.parse(text) : try JSONParser.parse(bytes: request.body)
        } catch {
            throw APIError.badRequest("error decoding patch: \(error)")
        }
        guard let live = store.get(rr.type, key(rr)) else {
            guard kind == .apply, rr.subresource == nil else { throw APIError.notFound(rr.type, name: rr.name ?? "") }
            return try applyCreate(patchDocument, rr: rr, query: query, manager: manager, dryRun: dryRun)
        }
        let current = eventsV1View ? EventConversion.toV1(live) : TableRenderer.withTypeMeta(live, type: rr.type)
        var patched: JSONValue
        switch kind {
        case .json:
            do {
                patched = try JSONPatch.apply(patchDocument, to: current)
            } catch {
                throw APIError(code: 422, reason: "Invalid", message: error.description)
            }
        case .merge:
            guard case .object = patchDocument else { throw APIError.badRequest("error decoding patch: merge patch must be an object") }
            patched = MergePatch.apply(patchDocument, to: current)
        case .strategic:
            do {
                patched = try StrategicMergePatch.apply(patchDocument, to: current, type: rr.type)
            } catch {
                throw APIError(code: 422, reason: "Invalid", message: error.description)
            }
        case .apply:
            let applied = try checkApplied(patchDocument, rr: rr, manager: manager)
            try resolveApplyConflicts(applied, rr: rr, manager: manager, force: query.flag("force"))
            let previous = appliedConfigurations[rr.type]?[key(rr)]?[manager]
            patched = ApplyMerge.apply(applied, to: current, previous: previous, type: rr.type)
        }
        guard case .object = patched else { throw APIError.badRequest("the patched object is not a JSON object") }
        if eventsV1View { patched = EventConversion.toCore(patched) }
        if patched[path: ["metadata", "name"]]?.stringValue != rr.name {
            throw APIError.badRequest("the name of the object (\(patched[path: ["metadata", "name"]]?.stringValue ?? "")) does not match the name on the URL (\(rr.name ?? ""))")
        }
        let (object, warnings) = try decodeObject(patched, type: rr.type, query: query)
        let response = try updateObject(object, rr: rr, dryRun: dryRun, warnings: warnings)
        if kind == .apply, !dryRun { recordApplied(patchDocument, rr: rr, manager: manager) }
        return response
    }

    private func checkApplied(_ document: JSONValue, rr: Route.ResourceRequest, manager: String) throws(APIError) -> JSONValue {
        if manager.isEmpty { throw APIError.badRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch") }
        guard case .object = document else { throw APIError.badRequest("error decoding patch: apply patch must be an object") }
        guard let apiVersion = document["apiVersion"]?.stringValue, !apiVersion.isEmpty,
              let kind = document["kind"]?.stringValue, !kind.isEmpty else {
            throw APIError.badRequest("invalid object type: /, Kind=: apiVersion and kind must be set in an apply patch")
        }
        if let name = document[path: ["metadata", "name"]]?.stringValue, name != rr.name {
            throw APIError.badRequest("the name of the object (\(name)) does not match the name on the URL (\(rr.name ?? ""))")
        }
        return document
    }

    private func applyCreate(_ document: JSONValue, rr: Route.ResourceRequest, query: QueryParameters, manager: String,
                             dryRun: Bool) throws(APIError) -> APIResponse {
        var applied = try checkApplied(document, rr: rr, manager: manager)
        if eventsV1View { applied = EventConversion.toCore(applied) }
        applied[path: ["metadata", "name"]] = .string(rr.name ?? "")
        var (object, warnings) = try decodeObject(applied, type: rr.type, query: query)
        try assignNamespace(&object, rr)
        object[path: ["metadata", "resourceVersion"]] = nil
        let response = try createObject(object, type: rr.type, dryRun: dryRun, warnings: warnings)
        if !dryRun { recordApplied(document, rr: rr, manager: manager) }
        return response
    }

    private func recordApplied(_ document: JSONValue, rr: Route.ResourceRequest, manager: String) {
        appliedConfigurations[rr.type, default: [:]][key(rr), default: [:]][manager] = document
    }

    private func resolveApplyConflicts(_ applied: JSONValue, rr: Route.ResourceRequest, manager: String, force: Bool) throws(APIError) {
        let mine = ApplyMerge.leaves(applied, type: rr.type)
        var conflicts: [(manager: String, field: String)] = []
        for (other, config) in appliedConfigurations[rr.type]?[key(rr)] ?? [:] where other != manager {
            let theirs = ApplyMerge.leaves(config, type: rr.type)
            for (field, value) in mine.sorted(by: { $0.key < $1.key }) where theirs[field] != nil && theirs[field] != value {
                conflicts.append((other, field))
            }
        }
        guard !conflicts.isEmpty else { return }
        if force {
            for other in Set(conflicts.map(\.manager)) { appliedConfigurations[rr.type]?[key(rr)]?[other] = nil }
            return
        }
        let managers = Set(conflicts.map(\.manager)).sorted()
        let message: String
        if conflicts.count == 1 {
            message = "Apply failed with 1 conflict: conflict with \"\(conflicts[0].manager)\" using \(rr.type.apiVersion): \(conflicts[0].field)"
        } else if managers.count == 1 {
            message = "Apply failed with \(conflicts.count) conflicts: conflicts with \"\(managers[0])\" using \(rr.type.apiVersion):\n"
                + conflicts.map { "- \($0.field)" }.joined(separator: "\n")
        } else {
            message = "Apply failed with \(conflicts.count) conflicts: "
                + conflicts.map { "conflict with \"\($0.manager)\" using \(rr.type.apiVersion): \($0.field)" }.joined(separator: ", ")
        }
        var details = APIError.details(rr.type, name: rr.name)
        details["causes"] = .array(conflicts.map {
            ["reason": "FieldManagerConflict", "message": .string("conflict with \"\($0.manager)\" using \(rr.type.apiVersion)"),
             "field": .string($0.field)]
        })
        throw APIError(code: 409, reason: "Conflict", message: message, details: details)
    }
}
