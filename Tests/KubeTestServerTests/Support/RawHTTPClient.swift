import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately small blocking HTTP/1.1 client over a plain socket, so tests see exactly what
/// the server sends: status, headers, chunk boundaries, and whether the stream ended cleanly.
final class RawHTTPClient {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValueBox { JSONValueBox(text) }
    }

    enum Failure: Error { case connect, closed, timeout, malformed(String) }

    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.connect }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else {
            Glibc.close(fd)
            throw Failure.connect
        }
        setTimeout(seconds: timeoutSeconds)
    }

    deinit { Glibc.close(fd) }

    func setTimeout(seconds: Int) {
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func sendRaw(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure.closed }
            offset += n
        }
    }

    func send(_ method: String, _ target: String, body: String? = nil, headers: [String: String] = [:]) throws {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (k, v) in headers { text += "\(k): \(v)\r\n" }
        if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + (body ?? "")
        try sendRaw(Array(text.utf8))
    }

    /// Sends a request and reads the whole response.
    func request(_ method: String, _ target: String, body: String? = nil, headers: [String: String] = [:]) throws -> Response {
        try send(method, target, body: body, headers: headers)
        let (status, responseHeaders) = try readHead()
        if responseHeaders["transfer-encoding"]?.lowercased() == "chunked" {
            var body: [UInt8] = []
            while let chunk = try readChunk() { body += chunk }
            return Response(status: status, headers: responseHeaders, body: body)
        }
        let length = Int(responseHeaders["content-length"] ?? "0") ?? 0
        return Response(status: status, headers: responseHeaders, body: try readExactly(length))
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n == 0 { throw Failure.closed }
        if n < 0 { throw errno == EAGAIN || errno == EWOULDBLOCK ? Failure.timeout : Failure.closed }
        buffer += chunk[0..<n]
    }

    private func readLine() throws -> String {
        while true {
            if let i = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<i])
                buffer.removeFirst(i + 1)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            try fill()
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        let result = Array(buffer[..<count])
        buffer.removeFirst(count)
        return result
    }

    func readHead() throws -> (Int, [String: String]) {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure.malformed(statusLine) }
        var headers: [String: String] = [:]
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            if let colon = line.firstIndex(of: ":") {
                let key = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                headers[key] = headers[key].map { "\($0), \(value)" } ?? value
            }
        }
        return (status, headers)
    }

    /// The next chunk of a chunked body; nil after the terminating zero-length chunk.
    func readChunk() throws -> [UInt8]? {
        let sizeLine = try readLine()
        guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw Failure.malformed(sizeLine) }
        if size == 0 {
            _ = try readLine()
            return nil
        }
        let data = try readExactly(size)
        _ = try readLine()
        return data
    }

    /// Reads watch events (one JSON object per line) until `count` arrived.
    func readEvents(_ count: Int) throws -> [JSONValueBox] {
        var events: [JSONValueBox] = []
        var pending = ""
        while events.count < count {
            guard let chunk = try readChunk() else { break }
            pending += String(decoding: chunk, as: UTF8.self)
            while let newline = pending.firstIndex(of: "\n") {
                events.append(JSONValueBox(String(pending[..<newline])))
                pending = String(pending[pending.index(after: newline)...])
            }
        }
        return events
    }
}

@testable import KubeTestServer

/// A parsed JSON document with convenient access in tests.
struct JSONValueBox {
    let value: JSONValue
    init(_ text: String) { value = (try? JSONParser.parse(text)) ?? .null }
    subscript(path: String...) -> JSONValue? { value[path: path] }
}
