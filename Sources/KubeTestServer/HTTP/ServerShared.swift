import Foundation
import NIOCore
import Synchronization

/// What every connection handler shares: the locked API core and the connection policies.
final class ServerShared: Sendable {
    let core: Mutex<APIServerCore>
    let token: String
    let allowAnonymous: Bool
    let maxBodyBytes: Int
    let bookmarkInterval: TimeAmount
    /// Open connections, closed on shutdown so no client hangs on a server that is gone.
    let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    init(core: sending APIServerCore, token: String, allowAnonymous: Bool, maxBodyBytes: Int, bookmarkInterval: TimeAmount) {
        self.core = Mutex(core)
        self.token = token
        self.allowAnonymous = allowAnonymous
        self.maxBodyBytes = maxBodyBytes
        self.bookmarkInterval = bookmarkInterval
    }

    func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        connections.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { [self] _ in _ = connections.withLock { $0.removeValue(forKey: id) } }
    }

    func closeAllConnections() {
        let all = connections.withLock { Array($0.values) }
        for channel in all { channel.close(promise: nil) }
    }

    /// Paths the real server lets unauthenticated clients read (`system:public-info-viewer`).
    static let publicPaths: Set<String> = ["/version", "/healthz", "/livez", "/readyz"]

    /// Client certificates are tried first, then the bearer token (scheme case-insensitive), as the
    /// real server's union authenticator does; a wrong token is refused even where anonymous access
    /// would be allowed.
    func authenticate(authorization: String?, path: String, hasVerifiedClientCertificate: Bool) -> Bool {
        if hasVerifiedClientCertificate { return true }
        if let authorization {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            return parts.count == 2 && parts[0].lowercased() == "bearer" && String(parts[1]).trimmingSpaces() == token
        }
        return allowAnonymous || Self.publicPaths.contains(path)
    }
}
