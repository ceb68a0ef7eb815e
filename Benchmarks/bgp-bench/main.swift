// bgp-bench: lb-speaker's BGP mode against gobgpd and exabgp (Debian's), each announcing the same
// /32s in turn to one bird2 router in a namespace lab; figures printed side by side with the
// targets of issue 5. Asserts nothing: exits 0 with figures, non-zero only when it could not
// measure. Needs root. `make bench-bgp`.
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
    say("bgp-bench: \(error)")
    exit(2)
}
var tools = ["ip", "bird", "tcpdump"]
if options.announcers.contains("ironlb") { tools += ["kubectl", "curl"] }
if options.announcers.contains("gobgpd") { tools += ["gobgpd", "gobgp"] }
if options.announcers.contains("exabgp") { tools += ["exabgp"] }
// n1 is the announcer; the client namespace is the router (bird). Both hang off the lab's
// bridge (veth - bridge - veth).
let (lab, signalSources, startedAt, loadBefore) = startBenchLab(
    "bgp-bench", tools: tools, nodes: 1, keepWorkDirectory: options.keepWorkDirectory)

let session = Session(routerAddress: lab.client.primary.ipv4, announcerAddress: lab.nodes[0].primary.ipv4,
                      announcerNamespace: lab.nodes[0].namespace)
let routes = RouteSet(count: options.routes)
var results: [AnnouncerResult] = []
var setupFailure: String?
var speakerAnnouncer: SpeakerAnnouncer?
do {
    let bird = try BirdRouter(lab: lab, routerAddress: session.routerAddress, routerASN: session.routerASN,
                              announcerAddress: session.announcerAddress, announcerASN: session.announcerASN)
    try bird.start()
    let runner = TrialRunner(options: options, lab: lab, bird: bird, session: session)
    for name in options.announcers {
        let announcer: Announcer
        switch name {
        case "gobgpd": announcer = GoBGPAnnouncer(lab: lab, session: session, routes: routes)
        case "exabgp": announcer = ExaBGPAnnouncer(lab: lab, session: session, routes: routes)
        default:
            let speaker = SpeakerAnnouncer(lab: lab, session: session, routes: routes, binDirectory: options.binDirectory)
            speakerAnnouncer = speaker
            announcer = speaker
        }
        results.append(runner.run(announcer))
        if labHolder.interrupted.load(ordering: .relaxed) { break }
    }
    bird.stop()
} catch {
    setupFailure = "\(error)"
    say("bgp-bench: \(error)")
}
let loadAfter = loadAverage()
let workDirectory = lab.workDirectory
labHolder.destroy()
if labHolder.interrupted.load(ordering: .relaxed) { exit(130) }
let elapsed = now() - startedAt

// MARK: - The table

func verdict(_ ok: Bool?) -> String { ok.map { $0 ? "ok" : "MISS" } ?? "n/a" }
func median(_ r: AnnouncerResult?, _ f: (Trial) -> Double?) -> Double? { r.flatMap { Stats.median($0.trials.compactMap(f)) } }
func maximum(_ r: AnnouncerResult?, _ f: (Trial) -> Double?) -> Double? { r.flatMap { $0.trials.compactMap(f).max() } }

