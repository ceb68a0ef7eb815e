/// One HTTP request as the API layer sees it, independent of NIO.
public struct APIRequest: Sendable {
    public var method: String
    /// The path without the query string, percent-decoded.
    public var path: String
    public var query: QueryParameters
    /// Header values by lower-cased name (the last one wins).
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, path: String, query: QueryParameters = QueryParameters(), headers: [String: String] = [:],
                body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Splits a request target (`/api/v1/services?watch=true`) into path and query.
    public init(method: String, target: String, headers: [String: String] = [:], body: [UInt8] = []) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.init(method: method, path: QueryParameters.percentDecode(String(parts[0]), plusIsSpace: false),
                  query: QueryParameters(parts.count > 1 ? String(parts[1]) : ""), headers: headers, body: body)
    }

    public var contentType: String { headers["content-type"] ?? "" }
    public var accept: String { headers["accept"] ?? "" }
}

/// A parsed query string (`application/x-www-form-urlencoded`, `+` is a space, as Go's `url.ParseQuery`).
public struct QueryParameters: Sendable, Equatable {
    public var values: [String: [String]] = [:]

    public init() {}

    public init(_ query: String) {
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.percentDecode(String(kv[0]), plusIsSpace: true)
            let value = kv.count > 1 ? Self.percentDecode(String(kv[1]), plusIsSpace: true) : ""
            values[key, default: []].append(value)
        }
    }

    public subscript(name: String) -> String? {
        get { values[name]?.first }
        set { values[name] = newValue.map { [$0] } }
    }

    /// Go's `strconv.ParseBool` truthiness as the API reads `watch=1`, `watch=true`.
    public func flag(_ name: String) -> Bool {
        guard let value = self[name] else { return false }
        return ["1", "t", "T", "true", "TRUE", "True"].contains(value)
    }

    public static func percentDecode(_ text: String, plusIsSpace: Bool) -> String {
        guard text.contains("%") || (plusIsSpace && text.contains("+")) else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else if plusIsSpace, byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
