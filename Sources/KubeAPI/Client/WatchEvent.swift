import Foundation
import NIOCore
import NIOFoundationCompat

/// One event of a watch. ERROR events are not events: the stream throws `KubeAPIError.status`
/// with the server's Status (`isGone` for 410 Expired).
public enum WatchEvent<T: KubeObject>: Sendable {
    case added(T)
    case modified(T)
    case deleted(T)
    /// Only a resourceVersion: everything up to it has been sent (`allowWatchBookmarks=true`).
    case bookmark(resourceVersion: String)

    /// The object's version, or the bookmark's.
    public var resourceVersion: String? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): return object.metadata.resourceVersion
        case .bookmark(let version): return version
        }
    }

    /// The object, for all but bookmarks.
    public var object: T? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): return object
        case .bookmark: return nil
        }
    }
}

/// Decodes one line of a watch body.
enum WatchEventDecoder {
    private struct Envelope: Decodable { var type: String }
    private struct Typed<Object: Decodable>: Decodable { var object: Object }
    private struct BookmarkObject: Decodable {
        struct Meta: Decodable { var resourceVersion: String? }
        var metadata: Meta?
    }

    /// The event in `line`, nil for an event type this client does not know (skipped), or throws:
    /// `KubeAPIError.status` for an ERROR event, `KubeAPIError.decoding` for malformed JSON.
    static func decode<T: KubeObject>(_ line: ByteBuffer, as type: T.Type) throws -> WatchEvent<T>? {
        let data = Data(buffer: line, byteTransferStrategy: .noCopy)
        let decoder = JSONDecoder()
        do {
            let envelope = try decoder.decode(Envelope.self, from: data)
            switch envelope.type {
            case "ADDED": return .added(try decoder.decode(Typed<T>.self, from: data).object)
            case "MODIFIED": return .modified(try decoder.decode(Typed<T>.self, from: data).object)
            case "DELETED": return .deleted(try decoder.decode(Typed<T>.self, from: data).object)
            case "BOOKMARK":
                let object = try decoder.decode(Typed<BookmarkObject>.self, from: data).object
                return .bookmark(resourceVersion: object.metadata?.resourceVersion ?? "")
            case "ERROR":
                var status = try decoder.decode(Typed<Status>.self, from: data).object
                if status.code == nil, status.reason == "Expired" || status.reason == "Gone" { status.code = 410 }
                throw KubeAPIError.status(status)
            default:
                return nil
            }
        } catch let error as KubeAPIError {
            throw error
        } catch {
            let preview = String(decoding: line.readableBytesView.prefix(200), as: UTF8.self)
            throw KubeAPIError.decoding(message: "watch event of \(T.plural) is not valid: \(preview)", underlying: error)
        }
    }
}
