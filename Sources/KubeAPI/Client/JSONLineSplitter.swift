import NIOCore

/// Splits a watch response body into its newline-delimited JSON documents.
///
/// A chunk of the HTTP body may hold part of an event, exactly one, or several; an event may span
/// many chunks. Short input is the normal "need more data" state; only a line longer than
/// `maximumLineLength` is an error (a runaway or hostile server must not exhaust memory).
public struct JSONLineSplitter: Sendable {
    public struct LineTooLong: Error, Sendable, CustomStringConvertible {
        public var limit: Int
        public var description: String { "watch event longer than \(limit) bytes" }
    }

    public let maximumLineLength: Int
    private var buffer: ByteBuffer
    /// Bytes after the reader index already known to hold no newline, so a line arriving byte by
    /// byte is scanned once, not once per byte.
    private var scanned = 0

    public init(maximumLineLength: Int = 64 * 1024 * 1024) {
        self.maximumLineLength = maximumLineLength
        self.buffer = ByteBuffer()
    }

    /// Adds the next chunk of the body.
    public mutating func append(_ chunk: ByteBuffer) {
        var chunk = chunk
        buffer.writeBuffer(&chunk)
    }

    /// Adds the next chunk of the body.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.writeBytes(bytes)
    }

    /// The next complete, non-blank line without its line ending, or nil when more data is needed.
    public mutating func nextLine() throws -> ByteBuffer? {
        while true {
            let view = buffer.readableBytesView
            let start = view.startIndex + scanned
            guard let newline = view[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                scanned = view.count
                if scanned > maximumLineLength { throw LineTooLong(limit: maximumLineLength) }
                return nil
            }
            let length = newline - view.startIndex
            guard length <= maximumLineLength else { throw LineTooLong(limit: maximumLineLength) }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            scanned = 0
            if buffer.readableBytes == 0 {
                buffer.clear()
            } else if buffer.readerIndex > 64 * 1024 {
                buffer.discardReadBytes()
            }
            while let last = line.readableBytesView.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
                line.moveWriterIndex(to: line.writerIndex - 1)
            }
            if line.readableBytes > 0 { return line }
        }
    }

    /// At the end of the body: what is left if it is not blank (a last event without a newline).
    public mutating func finish() -> ByteBuffer? {
        defer {
            buffer.clear()
            scanned = 0
        }
        let rest = buffer.readableBytesView
        guard rest.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\t") }) else {
            return nil
        }
        return buffer
    }
}
