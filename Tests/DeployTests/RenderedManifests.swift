import Foundation
import Yams

/// One object of the rendered manifests, read through string paths (`spec.template.spec`).
struct ManifestObject {
    let fields: [String: Any]

    var apiVersion: String { fields["apiVersion"] as? String ?? "" }
    var kind: String { fields["kind"] as? String ?? "" }
    var name: String { self["metadata.name"] as? String ?? "" }
    var namespace: String? { self["metadata.namespace"] as? String }
    /// `Kind/name`, or `Kind/namespace/name`.
    var id: String { [kind, namespace, name].compactMap { $0 }.joined(separator: "/") }

    /// The value at a dotted path of map keys; nil when any step is missing.
    subscript(path: String) -> Any? {
        var current: Any? = fields
        for key in path.split(separator: ".") {
            current = (current as? [String: Any])?[String(key)]
        }
        return current
    }

    func map(_ path: String) -> [String: Any] { self[path] as? [String: Any] ?? [:] }
    func list(_ path: String) -> [[String: Any]] { self[path] as? [[String: Any]] ?? [] }
    func strings(_ path: String) -> [String] { self[path] as? [String] ?? [] }
}

/// `kubectl kustomize` of a private copy of deploy/, parsed.
///
/// The copy gets a freshly generated membership key (deploy/memberlist.key is git-ignored, so a
/// fresh checkout has none, and an operator's real key must never be read by tests); nothing in
/// the source tree is written.
struct RenderedManifests {
    let yaml: String
    let objects: [ManifestObject]
    /// The private copy of deploy/ that was rendered (`kubectl apply -k` it).
    let directory: String

    /// The repository's deploy/ directory: found from this file's path (Tests/DeployTests/..),
    /// else under the current directory.
    static func sourceDirectory(filePath: String = #filePath) throws -> String {
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [root.appendingPathComponent("deploy").path, FileManager.default.currentDirectoryPath + "/deploy"]
        guard let found = candidates.first(where: {
            FileManager.default.fileExists(atPath: "\($0)/kustomization.yaml")
        }) else {
            throw DeployCheckError.render("no deploy/kustomization.yaml under \(candidates)")
        }
        return found
    }

    /// The repository's config/ directory (beside deploy/).
    static func configDirectory() throws -> String {
        URL(fileURLWithPath: try sourceDirectory()).deletingLastPathComponent().appendingPathComponent("config").path
    }

    /// A test membership key in the form `make deploy-key` writes (base64 of 32 random bytes and
    /// a newline).
    static func testKey() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString() + "\n"
    }

    /// Copies deploy/ (without any memberlist.key) into a new temporary directory, writes a test
    /// key there, and renders it with `kubectl kustomize`.
    static func render(kubectl: String) async throws -> RenderedManifests {
        let source = try sourceDirectory()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ironlb-deploy-\(UUID().uuidString.prefix(8))/deploy").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: source) where file != "memberlist.key" {
            try FileManager.default.copyItem(atPath: "\(source)/\(file)", toPath: "\(directory)/\(file)")
        }
        try testKey().write(toFile: "\(directory)/memberlist.key", atomically: true, encoding: .utf8)
        let result = try await DeployTool.run(kubectl, ["kustomize", directory])
        guard result.status == 0 else {
            throw DeployCheckError.render("`kubectl kustomize` exited \(result.status): \(result.stderr)")
        }
        return RenderedManifests(yaml: result.stdout, objects: try parse(result.stdout), directory: directory)
    }

    /// Removes the private copy.
    func remove() {
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: directory).deletingLastPathComponent().path)
    }

    /// The documents of a multi-document YAML stream, each of which must be a map.
    static func parse(_ yaml: String) throws -> [ManifestObject] {
        var objects: [ManifestObject] = []
        for (index, document) in try Yams.load_all(yaml: yaml).enumerated() {
            guard let fields = document as? [String: Any] else {
                throw DeployCheckError.render("document \(index + 1) is not a map: \(String(describing: document).prefix(200))")
            }
            objects.append(ManifestObject(fields: fields))
        }
        return objects
    }

    /// The object `kind`/`name`, or throws naming what was there.
    func object(_ kind: String, _ name: String) throws -> ManifestObject {
        guard let found = objects.first(where: { $0.kind == kind && $0.name == name }) else {
            throw DeployCheckError.manifest("no \(kind) \(name) in the rendered manifests: \(objects.map(\.id))")
        }
        return found
    }

    func objects(of kind: String) -> [ManifestObject] { objects.filter { $0.kind == kind } }
}
