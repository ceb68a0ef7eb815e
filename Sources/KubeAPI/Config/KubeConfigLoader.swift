import Foundation

/// Builds a `ClientConfiguration` from a kubeconfig or from the in-cluster service account.
///
/// kubeconfig selection, as kubectl does it: an explicit path (`--kubeconfig`) alone; else every file
/// in `KUBECONFIG` (colon-separated, missing files skipped) merged so that the first file to define a
/// cluster, user or context name, or `current-context`, wins; else `~/.kube/config`. Relative file
/// paths inside a kubeconfig are relative to that file's directory.
public enum KubeConfigLoader {
    /// The directory Kubernetes mounts a Pod's service-account token, CA and namespace into.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"
    public static let defaultTokenPath = serviceAccountDirectory + "/token"
    public static let defaultCAPath = serviceAccountDirectory + "/ca.crt"
    public static let defaultNamespacePath = serviceAccountDirectory + "/namespace"

    /// Reads a kubeconfig (see the type's documentation for which) and resolves `context`, or the
    /// current context when nil.
    public static func load(
        path: String? = nil, context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ClientConfiguration {
        let paths = try kubeconfigPaths(explicit: path, environment: environment)
        var files: [(path: String, file: KubeConfigFile)] = []
        for candidate in paths.paths {
            guard let data = FileManager.default.contents(atPath: candidate) else {
                if paths.explicit || paths.paths.count == 1 {
                    throw KubeConfigError("kubeconfig \(candidate) cannot be read (missing or not readable)")
                }
                continue  // kubectl skips missing files in KUBECONFIG
            }
            let text = String(decoding: data, as: UTF8.self)
            files.append((candidate, try KubeConfigFile.parse(text, path: candidate)))
        }
        if files.isEmpty {
            throw KubeConfigError("no kubeconfig found: none of \(paths.paths.joined(separator: ", ")) exists")
        }
        return try resolve(files: files, context: context)
    }

    /// The configuration of a process running in a Pod: `https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT`,
    /// the projected service-account token (re-read as it rotates), the cluster CA, and the Pod's
    /// namespace (`POD_NAMESPACE`, else the mounted `namespace` file, else `default`).
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        tokenPath: String = defaultTokenPath, caPath: String = defaultCAPath,
        namespacePath: String = defaultNamespacePath
    ) throws -> ClientConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeConfigError(
                "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set")
        }
        guard let portNumber = Int(port), (1...65535).contains(portNumber) else {
            throw KubeConfigError("KUBERNETES_SERVICE_PORT=\(port) is not a port number")
        }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        guard let url = URL(string: "https://\(hostPart):\(portNumber)") else {
            throw KubeConfigError("KUBERNETES_SERVICE_HOST=\(host) is not a valid host")
        }
        guard let token = FileManager.default.contents(atPath: tokenPath) else {
            throw KubeConfigError("in-cluster service-account token \(tokenPath) cannot be read (missing or not readable)")
        }
        if String(decoding: token, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw KubeConfigError("in-cluster service-account token \(tokenPath) is empty")
        }
        guard let ca = FileManager.default.contents(atPath: caPath) else {
            throw KubeConfigError("in-cluster CA certificate \(caPath) cannot be read (missing or not readable)")
        }
        var namespace = environment["POD_NAMESPACE"].flatMap { $0.isEmpty ? nil : $0 }
        if namespace == nil, let data = FileManager.default.contents(atPath: namespacePath) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            namespace = text.isEmpty ? nil : text
        }
        return ClientConfiguration(
            server: url, auth: .tokenFile(tokenPath), caPEM: Array(ca), namespace: namespace ?? "default",
            source: "in-cluster service account (\(url.absoluteString))")
    }

    /// In-cluster when `KUBERNETES_SERVICE_HOST` is set and no kubeconfig was asked for (no `path`,
    /// no `KUBECONFIG`); otherwise `load(path:context:environment:)`.
    public static func automatic(
        path: String? = nil, context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        tokenPath: String = defaultTokenPath, caPath: String = defaultCAPath,
        namespacePath: String = defaultNamespacePath
    ) throws -> ClientConfiguration {
        let kubeconfigRequested = path != nil || !(environment["KUBECONFIG"] ?? "").isEmpty
        if !kubeconfigRequested, let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty {
            return try inCluster(environment: environment, tokenPath: tokenPath, caPath: caPath, namespacePath: namespacePath)
        }
        return try load(path: path, context: context, environment: environment)
    }

    // MARK: - kubeconfig resolution

    static func kubeconfigPaths(explicit: String?, environment: [String: String]) throws -> (paths: [String], explicit: Bool) {
        if let explicit, !explicit.isEmpty { return ([explicit], true) }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen = Set<String>()
            let paths = list.split(separator: ":").map(String.init).filter { !$0.isEmpty && seen.insert($0).inserted }
            if !paths.isEmpty { return (paths, false) }
        }
        guard let home = environment["HOME"].flatMap({ $0.isEmpty ? nil : $0 }) ?? homeDirectory() else {
            throw KubeConfigError("no kubeconfig: KUBECONFIG is not set and the home directory is unknown (HOME not set)")
        }
        return ([(home as NSString).appendingPathComponent(".kube/config")], false)
    }

    private static func homeDirectory() -> String? {
        let path = FileManager.default.homeDirectoryForCurrentUser.path
        return path.isEmpty ? nil : path
    }

    /// Merges `files` by kubectl's rules and builds the configuration of `context` (or the current one).
    static func resolve(files: [(path: String, file: KubeConfigFile)], context requested: String?) throws -> ClientConfiguration {
        var clusters: [String: (path: String, entry: ClusterEntry?)] = [:]
        var users: [String: (path: String, entry: UserEntry?)] = [:]
        var contexts: [String: (path: String, entry: ContextEntry?)] = [:]
        var contextOrder: [String] = []
        var currentContext: String?
        for (path, file) in files {
            for named in file.clusters where clusters[named.name] == nil { clusters[named.name] = (path, named.cluster) }
            for named in file.users where users[named.name] == nil { users[named.name] = (path, named.user) }
            for named in file.contexts where contexts[named.name] == nil {
                contexts[named.name] = (path, named.context)
                contextOrder.append(named.name)
            }
            if currentContext == nil, let current = file.currentContext, !current.isEmpty { currentContext = current }
        }
        let where_ = files.map(\.path).joined(separator: ":")
        let available = contextOrder.isEmpty ? "none defined" : contextOrder.joined(separator: ", ")

        guard let contextName = requested.flatMap({ $0.isEmpty ? nil : $0 }) ?? currentContext else {
            throw KubeConfigError("no context chosen and no current-context set in \(where_); contexts: \(available)")
        }
        guard let (contextPath, contextEntry) = contexts[contextName] else {
            throw KubeConfigError("context \"\(contextName)\" not found in \(where_); contexts: \(available)")
        }
        let context = contextEntry ?? ContextEntry()
        guard let clusterName = context.cluster, !clusterName.isEmpty else {
            throw KubeConfigError("context \"\(contextName)\" in \(contextPath) names no cluster")
        }
        guard let (clusterPath, clusterEntry) = clusters[clusterName] else {
            let names = clusters.keys.sorted().joined(separator: ", ")
            throw KubeConfigError(
                "cluster \"\(clusterName)\" (of context \"\(contextName)\") not found in \(where_); clusters: \(names.isEmpty ? "none defined" : names)")
        }
        let cluster = clusterEntry ?? ClusterEntry()
        guard let serverText = cluster.server, !serverText.isEmpty else {
            throw KubeConfigError("cluster \"\(clusterName)\" in \(clusterPath) has no server")
        }
        guard let server = URL(string: serverText), let scheme = server.scheme?.lowercased(), scheme == "https" || scheme == "http",
            server.host != nil
        else {
            throw KubeConfigError("cluster \"\(clusterName)\" in \(clusterPath): server \"\(serverText)\" is not an http(s) URL")
        }

        var caPEM: [UInt8]?
        if let data = cluster.certificateAuthorityData, !data.isEmpty {
            caPEM = try base64(data, what: "certificate-authority-data of cluster \"\(clusterName)\"", in: clusterPath)
        } else if let file = cluster.certificateAuthority, !file.isEmpty {
            caPEM = try read(file, relativeTo: clusterPath, what: "certificate-authority of cluster \"\(clusterName)\"")
        }

        var auth = Authentication.none
        if let userName = context.user, !userName.isEmpty {
            guard let (userPath, userEntry) = users[userName] else {
                let names = users.keys.sorted().joined(separator: ", ")
                throw KubeConfigError(
                    "user \"\(userName)\" (of context \"\(contextName)\") not found in \(where_); users: \(names.isEmpty ? "none defined" : names)")
            }
            auth = try authentication(of: userEntry ?? UserEntry(), named: userName, in: userPath)
        }

        let namespace = context.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        return ClientConfiguration(
            server: server, auth: auth, caPEM: caPEM, insecureSkipTLSVerify: cluster.insecureSkipTLSVerify ?? false,
            tlsServerName: cluster.tlsServerName.flatMap { $0.isEmpty ? nil : $0 }, namespace: namespace,
            source: "kubeconfig \(contextPath), context \"\(contextName)\"")
    }

    private static func authentication(of user: UserEntry, named name: String, in path: String) throws -> Authentication {
        let what = "user \"\(name)\" in \(path)"
        var certificate: [UInt8]?
        var key: [UInt8]?
        if let data = user.clientCertificateData, !data.isEmpty {
            certificate = try base64(data, what: "client-certificate-data of user \"\(name)\"", in: path)
        } else if let file = user.clientCertificate, !file.isEmpty {
            certificate = try read(file, relativeTo: path, what: "client-certificate of user \"\(name)\"")
        }
        if let data = user.clientKeyData, !data.isEmpty {
            key = try base64(data, what: "client-key-data of user \"\(name)\"", in: path)
        } else if let file = user.clientKey, !file.isEmpty {
            key = try read(file, relativeTo: path, what: "client-key of user \"\(name)\"")
        }
        if let token = user.token, !token.isEmpty {
            return .bearerToken(token)
        }
        if let file = user.tokenFile, !file.isEmpty {
            let resolved = resolvePath(file, relativeTo: path)
            guard FileManager.default.isReadableFile(atPath: resolved) else {
                throw KubeConfigError("tokenFile \(resolved) of \(what) cannot be read")
            }
            return .tokenFile(resolved)
        }
        switch (certificate, key) {
        case (let certificate?, let key?):
            return .clientCertificate(certificatePEM: certificate, keyPEM: key)
        case (.some, nil):
            throw KubeConfigError("\(what) has a client certificate but no client-key or client-key-data")
        case (nil, .some):
            throw KubeConfigError("\(what) has a client key but no client-certificate or client-certificate-data")
        case (nil, nil):
            break
        }
        if user.exec != nil {
            throw KubeConfigError("\(what) uses an exec credential plugin, which IronLB does not support; use a token or a client certificate")
        }
        if user.authProvider != nil {
            throw KubeConfigError("\(what) uses an auth-provider, which IronLB does not support; use a token or a client certificate")
        }
        if user.username != nil {
            throw KubeConfigError("\(what) uses username/password, which Kubernetes no longer accepts; use a token or a client certificate")
        }
        return .none
    }

    private static func base64(_ text: String, what: String, in path: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw KubeConfigError("\(what) in \(path) is not valid base64")
        }
        return Array(data)
    }

    private static func read(_ file: String, relativeTo configPath: String, what: String) throws -> [UInt8] {
        let resolved = resolvePath(file, relativeTo: configPath)
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw KubeConfigError("\(what) (\(resolved), named in \(configPath)) cannot be read (missing or not readable)")
        }
        return Array(data)
    }

    /// A path inside a kubeconfig is relative to the kubeconfig's directory.
    static func resolvePath(_ file: String, relativeTo configPath: String) -> String {
        if file.hasPrefix("/") { return file }
        let directory = (configPath as NSString).deletingLastPathComponent
        return ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(file)
    }
}
