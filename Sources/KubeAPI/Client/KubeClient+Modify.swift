/// Read-modify-write with optimistic concurrency, like client-go's `RetryOnConflict`.
extension KubeClient {
    /// Reads the object fresh, lets `mutate` change it, and writes it to `/status` with the
    /// resourceVersion it read. On 409 Conflict (someone wrote in between) it reads again and
    /// retries, up to `attempts` times with a short jittered pause.
    ///
    /// `mutate` returns false when nothing needs to change: then nothing is written.
    /// - Returns: the object as written (or as read, when `mutate` returned false), or nil when the
    ///   object does not exist (deleted meanwhile: usually nothing to do, not an error).
    @discardableResult
    public func modifyStatus<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, name: String, attempts: Int = 5,
        _ mutate: (inout T) throws -> Bool
    ) async throws -> T? {
        try await modify(T.self, namespace: namespace, name: name, subresource: "status", attempts: attempts, mutate)
    }

    /// As `modifyStatus`, but writes the whole object (PUT), for metadata and spec changes.
    @discardableResult
    public func modify<T: KubeObject>(
        _ type: T.Type, namespace: String? = nil, name: String, attempts: Int = 5,
        _ mutate: (inout T) throws -> Bool
    ) async throws -> T? {
        try await modify(T.self, namespace: namespace, name: name, subresource: nil, attempts: attempts, mutate)
    }

    private func modify<T: KubeObject>(
        _ type: T.Type, namespace: String?, name: String, subresource: String?, attempts: Int,
        _ mutate: (inout T) throws -> Bool
    ) async throws -> T? {
        var attempt = 0
        while true {
            attempt += 1
            var object: T
            do {
                object = try await get(T.self, namespace: namespace, name: name)
            } catch let error as KubeAPIError where error.isNotFound {
                return nil
            }
            guard try mutate(&object) else { return object }
            do {
                return subresource == nil ? try await update(object) : try await updateStatus(object)
            } catch let error as KubeAPIError where error.isConflict && attempt < attempts {
                logger.debug(
                    "kube conflict, retrying with a fresh read",
                    metadata: ["kube.resource": "\(T.plural)", "kube.name": "\(name)", "kube.attempt": "\(attempt)"])
                // client-go's DefaultRetry: 10 ms steps with 10% jitter.
                try await Task.sleep(for: .milliseconds(10 * attempt) + .microseconds(Int.random(in: 0...1000 * attempt)))
            } catch let error as KubeAPIError where error.isNotFound {
                return nil
            }
        }
    }
}
