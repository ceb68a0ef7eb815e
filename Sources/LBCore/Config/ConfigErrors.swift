/// Every problem `ConfigParser.parse(_:)` found in one config, in document order. The parser
/// keeps going after the first problem so a user fixes them all in one round.
public struct ConfigErrors: Error, Sendable, Hashable, CustomStringConvertible, RandomAccessCollection {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) { self.errors = errors }

    public var startIndex: Int { errors.startIndex }
    public var endIndex: Int { errors.endIndex }
    public subscript(position: Int) -> ConfigError { errors[position] }

    /// One error per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }

    /// The same errors with their lines moved by `offset` (see `ConfigError.shiftingLine(by:)`).
    public func shiftingLines(by offset: Int) -> ConfigErrors {
        ConfigErrors(errors.map { $0.shiftingLine(by: offset) })
    }
}
