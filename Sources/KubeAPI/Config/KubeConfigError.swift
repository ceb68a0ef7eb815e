/// Why no client configuration could be built. Every message names the file and what is missing.
public struct KubeConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
