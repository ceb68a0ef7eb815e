import Foundation

/// The opaque `continue` value of a paged list: the snapshot version and the last key returned.
public struct ContinueToken: Sendable, Equatable {
    public var resourceVersion: Int
    public var startAfter: ObjectKey

    public init(resourceVersion: Int, startAfter: ObjectKey) {
        self.resourceVersion = resourceVersion
        self.startAfter = startAfter
    }

    public func encode() -> String {
        let doc: JSONValue = ["v": "ironlb.continue/v1", "rv": .int(resourceVersion),
                              "ns": .string(startAfter.namespace), "name": .string(startAfter.name)]
        return Data(doc.serialized().utf8).base64EncodedString()
    }

    public static func decode(_ text: String) throws(APIError) -> ContinueToken {
        guard let data = Data(base64Encoded: text),
              let doc = try? JSONParser.parse(bytes: Array(data)),
              doc["v"] == "ironlb.continue/v1",
              let rv = doc["rv"]?.intValue, let ns = doc["ns"]?.stringValue, let name = doc["name"]?.stringValue
        else {
            throw APIError.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        }
        return ContinueToken(resourceVersion: rv, startAfter: ObjectKey(namespace: ns, name: name))
    }
}
