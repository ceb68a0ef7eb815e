/// RFC 6902 JSON Patch with RFC 6901 pointers.
public enum JSONPatch {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public static func apply(_ patch: JSONValue, to target: JSONValue) throws(Failure) -> JSONValue {
        guard case .array(let operations) = patch else { throw Failure(description: "json patch must be an array of operations") }
        var document = target
        for operation in operations {
            guard let op = operation["op"]?.stringValue else { throw Failure(description: "missing 'op' in operation \(operation)") }
            guard let path = operation["path"]?.stringValue else { throw Failure(description: "missing 'path' in operation \(op)") }
            let pointer = try parsePointer(path)
            switch op {
            case "add":
                guard let value = operation["value"] else { throw Failure(description: "missing 'value' in add operation") }
                document = try add(value, at: pointer[...], in: document, path: path)
            case "remove":
                document = try remove(at: pointer[...], in: document, path: path)
            case "replace":
                guard let value = operation["value"] else { throw Failure(description: "missing 'value' in replace operation") }
                _ = try get(pointer[...], in: document, path: path)
                document = try remove(at: pointer[...], in: document, path: path)
                document = try add(value, at: pointer[...], in: document, path: path)
            case "move", "copy":
                guard let from = operation["from"]?.stringValue else { throw Failure(description: "missing 'from' in \(op) operation") }
                let fromPointer = try parsePointer(from)
                if op == "move", pointer.starts(with: fromPointer), pointer.count > fromPointer.count {
                    throw Failure(description: "move operation cannot move a value into one of its children")
                }
                let value = try get(fromPointer[...], in: document, path: from)
                if op == "move" { document = try remove(at: fromPointer[...], in: document, path: from) }
                document = try add(value, at: pointer[...], in: document, path: path)
            case "test":
                let value = try get(pointer[...], in: document, path: path)
                guard value == operation["value"] ?? .null else {
                    throw Failure(description: "testing value \(path) failed: test failed")
                }
            default:
                throw Failure(description: "Unexpected kind: \(op)")
            }
        }
        return document
    }

    static func parsePointer(_ path: String) throws(Failure) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw Failure(description: "JSON pointer must be empty or start with a \"/\": \(path)") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func index(_ token: String, count: Int, allowEnd: Bool, path: String) throws(Failure) -> Int {
        if allowEnd, token == "-" { return count }
        guard let i = Int(token), i >= 0, token == String(i), i < count + (allowEnd ? 1 : 0) else {
            throw Failure(description: "Unable to access invalid index: \(token) (path \(path))")
        }
        return i
    }

    static func get(_ pointer: ArraySlice<String>, in value: JSONValue, path: String) throws(Failure) -> JSONValue {
        guard let head = pointer.first else { return value }
        switch value {
        case .object(let o):
            guard let child = o[head] else { throw Failure(description: "missing value at path \(path)") }
            return try get(pointer.dropFirst(), in: child, path: path)
        case .array(let a):
            let i = try index(head, count: a.count, allowEnd: false, path: path)
            return try get(pointer.dropFirst(), in: a[i], path: path)
        default:
            throw Failure(description: "missing value at path \(path)")
        }
    }

    static func add(_ new: JSONValue, at pointer: ArraySlice<String>, in value: JSONValue, path: String) throws(Failure) -> JSONValue {
        guard let head = pointer.first else { return new }
        let last = pointer.count == 1
        switch value {
        case .object(var o):
            if last {
                o[head] = new
            } else {
                guard let child = o[head] else { throw Failure(description: "add operation does not apply: doc is missing path: \"\(path)\"") }
                o[head] = try add(new, at: pointer.dropFirst(), in: child, path: path)
            }
            return .object(o)
        case .array(var a):
            let i = try index(head, count: a.count, allowEnd: last, path: path)
            if last {
                a.insert(new, at: i)
            } else {
                a[i] = try add(new, at: pointer.dropFirst(), in: a[i], path: path)
            }
            return .array(a)
        default:
            throw Failure(description: "add operation does not apply: doc is missing path: \"\(path)\"")
        }
    }

    static func remove(at pointer: ArraySlice<String>, in value: JSONValue, path: String) throws(Failure) -> JSONValue {
        guard let head = pointer.first else { throw Failure(description: "cannot remove the whole document") }
        let last = pointer.count == 1
        switch value {
        case .object(var o):
            guard let child = o[head] else { throw Failure(description: "remove operation does not apply: doc is missing path: \"\(path)\"") }
            if last {
                o.removeValue(forKey: head)
            } else {
                o[head] = try remove(at: pointer.dropFirst(), in: child, path: path)
            }
            return .object(o)
        case .array(var a):
            let i = try index(head, count: a.count, allowEnd: false, path: path)
            if last { a.remove(at: i) } else { a[i] = try remove(at: pointer.dropFirst(), in: a[i], path: path) }
            return .array(a)
        default:
            throw Failure(description: "remove operation does not apply: doc is missing path: \"\(path)\"")
        }
    }
}
