import Yams

/// Turns the text of the IronLB ConfigMap's `config` key (MetalLB v0.12's format plus IronLB's
/// extensions) into the validated `Config`. The one way a `Config` is made from user input.
///
/// It is a pure function: same text, same result, no I/O. It reports every problem it finds,
/// not just the first, each naming the field path, the value and what was expected. It never
/// traps on input: hostile YAML (deep nesting, alias bombs, huge numbers, wrong types) gives
/// errors, not crashes or hangs (see `YAMLInputGuard` and `ConfigDiagnostics`).
///
/// Two stages: `RawConfigReader` reads each value on its own against the schema (unknown keys,
/// types, syntax, ranges), then `ConfigValidator` and `PeerValidator` apply the rules between
/// values (overlaps, duplicates, references) and the defaults.
public enum ConfigParser {
    /// Parses and validates `text`. Empty text (or only comments) is a valid empty config.
    public static func parse(_ text: String) throws(ConfigErrors) -> Config {
        if let problem = YAMLInputGuard.problem(in: text) { throw ConfigErrors([problem]) }
        let root: Node?
        do {
            // `.basic`: no implicit tags. The schema reader types scalars itself (from their text
            // and style, as yaml.v2 does) and applies merge keys itself, so tags would go unused;
            // and Yams' default resolver matches every scalar against regular expressions, whose
            // engine (ICU) costs every speaker about a megabyte of memory for nothing.
            root = try Yams.compose(yaml: text, .basic)
        } catch {
            throw ConfigErrors([describeYAMLError(error)])
        }
        guard let root else { return Config() }

        let diagnostics = ConfigDiagnostics()
        let raw = RawConfigReader.read(ConfigNode(node: root, path: "", diagnostics: diagnostics))
        let config = ConfigValidator(diagnostics: diagnostics).validate(raw)
        let errors = diagnostics.finished()
        if !errors.isEmpty { throw ConfigErrors(errors) }
        return config
    }

    /// A YAML library error as a one-line, document-level `ConfigError` (also used by lbctl for
    /// the manifest around a config).
    public static func describeYAMLError(_ error: any Error) -> ConfigError {
        func at(_ problem: String, _ mark: Mark?, context: String? = nil) -> ConfigError {
            var text = "YAML syntax error: \(problem)"
            if let context, !context.isEmpty { text += " (\(context))" }
            if let mark { text += " at column \(mark.column)" }
            return ConfigError(path: "", value: nil, expected: text, line: mark?.line)
        }
        guard let yaml = error as? YamlError else {
            return ConfigError(path: "", value: nil, expected: "YAML error: \(error)")
        }
        switch yaml {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return at(problem, mark, context: context?.text)
        case .reader(let problem, let offset, _, _):
            return ConfigError(
                path: "", value: nil,
                expected: "YAML reader error: \(problem)" + (offset.map { " at byte \($0)" } ?? ""))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "\"\(ConfigError.escaped(ConfigError.shortened($0)))\"" }
            return at("duplicate keys in one mapping: \(keys.joined(separator: ", "))", context.mark)
        default:
            return ConfigError(path: "", value: nil, expected: "YAML error: \(yaml)")
        }
    }
}
