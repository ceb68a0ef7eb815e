/// Reads the protobuf wire format (varints, length-delimited fields) without trapping on bad input.
struct ProtobufReader {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { bytes.isEmpty }

    mutating func varint() throws(Failure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = bytes.popFirst() {
            guard shift < 64 else { throw Failure(description: "varint too long") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw Failure(description: "unexpected end of varint")
    }

    /// The next field: its number and value.
    mutating func field() throws(Failure) -> (Int, Value) {
        let tag = try varint()
        let number = Int(truncatingIfNeeded: tag >> 3)
        guard number > 0 else { throw Failure(description: "invalid field number 0") }
        switch tag & 7 {
        case 0:
            return (number, .varint(try varint()))
        case 1:
            guard bytes.count >= 8 else { throw Failure(description: "truncated fixed64") }
            var value: UInt64 = 0
            for (i, b) in bytes.prefix(8).enumerated() { value |= UInt64(b) << (8 * UInt64(i)) }
            bytes = bytes.dropFirst(8)
            return (number, .fixed64(value))
        case 2:
            let length = try varint()
            guard length <= UInt64(bytes.count) else { throw Failure(description: "truncated length-delimited field") }
            let value = bytes.prefix(Int(length))
            bytes = bytes.dropFirst(Int(length))
            return (number, .bytes(value))
        case 5:
            guard bytes.count >= 4 else { throw Failure(description: "truncated fixed32") }
            var value: UInt32 = 0
            for (i, b) in bytes.prefix(4).enumerated() { value |= UInt32(b) << (8 * UInt32(i)) }
            bytes = bytes.dropFirst(4)
            return (number, .fixed32(value))
        default:
            throw Failure(description: "unsupported wire type \(tag & 7)")
        }
    }
}
