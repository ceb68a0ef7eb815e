import NIOCore

/// Typed CRUD. For namespaced types a nil `namespace` means the configuration's namespace, except
/// for `list` and `watch`, where nil means all namespaces.
extension KubeClient {
    /// The namespace a single-object request goes to.
    func namespace<T: KubeObject>(for type: T.Type, _ namespace: String?) -> String? {
        guard T.isNamespaced else { return nil }
        if let namespace, !namespace.isEmpty { return namespace }
        return configuration.namespace
    }

    private var fieldManagerQuery: [(String, String?)] { [("fieldManager", fieldManager)] }

    /// `GET .../NAME`.
    public func get<T: KubeObject>(_ type: T.Type, namespace: String? = nil, name: String) async throws -> T {
        let path = ResourcePath.path(T.self, namespace: self.namespace(for: T.self, namespace), name: name)
        let response = try await perform(.GET, path)
        return try decodeAnswer(response, as: T.self, context: "GET \(path)")
    }

    /// One page of a list. Its `metadata.resourceVersion` is where a watch should start; a non-empty
    /// `metadata.continue` means there are more pages (`listAll` follows them).
    public func list<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
        limit: Int? = nil, continue continueToken: String? = nil, resourceVersion: String? = nil
    ) async throws -> KubeList<T> {
        let path = ResourcePath.path(T.self, namespace: T.isNamespaced ? namespace : nil)
        let response = try await perform(
            .GET, path,
            query: [
                ("labelSelector", labelSelector.flatMap { $0.isEmpty ? nil : $0 }),
                ("fieldSelector", fieldSelector.flatMap { $0.isEmpty ? nil : $0 }),
                ("limit", limit.map(String.init)), ("continue", continueToken.flatMap { $0.isEmpty ? nil : $0 }),
                ("resourceVersion", resourceVersion),
            ])
        return try decodeAnswer(response, as: KubeList<T>.self, context: "GET \(path)")
    }

    /// Every page of a list, `pageSize` objects at a time. If a continue token expires (410) midway,
    /// starts again with one unpaginated list, as client-go's pager does.
    public func listAll<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
        pageSize: Int = 500
    ) async throws -> KubeList<T> {
        var result = try await list(
            T.self, namespace: namespace, labelSelector: labelSelector, fieldSelector: fieldSelector, limit: pageSize)
        while let token = result.metadata.continue, !token.isEmpty {
            do {
                let page = try await list(
                    T.self, namespace: namespace, labelSelector: labelSelector, fieldSelector: fieldSelector,
                    limit: pageSize, continue: token)
                result.items += page.items
                result.metadata.continue = page.metadata.continue
                result.metadata.remainingItemCount = page.metadata.remainingItemCount
                if let version = page.metadata.resourceVersion { result.metadata.resourceVersion = version }
            } catch let error as KubeAPIError where error.isGone {
                logger.debug("kube list continue token expired; listing again in one page", metadata: ["kube.resource": "\(T.plural)"])
                return try await list(T.self, namespace: namespace, labelSelector: labelSelector, fieldSelector: fieldSelector)
            }
        }
        return result
    }

    /// `POST`: creates `object` in `namespace`, else its `metadata.namespace`, else the
    /// configuration's namespace. Returns the object as stored (uid, resourceVersion, defaults).
    public func create<T: KubeObject>(_ object: T, namespace: String? = nil) async throws -> T {
        let path = ResourcePath.path(T.self, namespace: self.namespace(for: T.self, namespace ?? object.metadata.namespace))
        let response = try await perform(
            .POST, path, query: fieldManagerQuery, body: try Self.encodeBody(object), contentType: "application/json")
        return try decodeAnswer(response, as: T.self, context: "POST \(path)")
    }

    /// `PUT`: replaces the object (its status is kept by the server for types with a status
    /// subresource). `metadata.resourceVersion` makes it conditional: a stale one fails with 409.
    public func update<T: KubeObject>(_ object: T) async throws -> T {
        try await put(object, subresource: nil)
    }

    /// `PUT .../status`: replaces the status (the server keeps the spec).
    public func updateStatus<T: KubeObject>(_ object: T) async throws -> T {
        try await put(object, subresource: "status")
    }

    private func put<T: KubeObject>(_ object: T, subresource: String?) async throws -> T {
        let path = ResourcePath.path(
            T.self, namespace: namespace(for: T.self, object.metadata.namespace), name: object.metadata.name,
            subresource: subresource)
        let response = try await perform(
            .PUT, path, query: fieldManagerQuery, body: try Self.encodeBody(object), contentType: "application/json")
        return try decodeAnswer(response, as: T.self, context: "PUT \(path)")
    }

    /// `PATCH` with the given flavour. A `metadata.resourceVersion` inside a merge patch is a
    /// precondition (409 if stale).
    public func patch<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, name: String, patch: JSONValue, type patchType: PatchType = .merge
    ) async throws -> T {
        try await sendPatch(T.self, namespace: namespace, name: name, patch: patch, type: patchType, subresource: nil)
    }

    /// `PATCH .../status`.
    public func patchStatus<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, name: String, patch: JSONValue, type patchType: PatchType = .merge
    ) async throws -> T {
        try await sendPatch(T.self, namespace: namespace, name: name, patch: patch, type: patchType, subresource: "status")
    }

    /// `PATCH`, answering only the patched object's metadata (its new resourceVersion): for
    /// writers that never look at the rest, which saves decoding the whole object.
    public func patchReturningMetadata<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, name: String, patch: JSONValue, type patchType: PatchType = .merge
    ) async throws -> ObjectMeta {
        try await sendPatch(
            T.self, namespace: namespace, name: name, patch: patch, type: patchType, subresource: nil,
            answer: MetadataOnly.self
        ).metadata
    }

    /// `PATCH .../status`, answering only the object's metadata.
    public func patchStatusReturningMetadata<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, name: String, patch: JSONValue, type patchType: PatchType = .merge
    ) async throws -> ObjectMeta {
        try await sendPatch(
            T.self, namespace: namespace, name: name, patch: patch, type: patchType, subresource: "status",
            answer: MetadataOnly.self
        ).metadata
    }

    /// `POST`, answering only the created object's metadata (its name, uid and resourceVersion).
    public func createReturningMetadata<T: KubeObject>(_ object: T, namespace: String? = nil) async throws -> ObjectMeta {
        let path = ResourcePath.path(T.self, namespace: self.namespace(for: T.self, namespace ?? object.metadata.namespace))
        let response = try await perform(
            .POST, path, query: fieldManagerQuery, body: try Self.encodeBody(object), contentType: "application/json")
        return try decodeAnswer(response, as: MetadataOnly.self, context: "POST \(path)").metadata
    }

    private func sendPatch<T: KubeObject>(
        _ type: T.Type, namespace: String?, name: String, patch: JSONValue, type patchType: PatchType, subresource: String?
    ) async throws -> T {
        try await sendPatch(
            T.self, namespace: namespace, name: name, patch: patch, type: patchType, subresource: subresource, answer: T.self)
    }

    private func sendPatch<T: KubeObject, Answer: Decodable>(
        _ type: T.Type, namespace: String?, name: String, patch: JSONValue, type patchType: PatchType, subresource: String?,
        answer: Answer.Type
    ) async throws -> Answer {
        let path = ResourcePath.path(
            T.self, namespace: self.namespace(for: T.self, namespace), name: name, subresource: subresource)
        var query = fieldManagerQuery
        if case .apply(let manager, let force) = patchType {
            query = [("fieldManager", manager), ("force", force ? "true" : nil)]
        }
        let response = try await perform(
            .PATCH, path, query: query, body: try Self.encodeBody(patch), contentType: patchType.contentType)
        return try decodeAnswer(response, as: Answer.self, context: "PATCH \(path)")
    }

    /// `DELETE`. Returns the object as the server answered it (with `deletionTimestamp` set when
    /// finalizers delay the deletion), or nil when the server answered with a Status.
    @discardableResult
    public func delete<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, name: String, options: DeleteOptions = DeleteOptions()
    ) async throws -> T? {
        let path = ResourcePath.path(T.self, namespace: self.namespace(for: T.self, namespace), name: name)
        let response = try await perform(
            .DELETE, path,
            query: [
                ("propagationPolicy", options.propagationPolicy),
                ("gracePeriodSeconds", options.gracePeriodSeconds.map(String.init)),
            ])
        let kind = try? decodeAnswer(response, as: KindOnly.self, context: "DELETE \(path)")
        if kind?.kind == "Status" { return nil }
        return try decodeAnswer(response, as: T.self, context: "DELETE \(path)")
    }
}

/// An answer of which only the metadata is read.
private struct MetadataOnly: Decodable {
    var metadata: ObjectMeta
}

private struct KindOnly: Decodable {
    var kind: String?
}
