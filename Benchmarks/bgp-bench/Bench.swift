import BenchSupport
import Foundation
import LBLab

#if canImport(Glibc)
import Glibc
#endif

/// Settings from the command line.
struct BenchOptions {
    var binDirectory: String
    var routes = 10_000
    var trials = 5
    var announcers: [String] = ["ironlb", "gobgpd", "exabgp"]
    /// Pause between two reads of bird's route counter, in microseconds.
    var pollIntervalUS = 1000
    var keepWorkDirectory = false

    static let known = ["ironlb", "gobgpd", "exabgp"]
    static let usage = """
        usage: bgp-bench [BIN_DIR] [--routes N] [--trials N] [--announcers ironlb,gobgpd,exabgp]
                         [--poll-interval-us N] [--keep-work-directory]
        BIN_DIR holds lb-speaker, lb-controller and kube-test-server (default: this executable's directory).
        Needs root, iproute2, bird2 (bird, birdc), tcpdump, curl, kubectl, gobgpd/gobgp and exabgp.
        """

    static func parse(_ arguments: [String]) throws -> BenchOptions {
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        var options = BenchOptions(binDirectory: own)
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let v = rest.popFirst() else { throw BenchError("\(flag) needs a value\n\(usage)") }
            return v
        }
        func number(_ flag: String, min: Int, max: Int = Int.max) throws -> Int {
            let text = try value(flag)
            guard let n = Int(text), n >= min, n <= max else { throw BenchError("\(flag) \(text): expected an integer in \(min)...\(max)") }
            return n
        }
        while let arg = rest.popFirst() {
            switch arg {
            // 10.100.0.0 + N must stay inside 10.100.0.0/16.
            case "--routes": options.routes = try number(arg, min: 1, max: 65_536)
            case "--trials": options.trials = try number(arg, min: 1)
            case "--poll-interval-us": options.pollIntervalUS = try number(arg, min: 0, max: 1_000_000)
            case "--announcers":
                let list = try value(arg).split(separator: ",").map(String.init)
                let unknown = list.filter { !known.contains($0) }
                guard unknown.isEmpty, !list.isEmpty else { throw BenchError("--announcers: unknown \(unknown), expected some of \(known)") }
                options.announcers = list
            case "--keep-work-directory": options.keepWorkDirectory = true
            case "-h", "--help": print(usage); exit(0)
            default:
                if arg.hasPrefix("-") { throw BenchError("unknown flag \(arg)\n\(usage)") }
                options.binDirectory = arg
            }
        }
        return options
    }
}

/// One trial's figures (seconds, bench clock = bird's clock).
struct Trial {
    /// bird's "BGP session established" (its log).
    var established: Double
    /// First poll that read the full count.
    var full: Double
    /// bird's own time of the last stored route (`show route`).
    var lastRoute: Double?
    /// The announcer's last segment with an UPDATE after Established (capture).
    var lastAnnounceUpdate: Double?
    /// When the bench triggered the withdrawal.
    var withdrawTriggered: Double
    /// First and last announcer segment with an UPDATE after the trigger (capture).
    var firstWithdrawUpdate: Double?
    var lastWithdrawUpdate: Double?
    /// First poll that read 0.
    var empty: Double
    var peakRSSKB: Int?
    /// Mean time between two polls in the announce and the withdraw wait.
    var pollPeriods: [Double]

    var announce: Double { full - established }
    var announceByBird: Double? { lastRoute.map { $0 - established } }
    var withdrawFromWire: Double? { firstWithdrawUpdate.map { empty - $0 } }
    var withdrawFromTrigger: Double { empty - withdrawTriggered }
}

struct AnnouncerResult {
    var name: String
    var method: String
    var trials: [Trial] = []
    var problems: [String] = []
    var failure: String?
}

/// Runs the trials of one announcer against bird.
final class TrialRunner {
    let options: BenchOptions
    let lab: Lab
    let bird: BirdRouter
    let session: Session

    init(options: BenchOptions, lab: Lab, bird: BirdRouter, session: Session) {
        self.options = options
        self.lab = lab
        self.bird = bird
        self.session = session
    }

