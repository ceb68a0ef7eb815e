import Dispatch
import LBCore
import LBNet
import LBProtocols
import Logging
import Synchronization

/// The production `AnnouncementSink`: one `Layer2Announcer` (a raw packet socket and its
/// receive thread) per interface that has IPs to announce, created and started on demand and
/// stopped when its interface has none left.
///
/// An announcer that cannot be opened (the interface vanished, no CAP_NET_RAW) is logged once
/// per distinct error and tried again at the next `announce`, so an interface that comes back
/// is picked up when the speaker re-reads the interfaces.
public final class Layer2AnnouncementSink: AnnouncementSink {
    /// Opens an announcer for an interface (injectable for timing options).
    public typealias Factory = @Sendable (_ interface: String, _ logger: Logger) throws -> Layer2Announcer

    private struct Running {
        var announcer: Layer2Announcer
        /// Counters at the last `drainActivity`, to report increments.
        var reported: Layer2Counters
    }

    private struct State {
        var running: [String: Running] = [:]
        /// Increments of announcers already retired, not yet drained.
        var retired = Layer2Activity()
        /// The last error per interface, so a persistent failure is logged once.
        var failures: [String: String] = [:]
        var stopped = false
    }

    private let state = Mutex(State())
    private let logger: Logger
    private let factory: Factory

    /// - Parameter factory: opens the announcer for one interface; the default uses
    ///   `Layer2Announcer(interface:logger:)` with its default timings.
    public init(
        logger: Logger,
        factory: @escaping Factory = { interface, logger in try Layer2Announcer(interface: interface, logger: logger) }
    ) {
        self.logger = logger
        self.factory = factory
    }

    public func announce(_ owned: [String: Set<IPAddress>]) {
        let retiring: [Layer2Announcer] = state.withLock { state in
            guard !state.stopped else { return [] }
            for (interface, ips) in owned.sorted(by: { $0.key < $1.key }) where !ips.isEmpty {
                if let running = state.running[interface] {
                    running.announcer.setOwned(ips)
                    continue
                }
                do {
                    let announcer = try factory(interface, logger)
                    announcer.start()
                    announcer.setOwned(ips)
                    state.running[interface] = Running(announcer: announcer, reported: Layer2Counters())
                    state.failures[interface] = nil
                    logger.info(
                        "announcing on interface", metadata: ["l2.interface": "\(interface)", "l2.mac": "\(announcer.mac)"])
                } catch {
                    let text = "\(error)"
                    if state.failures[interface] != text {
                        state.failures[interface] = text
                        logger.error(
                            "cannot announce on interface; will retry",
                            metadata: ["l2.interface": "\(interface)", "l2.error": "\(text)", "l2.ips": "\(ips.sorted())"])
                    }
                }
            }
            var retiring: [Layer2Announcer] = []
            for (interface, running) in state.running where (owned[interface] ?? []).isEmpty {
                running.announcer.setOwned([])  // stop answering now; the thread stops below
                state.retired.merge(Self.increments(running, interface: interface).activity)
                state.running[interface] = nil
                retiring.append(running.announcer)
                logger.info("no longer announcing on interface", metadata: ["l2.interface": "\(interface)"])
            }
            for interface in state.failures.keys where (owned[interface] ?? []).isEmpty {
                state.failures[interface] = nil
            }
            return retiring
        }
        // `stop()` waits for the receive thread (about one poll interval): not on the caller's
        // thread, which is on the failover path.
        for announcer in retiring { DispatchQueue.global().async { announcer.stop() } }
    }

    public func drainActivity() -> Layer2Activity {
        state.withLock { state in
            var activity = state.retired
            state.retired = Layer2Activity()
            for (interface, running) in state.running {
                let (delta, counters) = Self.increments(running, interface: interface)
                activity.merge(delta)
                state.running[interface]?.reported = counters
            }
            return activity
        }
    }

    public func stop() async {
        let all: [Layer2Announcer] = state.withLock { state in
            state.stopped = true
            let all = state.running.values.map(\.announcer)
            for (interface, running) in state.running {
                running.announcer.setOwned([])
                state.retired.merge(Self.increments(running, interface: interface).activity)
            }
            state.running = [:]
            return all
        }
        guard !all.isEmpty else { return }
        // Each stop blocks its thread for about one poll interval: run them side by side, off
        // the cooperative pool.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                DispatchQueue.concurrentPerform(iterations: all.count) { all[$0].stop() }
                done.resume()
            }
        }
    }

    /// The increments of `running` since it was last reported, with its current counters.
    private static func increments(_ running: Running, interface: String) -> (activity: Layer2Activity, counters: Layer2Counters) {
        let now = running.announcer.counters
        let before = running.reported
        var activity = Layer2Activity(
            requestsReceived: delta(now.requestsReceivedByIP, before.requestsReceivedByIP),
            responsesSent: delta(now.responsesSentByIP, before.responsesSentByIP),
            gratuitousSent: delta(now.gratuitousSentByIP, before.gratuitousSentByIP),
            foreignAnswers: delta(now.foreignAnswersByIP, before.foreignAnswersByIP),
            drops: delta(now.drops, before.drops))
        for claim in running.announcer.drainForeignAnswers() {
            if case .conflict(let ip, let mac) = claim {
                activity.foreignClaims.insert(.init(ip: ip, mac: mac, interface: interface))
            }
        }
        return (activity, now)
    }

    private static func delta<Key: Hashable>(_ now: [Key: Int], _ before: [Key: Int]) -> [Key: Int] {
        var result: [Key: Int] = [:]
        for (ip, count) in now {
            let d = count - before[ip, default: 0]
            if d > 0 { result[ip] = d }
        }
        return result
    }
}
