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
    private struct BookmarkObject: Decodable {
        struct Meta: Decodable { var resourceVersion: String? }
        var metadata: Meta?
    }

    /// One watch line, decoded in a single pass: `type` first, then `object` as the shape that
    /// type calls for (decoding an envelope and then the event parsed every line twice).
    private enum Line<T: KubeObject>: Decodable {
        case event(WatchEvent<T>)
        case error(Status)
        case unknown

        enum CodingKeys: String, CodingKey { case type, object }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            switch try c.decode(String.self, forKey: .type) {
            case "ADDED": self = .event(.added(try c.decode(T.self, forKey: .object)))
            case "MODIFIED": self = .event(.modified(try c.decode(T.self, forKey: .object)))
            case "DELETED": self = .event(.deleted(try c.decode(T.self, forKey: .object)))
            case "BOOKMARK":
                let object = try c.decode(BookmarkObject.self, forKey: .object)
                self = .event(.bookmark(resourceVersion: object.metadata?.resourceVersion ?? ""))
            case "ERROR": self = .error(try c.decode(Status.self, forKey: .object))
            default: self = .unknown
            }
        }
    }

    /// The event in `line`, nil for an event type this client does not know (skipped), or throws:
    /// `KubeAPIError.status` for an ERROR event, `KubeAPIError.decoding` for malformed JSON.
    static func decode<T: KubeObject>(_ line: ByteBuffer, as type: T.Type) throws -> WatchEvent<T>? {
        let data = Data(buffer: line, byteTransferStrategy: .noCopy)
        let decoded: Line<T>
        do {
            decoded = try JSONDecoder().decode(Line<T>.self, from: data)
        } catch {
            let preview = String(decoding: line.readableBytesView.prefix(200), as: UTF8.self)
            throw KubeAPIError.decoding(message: "watch event of \(T.plural) is not valid: \(preview)", underlying: error)
        }
        switch decoded {
        case .event(let event): return event
        case .unknown: return nil
        case .error(var status):
            if status.code == nil, status.reason == "Expired" || status.reason == "Gone" { status.code = 410 }
            throw KubeAPIError.status(status)
        }
    }
}
