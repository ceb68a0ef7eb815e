// speaker-bench: the layer-2 speaker against the Linux kernel's ARP reply and keepalived VRRP,
// in one lab of network namespaces (3 nodes + a client), figures printed side by side with the
// targets of issue 4. Asserts nothing: exits 0 with figures, non-zero only when it could not
// measure. Needs root. `make bench-speaker`.
import BenchSupport
import Foundation
import LBCore
import LBLab

#if canImport(Glibc)
import Glibc
#endif

let options: BenchOptions
do {
    options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    say("speaker-bench: \(error)")
    exit(2)
}
let (lab, signalSources, startedAt, loadBefore) = startBenchLab(
    "speaker-bench", tools: ["ip", "arping", "tcpdump", "kubectl", "keepalived", "curl"], nodes: 3,
    keepWorkDirectory: options.keepWorkDirectory)
let bench = SpeakerBench(options: options, lab: lab)

var latency: LatencyResult?
var killResult: GapResult?
var termResult: GapResult?
var rss: SpeakerBench.RSSResult?
var vrrp3: GapResult?
var vrrp2: GapResult?

@MainActor func attempt<T>(_ phase: String, _ body: () throws -> T) -> T? {
    do {
        return try body()
    } catch {
        bench.failures.append("\(phase): \(error)")
        say("speaker-bench: \(phase) failed: \(error)")
        return nil
    }
}

if attempt("setup", { try bench.setUp() }) != nil {
    if options.phases.contains("arp") { latency = attempt("ARP latency") { try bench.withoutKills { try bench.measureARPLatency() } } }
    if options.phases.contains("kill") {
        say("SIGKILL + link down: \(options.trials) trials")
        killResult = attempt("SIGKILL failover") { try bench.speakerTrials(graceful: false) }
    }
    if options.phases.contains("term") {
        say("SIGTERM hand-over: \(options.trials) trials")
        termResult = attempt("SIGTERM hand-over") { try bench.speakerTrials(graceful: true) }
    }
    if options.phases.contains("rss") { rss = attempt("RSS") { try bench.withoutKills { try bench.measureRSS() } } }
    if options.soakSeconds > 0 {
        say("soak: speakers idle for \(options.soakSeconds) s")
        _ = attempt("soak") { try bench.withoutKills { sleepSeconds(Double(options.soakSeconds)); _ = try bench.waitForStableOwner(what: "the soak") } }
    }
}
bench.stopSpeakers()
if options.phases.contains("vrrp3") {
    vrrp3 = attempt("keepalived v3") { try bench.keepalivedTrials(version: 3, advertInt: "0.1", trials: options.trials) }
}
if options.phases.contains("vrrp2") {
    vrrp2 = attempt("keepalived v2") { try bench.keepalivedTrials(version: 2, advertInt: "1", trials: options.vrrp2Trials) }
}
let loadAfter = loadAverage()
let workDirectory = lab.workDirectory
labHolder.destroy()
if labHolder.interrupted.load(ordering: .relaxed) { exit(130) }
let elapsed = now() - startedAt

// MARK: - The table

@MainActor func verdict(_ ok: Bool?) -> String { ok.map { $0 ? "ok" : "MISS" } ?? "n/a" }

var timers = "--member-interval \(options.memberInterval ?? "default") --member-dead-after \(options.memberDeadAfter ?? "default")"
if !options.speakerEnvironment.isEmpty {
    timers += "; speaker environment \(options.speakerEnvironment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"
}
print("""

    IronLB speaker-bench: lab \(lab.prefix) (3 nodes + client), \(String(format: "%.0f", elapsed)) s
    load average at start \(loadBefore), at end \(loadAfter); speaker timers \(timers)

    """)

let w0 = 34, w1 = 14
func row(_ cells: [String], widths: [Int]) -> String {
    zip(cells, widths).enumerated().map { i, pair in i == 0 ? pad(pair.0, pair.1) : padLeft(pair.0, pair.1) }.joined(separator: " ")
}

print("ARP reply latency, request -> reply on the client's wire")
if let latency {
    let widths = [w0, w1, w1, 8, 16, 6]
    print(row(["", "IronLB", "kernel", "ratio", "target", ""], widths: widths))
    print(row(["  answered / asked", "\(latency.speaker.count)/\(latency.speakerRequests)", "\(latency.kernel.count)/\(latency.kernelRequests)", "", "", ""], widths: widths))
    for (name, p, limit) in [("p50", 0.5, 2.0), ("p99", 0.99, 3.0)] {
        let s = Stats.percentile(latency.speaker, p), k = Stats.percentile(latency.kernel, p)
        let ratio = s.flatMap { s in k.map { s / $0 } }
        print(row(["  \(name)", formatUS(s), formatUS(k), ratio.map { String(format: "%.2fx", $0) } ?? "n/a",
                   "<= \(Int(limit))x kernel", verdict(ratio.map { $0 <= limit })], widths: widths))
    }
    print(row(["  max", formatUS(latency.speaker.max()), formatUS(latency.kernel.max()), "", "", ""], widths: widths))
} else {
    print("  not measured")
}