    /// Polls bird's counter until it reads `target`; returns the reply time and the mean period.
    /// Going up, a count above `target` is an error.
    func waitForCount(_ target: Int, timeout: Double, what: String) throws -> (time: Double, period: Double) {
        let start = now()
        var polls = 0
        var last = -1
        while true {
            let count = try bird.importedRoutes()
            let time = now()
            polls += 1
            if count == target { return (time, (time - start) / Double(polls)) }
            if target > 0, count > target { throw BenchError("\(what): bird holds \(count) routes, more than \(target)") }
            last = count
            if time - start > timeout {
                throw BenchError("\(what): bird holds \(last) routes after \(Int(timeout)) s (session \(try bird.sessionState()))")
            }
            if options.pollIntervalUS > 0 { usleep(useconds_t(options.pollIntervalUS)) }
        }
    }

    func run(_ announcer: Announcer) -> AnnouncerResult {
        var result = AnnouncerResult(name: announcer.name, method: announcer.method)
        do {
            say("\(announcer.name): setting up")
            try announcer.setUp()
            for trial in 1...options.trials {
                let t = try runTrial(announcer, trial: trial, result: &result)
                result.trials.append(t)
                say("  \(announcer.name) trial \(trial): announce \(formatMS(t.announce)) (bird's last route \(formatMS(t.announceByBird))), withdraw \(formatMS(t.withdrawFromWire)) from the first UPDATE, \(formatMS(t.withdrawFromTrigger)) from the trigger; VmHWM \(t.peakRSSKB.map { String(format: "%.1f MB", Double($0) / 1024) } ?? "n/a")")
            }
        } catch {
            result.failure = "\(error)"
            say("\(announcer.name) failed: \(error)")
        }
        announcer.tearDown()
        try? bird.disable()
        return result
    }

    private func runTrial(_ announcer: Announcer, trial: Int, result: inout AnnouncerResult) throws -> Trial {
        try announcer.prepare(trial: trial)
        // bird must have no session left from the previous trial.
        guard try bird.importedRoutes() == 0 else { throw BenchError("bird still holds routes before trial \(trial)") }
        let capture = try lab.startCapture(in: lab.client.namespace, interface: lab.client.primary.name, filter: "tcp port 179",
                                           name: "\(announcer.name)-\(trial)")
        var stopped = false
        defer { if !stopped { _ = try? capture.stop() } }
        let offset = bird.logOffset()
        try bird.enable()
        try announcer.connect()
        // 150 s: lb-speaker's connect backoff after refused attempts is at most 120 s.
        let full = try waitForCount(options.routes, timeout: 150, what: "\(announcer.name) announce")
        guard let established = bird.establishedTime(after: offset) else { throw BenchError("no 'BGP session established' in bird's log") }
        let rss = announcer.peakRSSKB()
        // Off the clock: bird's own times of the stored routes.
        let last = try bird.lastRouteTime()
        if let last, last.routes != options.routes { result.problems.append("trial \(trial): `show route` listed \(last.routes) routes") }
        try announcer.beforeWithdraw()
        sleepSeconds(0.5)  // the session settles (and no late UPDATE is mistaken for a withdrawal)
        let triggered = now()
        try announcer.withdraw()
        let empty = try waitForCount(0, timeout: 120, what: "\(announcer.name) withdraw")
        announcer.afterWithdraw(triggered: triggered)
        let state = try bird.sessionState()
        if state != "Established" { result.problems.append("trial \(trial): session \(state) after the withdrawal (routes may have been flushed, not withdrawn)") }
        sleepSeconds(0.2)
        let segments = BGPCapture.segments(try LabCommand.run(["tcpdump", "-r", capture.path, "-n", "-tt"], timeout: 60).stdout)
        _ = try capture.stop()
        stopped = true
        let from = session.announcerAddress
        // A lone End-of-RIB (23 bytes) may follow well after the routes (exabgp's does); left out.
        let announceUpdates = BGPCapture.updates(segments, from: from, after: established).filter { $0.time < triggered && $0.length != 23 }
        let withdrawUpdates = BGPCapture.updates(segments, from: from, after: triggered)
        let peak = max(rss ?? 0, announcer.peakRSSKB() ?? 0)
        try announcer.finish()
        try bird.disable()
        let down = labPoll(timeout: 10) { (try? bird.importedRoutes()) == 0 && (try? bird.sessionState()) != "Established" }
        if !down { throw BenchError("bird's session did not go down after trial \(trial)") }
        return Trial(established: established, full: full.time, lastRoute: last?.time,
                     lastAnnounceUpdate: announceUpdates.last?.time,
                     withdrawTriggered: triggered, firstWithdrawUpdate: withdrawUpdates.first?.time,
                     lastWithdrawUpdate: withdrawUpdates.last?.time, empty: empty.time, peakRSSKB: peak > 0 ? peak : nil,
                     pollPeriods: [full.period, empty.period])
    }
}
