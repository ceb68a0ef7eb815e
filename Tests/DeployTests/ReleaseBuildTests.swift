import Foundation
import Testing

/// The image is built as the benchmarks measure: deploy/Dockerfile passes the Makefile's
/// RELEASE_FLAGS word for word, and the function order file they name is usable.
struct ReleaseBuildTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The words of a Makefile variable or a shell command, with line continuations joined.
    static func words(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\\\n", with: " ").split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// RELEASE_FLAGS as the Makefile defines it, `$(CURDIR)` left in.
    static func releaseFlags() throws -> [String] {
        let makefile = try text("Makefile")
        let start = try #require(makefile.range(of: "\nRELEASE_FLAGS = "), "Makefile defines no RELEASE_FLAGS")
        var value = ""
        for line in makefile[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            value += line.hasSuffix("\\") ? line.dropLast() + " " : line
            if !line.hasSuffix("\\") { break }
        }
        return words(value)
    }

    @Test func dockerfileBuildsWithTheMakefilesReleaseFlags() throws {
        let flags = try Self.releaseFlags()
        #expect(flags.contains("--static-swift-stdlib") && flags.contains("pack-relative-relocs"), "\(flags)")
        let order = try #require(flags.first { $0.hasPrefix("--symbol-ordering-file=") })
        #expect(order == "--symbol-ordering-file=$(CURDIR)/$(SPEAKER_ORDER)")

        let dockerfile = try Self.text("deploy/Dockerfile")
        let build = try #require(
            dockerfile.range(of: #"swift build -c release[^;]*--product "\$product""#, options: .regularExpression),
            "deploy/Dockerfile has no `swift build ... --product \"$product\"` step")
        var inDocker = Self.words(String(dockerfile[build]))
        inDocker.removeFirst(2)  // swift build
        inDocker.removeLast(2)  // --product "$product"
        // The Makefile's paths are under $(CURDIR), the image's under /src.
        let expected = flags.map {
            $0 == order
                ? "--symbol-ordering-file=/src/deploy/lb-speaker.order"
                : $0.replacingOccurrences(of: "$(CURDIR)/", with: "/src/")
        }
        #expect(inDocker == expected, "deploy/Dockerfile builds with \(inDocker), the Makefile with \(expected)")
        #expect(try Self.text("Makefile").contains("SPEAKER_ORDER := deploy/lb-speaker.order"))
    }

    /// The static libstdc++ shim is a linker script naming the archive, not a binary.
    @Test func staticLibstdcxxShimIsALinkerScript() throws {
        #expect(try Self.releaseFlags().contains("-L$(CURDIR)/deploy/static-libstdc++"))
        let script = try Self.text("deploy/static-libstdc++/libstdc++.so")
        #expect(script.contains("INPUT(libstdc++.a)"))
    }

    /// A broken order file would not fail the link (unknown names are skipped, by design: a
    /// stale file only costs memory), so its shape is checked here.
    @Test func orderFileNamesTheSpeakersFunctions() throws {
        let lines = try Self.text("deploy/lb-speaker.order").split(separator: "\n", omittingEmptySubsequences: false)
        let names = lines.filter { !$0.isEmpty }
        #expect(names.count > 1000, "only \(names.count) functions; regenerate it with `make speaker-order`")
        #expect(names.allSatisfy { !$0.contains(where: \.isWhitespace) }, "one symbol name per line, no spaces")
        #expect(Set(names).count == names.count, "duplicate names")
        let ours = names.filter { $0.hasPrefix("$s9LBSpeaker") || $0.hasPrefix("$s5LBNet") }
        #expect(ours.count > 200, "only \(ours.count) LBSpeaker/LBNet functions; regenerate it with `make speaker-order`")
    }
}