print("\nFailover gap after the owner dies (SIGKILL + link down), last old answer -> first new answer, probing every 10 ms")
do {
    let widths = [w0, w1, 18, 18, 22, 6]
    print(row(["", "IronLB", "keepalived v3 0.1", "keepalived v2 1", "target", ""], widths: widths))
    func trials(_ r: GapResult?) -> String { r.map { "\($0.gaps.count)" } ?? "-" }
    print(row(["  trials", trials(killResult), trials(vrrp3), trials(vrrp2), "", ""], widths: widths))
    let m = killResult.flatMap { Stats.median($0.gaps) }, mx = killResult?.gaps.max()
    let k3m = vrrp3.flatMap { Stats.median($0.gaps) }, k3x = vrrp3?.gaps.max()
    let k2m = vrrp2.flatMap { Stats.median($0.gaps) }, k2x = vrrp2?.gaps.max()
    let medianOK = m.map { v in v < 0.25 && (k3m.map { k in v <= k } ?? true) }
    let maxOK = mx.map { v in v < 0.5 && (k3x.map { k in v <= k } ?? true) }
    print(row(["  median", formatMS(m), formatMS(k3m), formatMS(k2m), "< 250 ms, <= v3 0.1", verdict(medianOK)], widths: widths))
    print(row(["  max", formatMS(mx), formatMS(k3x), formatMS(k2x), "< 500 ms, <= v3 0.1", verdict(maxOK)], widths: widths))
    print(row(["  min", formatMS(killResult?.gaps.min()), formatMS(vrrp3?.gaps.min()), formatMS(vrrp2?.gaps.min()), "", ""], widths: widths))
    func g(_ r: GapResult?) -> String { formatMS(r.flatMap { Stats.median($0.toGratuitous) }) }
    print(row(["  median to new owner's first GARP", g(killResult), g(vrrp3), g(vrrp2), "(detection part)", ""], widths: widths))
}

print("\nSIGTERM hand-over gap (the speaker leaves the membership)")
do {
    let widths = [w0, w1, 22, 6]
    let m = termResult.flatMap { Stats.median($0.gaps) }, mx = termResult?.gaps.max()
    print(row(["  trials", termResult.map { "\($0.gaps.count)" } ?? "-", "", ""], widths: widths))
    print(row(["  median", formatMS(m), "< 50 ms", verdict(m.map { $0 < 0.05 })], widths: widths))
    print(row(["  max", formatMS(mx), "< 50 ms", verdict(mx.map { $0 < 0.05 })], widths: widths))
    print(row(["  median to new owner's first GARP", formatMS(termResult.flatMap { Stats.median($0.toGratuitous) }), "", ""], widths: widths))
}

print("\nSpeaker peak RSS with \(options.services) layer-2 IPs")
do {
    let widths = [w0, w1, 22, 6]
    if let rss {
        let peak = Double(rss.hwmKB.max() ?? 0) / 1024
        print(row(["  VmHWM max of 3 speakers", String(format: "%.1f MB", peak), "< 30 MB", verdict(peak < 30)], widths: widths))
        print(row(["  before the Services (1 IP)", String(format: "%.1f MB", Double(rss.baselineHWMKB.max() ?? 0) / 1024), "", ""], widths: widths))
        print("    per speaker VmHWM \(rss.hwmKB.map { String(format: "%.1f", Double($0) / 1024) }.joined(separator: " / ")) MB, VmRSS \(rss.rssKB.map { String(format: "%.1f", Double($0) / 1024) }.joined(separator: " / ")) MB (anonymous \(rss.anonymousKB.map { String(format: "%.1f", Double($0) / 1024) }.joined(separator: " / ")) MB, the rest file-backed); \(rss.announced) IPs announced \(String(format: "%.1f", rss.announceSeconds)) s after kubectl create")
    } else {
        print(row(["  VmHWM max of 3 speakers", "n/a", "< 30 MB", "n/a"], widths: widths))
    }
}

print("\nMembership: \(bench.explainedDeaths) peer deaths explained by kills, \(bench.unexplainedDeaths) unexplained (false deaths / flaps)\(options.soakSeconds > 0 ? ", including a \(options.soakSeconds) s idle soak" : "")")
var problems: [String] = []
for (name, r) in [("SIGKILL", killResult), ("SIGTERM", termResult), ("keepalived v3", vrrp3), ("keepalived v2", vrrp2)] {
    for p in r?.problems ?? [] { problems.append("\(name): \(p)") }
}
problems += bench.notes
if !problems.isEmpty {
    print("Notes:")
    for p in problems { print("  - \(p)") }
}
if !bench.failures.isEmpty {
    print("Could not measure:")
    for f in bench.failures { print("  - \(f)") }
    if options.keepWorkDirectory { print("logs and captures: \(workDirectory)") }
    exit(1)
}
if options.keepWorkDirectory { print("logs and captures: \(workDirectory)") }
_ = signalSources
exit(0)
