/// A parsed label selector in the string syntax of `?labelSelector=` (apimachinery `labels.Parse`).
public struct LabelSelector: Sendable, Equatable {
    public enum Operator: Sendable, Equatable {
        case equals, notEquals, `in`, notIn, exists, doesNotExist, greaterThan, lessThan
    }

    public struct Requirement: Sendable, Equatable {
        public var key: String
        public var op: Operator
        public var values: [String]

        func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch op {
            case .equals, .in: return value.map { values.contains($0) } ?? false
            case .notEquals, .notIn: return value.map { !values.contains($0) } ?? true
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            case .greaterThan, .lessThan:
                guard let value, let lhs = Int64(value), let bound = values.first.flatMap({ Int64($0) }) else { return false }
                return op == .greaterThan ? lhs > bound : lhs < bound
            }
        }
    }

    public var requirements: [Requirement]

    public static let everything = LabelSelector(requirements: [])
    public var isEmpty: Bool { requirements.isEmpty }

    public init(requirements: [Requirement]) { self.requirements = requirements }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    /// Matches the `metadata.labels` of an object.
    public func matches(object: JSONValue) -> Bool {
        if isEmpty { return true }
        var labels: [String: String] = [:]
        for (k, v) in object[path: ["metadata", "labels"]]?.objectValue ?? [:] {
            if let s = v.stringValue { labels[k] = s }
        }
        return matches(labels)
    }

    /// Parses the selector; a syntax error is the server's 400 BadRequest.
    public static func parse(_ text: String) throws(APIError) -> LabelSelector {
        var tokens = try tokenize(text)
        var requirements: [Requirement] = []
        if tokens.isEmpty { return .everything }
        func fail(_ why: String) -> APIError {
            APIError.badRequest("unable to parse requirement: \(why)")
        }
        while true {
            var negate = false
            if tokens.first == .bang {
                negate = true
                tokens.removeFirst()
            }
            guard case .word(let key)? = tokens.first else { throw fail("found '\(tokens.first?.text ?? "")', expected: identifier") }
            tokens.removeFirst()
            let keyErrors = NameRules.qualifiedNameErrors(key)
            if !keyErrors.isEmpty {
                throw fail("<nil>: Invalid value: \"\(key)\": \(keyErrors.joined(separator: "; "))")
            }
            var requirement = Requirement(key: key, op: negate ? .doesNotExist : .exists, values: [])
            if !negate, let next = tokens.first, next != .comma {
                tokens.removeFirst()
                switch next {
                case .equals, .doubleEquals, .notEquals, .greater, .less:
                    var value = ""
                    if case .word(let w)? = tokens.first {
                        value = w
                        tokens.removeFirst()
                    }
                    requirement.values = [value]
                    switch next {
                    case .notEquals: requirement.op = .notEquals
                    case .greater, .less:
                        requirement.op = next == .greater ? .greaterThan : .lessThan
                        guard Int64(value) != nil else { throw fail("for 'Gt', 'Lt' operators, the value must be an integer") }
                    default: requirement.op = .equals
                    }
                case .word("in"), .word("notin"):
                    requirement.op = next == .word("in") ? .in : .notIn
                    guard tokens.first == .open else { throw fail("found '\(tokens.first?.text ?? "")', expected: '('") }
                    tokens.removeFirst()
                    var values: [String] = []
                    var expectValue = true
                    while let t = tokens.first, t != .close {
                        tokens.removeFirst()
                        if case .word(let w) = t, expectValue {
                            values.append(w)
                            expectValue = false
                        } else if t == .comma {
                            if expectValue { values.append("") }
                            expectValue = true
                        } else {
                            throw fail("found '\(t.text)', expected: ',', ')' or identifier")
                        }
                    }
                    if expectValue, !values.isEmpty { values.append("") }
                    guard tokens.first == .close else { throw fail("found '', expected: ')'") }
                    tokens.removeFirst()
                    guard !values.isEmpty else { throw fail("for 'in', 'notin' operators, values set can't be empty") }
                    requirement.values = values
                default:
                    throw fail("found '\(next.text)', expected: in, notin, =, ==, !=, gt, lt")
                }
                for value in requirement.values where requirement.op != .greaterThan && requirement.op != .lessThan {
                    let errors = NameRules.labelValueErrors(value)
                    if !errors.isEmpty {
                        throw fail("values[0][\(key)]: Invalid value: \"\(value)\": \(errors.joined(separator: "; "))")
                    }
                }
            }
            requirements.append(requirement)
            guard let next = tokens.first else { break }
            guard next == .comma else { throw fail("found '\(next.text)', expected: ',' or 'end of string'") }
            tokens.removeFirst()
        }
        return LabelSelector(requirements: requirements)
    }

    private enum Token: Equatable {
        case word(String), equals, doubleEquals, notEquals, bang, open, close, comma, greater, less

        var text: String {
            switch self {
            case .word(let w): return w
            case .equals: return "="
            case .doubleEquals: return "=="
            case .notEquals: return "!="
            case .bang: return "!"
            case .open: return "("
            case .close: return ")"
            case .comma: return ","
            case .greater: return ">"
            case .less: return "<"
            }
        }
    }

    private static func tokenize(_ text: String) throws(APIError) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case " ", "\t", "\n", "\r": i += 1
            case ",": tokens.append(.comma); i += 1
            case "(": tokens.append(.open); i += 1
            case ")": tokens.append(.close); i += 1
            case ">": tokens.append(.greater); i += 1
            case "<": tokens.append(.less); i += 1
            case "=":
                if i + 1 < chars.count, chars[i + 1] == "=" { tokens.append(.doubleEquals); i += 2 } else { tokens.append(.equals); i += 1 }
            case "!":
                if i + 1 < chars.count, chars[i + 1] == "=" { tokens.append(.notEquals); i += 2 } else { tokens.append(.bang); i += 1 }
            default:
                var word = ""
                while i < chars.count, !" \t\n\r,()=!<>".contains(chars[i]) {
                    word.append(chars[i])
                    i += 1
                }
                tokens.append(.word(word))
            }
        }
        return tokens
    }
}