let byName = Dictionary(results.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
let ironlb = byName["IronLB"], gobgp = byName["gobgpd"], exa = byName["exabgp"]
let columns: [AnnouncerResult?] = [ironlb, gobgp, exa]
let polls = results.flatMap { $0.trials.flatMap(\.pollPeriods) }

print("""

    IronLB bgp-bench: \(options.routes) /32 routes (\(routes.first) .. \(routes.last)) to bird2 in lab \(lab.prefix), \(options.trials) trials per announcer, \(String(format: "%.0f", elapsed)) s
    load average at start \(loadBefore), at end \(loadAfter) (figures mean something at load <~ 1 on this 2-core machine)

    How each figure is measured (all on one clock: bird writes Unix time with microseconds):
      Established     bird's log line "BGP session established" (debug states/events), 1 us format
      bird holds N    bird's `Routes: N imported` counter of `show protocols all announcer`, polled over one
                      persistent control-socket connection every \(options.pollIntervalUS) us; mean poll period \(formatMS(Stats.median(polls))) = the resolution
      bird's last     the newest route time in `show route protocol announcer` (bird's own, read afterwards)
      UPDATE          tcpdump on the router's interface: segments from the announcer longer than a KEEPALIVE
                      (us timestamps)
      trigger         the bench's clock just before it ran the withdrawal (see the methods below); the
                      issue's reference figures (gobgpd 330-480 ms, exabgp 46-63 ms) are trigger -> 0

    """)

let w0 = 44, w1 = 13
func row(_ cells: [String], widths: [Int]) -> String {
    zip(cells, widths).enumerated().map { i, pair in i == 0 ? pad(pair.0, pair.1) : padLeft(pair.0, pair.1) }.joined(separator: " ")
}
let widths = [w0, w1, w1, w1, 20, 6]
print(row(["", "IronLB", "gobgpd", "exabgp", "target", ""], widths: widths))
print(row(["  trials", ] + columns.map { r in r.map { "\($0.trials.count)" } ?? "-" } + ["", ""], widths: widths))

/// The faster peer's figure (median or max), for the target.
func fasterPeer(_ f: (AnnouncerResult?) -> Double?) -> Double? {
    [f(gobgp), f(exa)].compactMap { $0 }.min()
}
func timingRows(_ label: String, _ f: @escaping (Trial) -> Double?, target: Bool) {
    for (kind, stat) in [("median", median), ("max", maximum)] as [(String, (AnnouncerResult?, (Trial) -> Double?) -> Double?)] {
        let values = columns.map { stat($0, f) }
        var targetText = "", ok: Bool? = nil
        if target, let peer = fasterPeer({ stat($0, f) }) {
            targetText = "<= \(formatMS(peer))"
            ok = values[0].map { $0 <= peer }
        }
        print(row(["  \(label) \(kind)"] + values.map { formatMS($0) } + [targetText, target ? verdict(ok) : ""], widths: widths))
    }
}

print("\nAnnounce: Established -> bird holds \(options.routes)")
timingRows("polled", { $0.announce }, target: true)
timingRows("bird's last route", { $0.announceByBird }, target: false)
timingRows("announcer's last UPDATE (no EoR)", { t in t.lastAnnounceUpdate.map { $0 - t.established } }, target: false)

print("\nWithdraw: -> bird holds 0")
timingRows("from trigger", { $0.withdrawFromTrigger }, target: true)
timingRows("from first UPDATE", { $0.withdrawFromWire }, target: true)
timingRows("trigger -> first UPDATE", { t in t.firstWithdrawUpdate.map { $0 - t.withdrawTriggered } }, target: false)
timingRows("first -> last UPDATE", { t in t.lastWithdrawUpdate.flatMap { l in t.firstWithdrawUpdate.map { l - $0 } } }, target: false)

print("\nPeak RSS (VmHWM of the announcing process with \(options.routes) routes, max over trials)")
do {
    let values = columns.map { r -> Double? in r.flatMap { $0.trials.compactMap(\.peakRSSKB).max() }.map { Double($0) / 1024 } }
    print(row(["  VmHWM"] + values.map { v in v.map { String(format: "%.1f MB", $0) } ?? "n/a" } + ["< 40 MB", verdict(values[0].map { $0 < 40 })],
              widths: widths))
}

if let speakerAnnouncer, let ironlb {
    func mb(_ kb: [Int]) -> String { kb.max().map { String(format: "%.1f MB", Double($0) / 1024) } ?? "n/a" }
    print("    IronLB VmHWM: \(mb(speakerAnnouncer.baselineHWMKB.map { [$0] } ?? [])) with no Service; \(mb(speakerAnnouncer.hwmBeforeSessionKB)) once its plan held every IP, before any BGP session; at the end VmRSS \(mb(speakerAnnouncer.endRSSKB)), of it heap (anonymous) \(mb(speakerAnnouncer.anonymousKB)), the rest file-backed")
    // The withdrawal's trigger path, split at the Node watch event reaching the speaker.
    var toEvent: [Double] = [], eventToUpdate: [Double] = []
    for (trial, event) in zip(ironlb.trials, speakerAnnouncer.nodeEventTimes) {
        guard let event else { continue }
        toEvent.append(event - trial.withdrawTriggered)
        if let first = trial.firstWithdrawUpdate { eventToUpdate.append(first - event) }
    }
    print("    IronLB withdrawal path (median): trigger (curl PATCH) -> first API segment to the speaker \(formatMS(Stats.median(toEvent))), -> first withdrawing UPDATE \(formatMS(Stats.median(eventToUpdate)))")
    print("\nIronLB setup (off the clock): \(options.routes) Services created and given IPs in \(speakerAnnouncer.allocationSeconds.map { String(format: "%.1f s", $0) } ?? "n/a"); speaker start -> whole plan on its Lease \(Stats.median(speakerAnnouncer.planSeconds).map { String(format: "%.1f s", $0) } ?? "n/a") (median)")
}
print("\nMethods:")
for r in results { print("  - \(r.method)") }
var problems: [String] = []
for r in results { problems += r.problems.map { "\(r.name): \($0)" } }
if !problems.isEmpty {
    print("Notes:")
    for p in problems { print("  - \(p)") }
}
var failures = results.compactMap { r in r.failure.map { "\(r.name): \($0)" } }
if let setupFailure { failures.append("setup: \(setupFailure)") }
if !failures.isEmpty {
    print("Could not measure:")
    for f in failures { print("  - \(f)") }
    if options.keepWorkDirectory { print("logs and captures: \(workDirectory)") }
    exit(1)
}
if options.keepWorkDirectory { print("logs and captures: \(workDirectory)") }
_ = signalSources
exit(0)
