#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an input could not be read, worded for the user.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Reads a whole input file (or standard input for `-`) as UTF-8 text, with the system's own
/// reason when it cannot ("No such file or directory", "Permission denied", "Is a directory").
public enum InputReader {
    /// Far above any manifest lbctl reads; the cap keeps `/dev/zero` or a runaway pipe from
    /// eating memory.
    public static let maxBytes = 16 << 20

    public static func contents(of name: String) -> Result<String, InputError> {
        let label = name == "-" ? "standard input" : name
        let fd: Int32
        if name == "-" {
            fd = 0
        } else {
            fd = open(name, O_RDONLY)
            if fd < 0 { return .failure(InputError("cannot open \(label): \(errnoText())")) }
        }
        defer { if fd != 0 { close(fd) } }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(InputError("cannot read \(label): \(errnoText())"))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxBytes {
                return .failure(InputError("cannot read \(label): larger than \(maxBytes) bytes"))
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(InputError("cannot read \(label): not UTF-8 text"))
        }
        return .success(text)
    }

    private static func errnoText() -> String {
        guard let s = strerror(errno) else { return "error \(errno)" }
        return String(cString: s)
    }
}
