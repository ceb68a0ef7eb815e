import Foundation
import Yams

/// The YAML schema of a kubeconfig file (`clientcmd/api/v1`), only the parts IronLB uses. Unknown
/// keys are ignored, as kubectl does; `exec` and `auth-provider` are recognised only to refuse
/// them with a clear message.
struct KubeConfigFile: Decodable, Sendable {
    var clusters: [NamedCluster]
    var users: [NamedUser]
    var contexts: [NamedContext]
    var currentContext: String?

    init(clusters: [NamedCluster] = [], users: [NamedUser] = [], contexts: [NamedContext] = [], currentContext: String? = nil) {
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
        self.currentContext = currentContext
    }

    enum CodingKeys: String, CodingKey {
        case clusters, users, contexts
        case currentContext = "current-context"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        clusters = try c.decodeIfPresent([NamedCluster].self, forKey: .clusters) ?? []
        users = try c.decodeIfPresent([NamedUser].self, forKey: .users) ?? []
        contexts = try c.decodeIfPresent([NamedContext].self, forKey: .contexts) ?? []
        currentContext = try c.decodeIfPresent(String.self, forKey: .currentContext)
    }

    /// Parses `text`; an empty file is an empty config (kubectl accepts it too).
    static func parse(_ text: String, path: String) throws -> KubeConfigFile {
        if text.allSatisfy({ $0.isWhitespace }) { return KubeConfigFile() }
        do {
            return try YAMLDecoder().decode(KubeConfigFile.self, from: text)
        } catch let error as DecodingError {
            throw KubeConfigError("kubeconfig \(path) is not a valid kubeconfig: \(describe(error))")
        } catch {
            throw KubeConfigError("kubeconfig \(path) is not valid YAML: \(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): missing \(type)"
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "\(parent.isEmpty ? "" : parent + ": ")missing key \(key.stringValue)"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

struct NamedCluster: Decodable, Sendable {
    var name: String
    var cluster: ClusterEntry?
}

struct ClusterEntry: Decodable, Sendable {
    var server: String?
    var certificateAuthority: String?
    var certificateAuthorityData: String?
    var insecureSkipTLSVerify: Bool?
    var tlsServerName: String?
    var proxyURL: String?

    enum CodingKeys: String, CodingKey {
        case server
        case certificateAuthority = "certificate-authority"
        case certificateAuthorityData = "certificate-authority-data"
        case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        case tlsServerName = "tls-server-name"
        case proxyURL = "proxy-url"
    }
}

struct NamedUser: Decodable, Sendable {
    var name: String
    var user: UserEntry?
}

struct UserEntry: Decodable, Sendable {
    var token: String?
    var tokenFile: String?
    var clientCertificate: String?
    var clientCertificateData: String?
    var clientKey: String?
    var clientKeyData: String?
    var username: String?
    var exec: Presence?
    var authProvider: Presence?

    enum CodingKeys: String, CodingKey {
        case token, tokenFile, username, exec
        case clientCertificate = "client-certificate"
        case clientCertificateData = "client-certificate-data"
        case clientKey = "client-key"
        case clientKeyData = "client-key-data"
        case authProvider = "auth-provider"
    }
}

struct NamedContext: Decodable, Sendable {
    var name: String
    var context: ContextEntry?
}

struct ContextEntry: Decodable, Sendable {
    var cluster: String?
    var user: String?
    var namespace: String?
}

/// Decodes any YAML value and records only that it was there.
struct Presence: Decodable, Sendable {
    init(from decoder: any Decoder) throws {}
}
