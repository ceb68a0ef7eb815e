#if canImport(Glibc)
import Glibc
#endif

/// An I/O failure at the layer-2 edge: which operation, on which interface, and the kernel's
/// errno with its text, so a log line says e.g. `bind on eth0: No such device (errno 19)`.
public struct LBNetError: Error, Hashable, Sendable, CustomStringConvertible {
    public let operation: String
    public let interface: String
    public let errno: Int32

    public init(operation: String, interface: String, errno: Int32) {
        self.operation = operation
        self.interface = interface
        self.errno = errno
    }

    /// Captures the calling thread's current `errno`.
    static func current(_ operation: String, _ interface: String) -> LBNetError {
        LBNetError(operation: operation, interface: interface, errno: Glibc.errno)
    }

    public var errnoText: String { String(cString: strerror(errno)) }

    public var description: String { "\(operation) on \(interface): \(errnoText) (errno \(errno))" }
}
