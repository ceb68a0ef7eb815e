import Foundation
import Synchronization

/// A bearer token read from a file and re-read when the file changes.
///
/// Projected service-account tokens are rotated by the kubelet (atomically, via a symlink swap)
/// well before they expire; client-go re-reads the file every minute. This does the same cheaply:
/// at most once per `refreshInterval` it stats the file and re-reads it only if its identity
/// (inode, size, modification time) changed. A 401 forces a re-read (`reload()`), so a rotation
/// between checks costs one failed request, not a minute of failures.
public final class TokenSource: Sendable {
    public let path: String
    public let refreshInterval: Duration

    private struct State {
        var token: String?
        var stamp: FileStamp?
        var lastCheck: ContinuousClock.Instant?
    }

    private struct FileStamp: Equatable {
        var inode: UInt64
        var size: UInt64
        var modified: Date
    }

    private let state = Mutex(State())

    public init(path: String, refreshInterval: Duration = .seconds(60)) {
        self.path = path
        self.refreshInterval = refreshInterval
    }

    /// The current token, re-read from the file if the file changed and the last check is older
    /// than `refreshInterval`. Throws if the file has never been readable.
    public func token() throws -> String {
        let now = ContinuousClock.now
        return try state.withLock { state in
            if let token = state.token, let lastCheck = state.lastCheck, now - lastCheck < refreshInterval {
                return token
            }
            state.lastCheck = now
            let stamp = Self.stamp(of: path)
            if let token = state.token, stamp == nil || stamp == state.stamp {
                return token  // unchanged, or briefly missing mid-rotation: keep the last good token
            }
            return try read(into: &state, stamp: stamp)
        }
    }

    /// Re-reads the file now (after a 401). Returns true when the token changed, i.e. when retrying
    /// the request is worthwhile.
    @discardableResult
    public func reload() -> Bool {
        state.withLock { state in
            let previous = state.token
            state.lastCheck = ContinuousClock.now
            guard let token = try? read(into: &state, stamp: Self.stamp(of: path)) else { return false }
            return token != previous
        }
    }

    private func read(into state: inout State, stamp: FileStamp?) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            if let token = state.token { return token }
            throw KubeConfigError("token file \(path) cannot be read (missing or not readable)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            if let previous = state.token { return previous }
            throw KubeConfigError("token file \(path) is empty")
        }
        state.token = token
        state.stamp = stamp
        return token
    }

    private static func stamp(of path: String) -> FileStamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return FileStamp(
            inode: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0,
            size: (attributes[.size] as? NSNumber)?.uint64Value ?? 0,
            modified: attributes[.modificationDate] as? Date ?? .distantPast)
    }
}
