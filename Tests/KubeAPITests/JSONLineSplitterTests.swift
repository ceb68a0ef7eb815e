import Foundation
import NIOCore
import Testing

@testable import KubeAPI

/// Watch bodies as a real API server streams them: one JSON object per line, chunked arbitrarily.
@Suite struct JSONLineSplitterTests {
    static let events = [
        #"{"type":"ADDED","object":{"kind":"Service","apiVersion":"v1","metadata":{"name":"a","namespace":"default","resourceVersion":"10"},"spec":{"ports":[{"port":80,"targetPort":"http"}]}}}"#,
        #"{"type":"MODIFIED","object":{"kind":"Service","apiVersion":"v1","metadata":{"name":"a","namespace":"default","resourceVersion":"11"},"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.1","ipMode":"VIP"}]}}}}"#,
        #"{"type":"BOOKMARK","object":{"kind":"Service","apiVersion":"v1","metadata":{"resourceVersion":"15","annotations":{"k8s.io/initial-events-end":"true"}}}}"#,
        #"{"type":"DELETED","object":{"kind":"Service","apiVersion":"v1","metadata":{"name":"a","namespace":"default","resourceVersion":"16"}}}"#,
    ]
    static var body: [UInt8] { Array(events.joined(separator: "\n").utf8) + [UInt8(ascii: "\n")] }

    func lines(_ splitter: inout JSONLineSplitter) throws -> [String] {
        var out: [String] = []
        while let line = try splitter.nextLine() { out.append(String(buffer: line)) }
        return out
    }

    @Test func byteByByte() throws {
        var splitter = JSONLineSplitter()
        var seen: [String] = []
        for byte in Self.body {
            splitter.append([byte])
            seen += try lines(&splitter)
        }
        #expect(seen == Self.events)
        #expect(splitter.finish() == nil)
    }

    @Test func manyAtOnce() throws {
        var splitter = JSONLineSplitter()
        splitter.append(Self.body + Self.body)
        #expect(try lines(&splitter) == Self.events + Self.events)
    }

    @Test func everyChunkSize() throws {
        for size in 1...40 {
            var splitter = JSONLineSplitter()
            var seen: [String] = []
            var rest = Self.body[...]
            while !rest.isEmpty {
                splitter.append(ByteBuffer(bytes: rest.prefix(size)))
                rest = rest.dropFirst(size)
                seen += try lines(&splitter)
            }
            #expect(seen == Self.events, "chunk size \(size)")
        }
    }

    @Test func crlfBlankLinesAndAFinalLineWithoutNewline() throws {
        var splitter = JSONLineSplitter()
        splitter.append(Array("\n\r\n{\"a\":1}\r\n  \n{\"b\":2}".utf8))
        #expect(try lines(&splitter) == [#"{"a":1}"#])
        #expect(splitter.finish().map { String(buffer: $0) } == #"{"b":2}"#)
    }

    @Test func overlongLineIsAnError() {
        var splitter = JSONLineSplitter(maximumLineLength: 16)
        splitter.append(Array(repeating: UInt8(ascii: "x"), count: 17))
        #expect(throws: JSONLineSplitter.LineTooLong.self) { try splitter.nextLine() }
    }

    @Test func decodesEachEventKind() throws {
        let decoded = try Self.events.map { try WatchEventDecoder.decode(ByteBuffer(string: $0), as: Service.self) }
        guard decoded.count == 4, case .added(let added) = decoded[0], case .modified(let modified) = decoded[1],
            case .bookmark(let version) = decoded[2], case .deleted(let deleted) = decoded[3]
        else {
            Issue.record("unexpected \(decoded)")
            return
        }
        #expect(added.spec.ports.first?.targetPort == .string("http"))
        #expect(modified.status.loadBalancer.ingress.first?.ip == "192.0.2.1")
        #expect(version == "15")
        #expect(deleted.metadata.resourceVersion == "16")
    }

    @Test func errorEventIsATypedGoneError() {
        let line = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (120)","reason":"Expired","code":410}}"#
        let error = #expect(throws: KubeAPIError.self) { try WatchEventDecoder.decode(ByteBuffer(string: line), as: Service.self) }
        #expect(error?.isGone == true)
        #expect(error?.code == 410)
        #expect(error?.message == "too old resource version: 5 (120)")
    }

    @Test func unknownTypeIsSkippedAndGarbageIsAnError() throws {
        #expect(try WatchEventDecoder.decode(ByteBuffer(string: #"{"type":"FUTURE","object":{}}"#), as: Service.self) == nil)
        let error = #expect(throws: KubeAPIError.self) { try WatchEventDecoder.decode(ByteBuffer(string: "{not json"), as: Service.self) }
        if case .decoding = error {} else { Issue.record("expected a decoding error, got \(String(describing: error))") }
    }
}
