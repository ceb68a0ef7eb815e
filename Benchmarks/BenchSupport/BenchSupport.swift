import Foundation
import LBLab
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

// What the benchmarks (speaker-bench, bgp-bench) share: the lab's interrupt handling, progress
// output, /proc readings and statistics. Only the benchmarks link this.

/// The lab of this run, reachable from the signal handler so an interrupted run still removes it.
/// `destroy()` holds the lock while it tears the lab down, so a second caller (the main thread
/// finishing while the handler runs) waits for it instead of exiting with the lab half removed.
public final class LabHolder: Sendable {
    private let lab = Mutex<Lab?>(nil)
    /// Set by the signal handler: the main thread then exits without printing figures.
    public let interrupted = Atomic<Bool>(false)
    public init() {}
    public func set(_ new: Lab?) { lab.withLock { $0 = new } }
    public func destroy() {
        lab.withLock { value in
            value?.destroy()
            value = nil
        }
    }
}

public let labHolder = LabHolder()

/// Destroys the lab on SIGINT / SIGTERM / SIGHUP, then exits 130.
public func installInterruptHandlers() -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM, SIGHUP].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler {
            labHolder.interrupted.store(true, ordering: .relaxed)
            say("\ninterrupted (signal \(number)): destroying the lab")
            labHolder.destroy()
            exit(130)
        }
        source.resume()
        return source
    }
}

/// Progress goes to stderr; the table to stdout.
public func say(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

public func now() -> Double { Date().timeIntervalSince1970 }

public func sleepSeconds(_ seconds: Double) { usleep(useconds_t(max(0, seconds) * 1_000_000)) }

public func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

/// VmHWM and VmRSS of `pid` in kB, from /proc.
public func memory(of pid: Int32) -> (hwm: Int, rss: Int)? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    func field(_ name: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            return Int(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        }
        return nil
    }
    guard let hwm = field("VmHWM"), let rss = field("VmRSS") else { return nil }
    return (hwm, rss)
}

/// Anonymous (heap, stacks) kB of `pid`'s resident set, from smaps_rollup; the rest of VmRSS
/// is file-backed (the binary's and the shared libraries' pages).
public func anonymousRSS(of pid: Int32) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("Anonymous:") {
        return Int(line.dropFirst("Anonymous:".count).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
    }
    return nil
}

public enum Stats {
    /// Nearest-rank percentile (p in 0...1) of `values`; nil when empty.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = max(1, Int((p * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}

public func formatMS(_ seconds: Double?) -> String {
    guard let seconds else { return "n/a" }
    return String(format: "%.1f ms", seconds * 1000)
}

public func formatUS(_ seconds: Double?) -> String {
    guard let seconds else { return "n/a" }
    return String(format: "%.1f us", seconds * 1_000_000)
}

public func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

public func padLeft(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ text: String) { description = text }
}

/// How every lab benchmark starts: it needs root and `tools`; the interrupt handlers remove the
/// lab on Ctrl-C; the lab of `nodes` nodes is registered with `labHolder`. Prints why and exits
/// when any of it is missing.
public func startBenchLab(
    _ name: String, tools: [String], nodes: Int, keepWorkDirectory: Bool
) -> (lab: Lab, signals: [DispatchSourceSignal], startedAt: Double, loadBefore: String) {
    guard getuid() == 0 else {
        say("\(name): needs root (network namespaces)")
        exit(2)
    }
    for tool in tools where LabCommand.which(tool) == nil {
        say("\(name): `\(tool)` not found")
        exit(2)
    }
    let signals = installInterruptHandlers()
    let startedAt = now()
    let loadBefore = loadAverage()
    var options = Lab.Options()
    options.keepWorkDirectory = keepWorkDirectory
    let lab: Lab
    do {
        lab = try Lab.create(nodes: nodes, options: options)
    } catch {
        say("\(name): cannot build the lab: \(error)")
        exit(1)
    }
    labHolder.set(lab)
    say("lab \(lab.prefix) in \(lab.workDirectory)")
    return (lab, signals, startedAt, loadBefore)
}

/// The executable `name` of `directory`, or an error naming the product to build.
public func benchBinary(_ name: String, in directory: String) throws -> String {
    let path = "\(directory)/\(name)"
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw BenchError("\(path) is not built (swift build -c release --product \(name))")
    }
    return path
}

