import Foundation
import KubeAPI
import Logging
import Synchronization

/// Writes this speaker's Lease: its member address and published `SpeakerState`, and renews
/// `renewTime`. A write happens when the content's bytes change and at least every
/// `renewInterval`, never more often than every `minimumInterval` (under churn the newest
/// content is written, intermediate ones are skipped). Failed writes are retried with a
/// backoff (1 s doubling to 10 s) and never stop the speaker.
///
/// Writes are serialised (one in flight at a time, in the order they start), so the final
/// write at shutdown (`publishFinal`) cannot be overtaken by an older one still in flight.
actor SpeakerStatePublisher {
    private let client: KubeClient
    private let node: String
    private let namespace: String
    private let leaseName: String
    private let leaseDurationSeconds: Int
    private let renewInterval: Duration
    private let minimumInterval: Duration
    private let logger: Logger

    /// The newest content handed to `update`, readable without hopping onto the actor so the
    /// speaker's recomputation never waits for the publisher.
    private nonisolated let latest = Mutex<(content: SpeakerLease.Content?, closed: Bool)>((nil, false))
    private var desired: SpeakerLease.Content? { latest.withLock { $0.content } }
    private var written: SpeakerLease.Content?
    private var lastWrite: ContinuousClock.Instant?
    private var failures = 0
    private var stopped = false
    private var wakeUp: CheckedContinuation<Void, Never>?
    private var timer: (deadline: ContinuousClock.Instant, task: Task<Void, Never>)?
    private var writing = false
    private var writeWaiters: [CheckedContinuation<Void, Never>] = []

    init(
        client: KubeClient, node: String, namespace: String, leaseDuration: Duration, renewInterval: Duration,
        minimumInterval: Duration, logger: Logger
    ) {
        self.client = client
        self.node = node
        self.namespace = namespace
        self.leaseName = SpeakerLease.name(for: node)
        self.leaseDurationSeconds = max(1, Int(leaseDuration.components.seconds))
        self.renewInterval = renewInterval
        self.minimumInterval = minimumInterval
        self.logger = logger
    }

    /// The content last written successfully.
    var lastWritten: SpeakerLease.Content? { written }

    /// Sets the content to publish; written promptly (within `minimumInterval`) if it differs
    /// from what was last written. Returns at once; ignored after `stop()`/`publishFinal`.
    nonisolated func update(_ content: SpeakerLease.Content) {
        let accepted = latest.withLock { state -> Bool in
            guard !state.closed, state.content != content else { return false }
            state.content = content
            return true
        }
        if accepted { Task { await self.contentChanged() } }
    }

    private func contentChanged() {
        if desired != written { wake() }
    }

    /// Writes until `stop()`/`publishFinal` or cancellation.
    func run() async {
        while !stopped && !Task.isCancelled {
            guard let content = desired else {
                await sleep(until: nil)
                continue
            }
            let now = ContinuousClock.now
            let renewDue = lastWrite.map { $0 + renewInterval } ?? now
            guard content != written || now >= renewDue else {
                await sleep(until: renewDue)
                continue
            }
            if let lastWrite, now < lastWrite + minimumInterval {
                await sleep(until: lastWrite + minimumInterval)
                continue
            }
            if await write() {
                failures = 0
            } else {
                failures += 1
                let backoff = Duration.seconds(min(10, 1 << min(failures - 1, 4)))
                await sleep(until: ContinuousClock.now + backoff)
            }
        }
    }

    /// Stops the loop without writing anything more.
    func stop() {
        latest.withLock { $0.closed = true }
        stopped = true
        timer?.task.cancel()
        timer = nil
        wake()
    }

    /// Stops the loop and writes `content` once more, after any write in flight. Returns
    /// whether the write succeeded.
    func publishFinal(_ content: SpeakerLease.Content) async -> Bool {
        latest.withLock { $0 = (content, true) }
        stopped = true
        timer?.task.cancel()
        timer = nil
        wake()
        return await write()
    }

    // MARK: Writing

    /// Writes the newest `desired` content; true on success.
    private func write() async -> Bool {
        await acquire()
        defer { release() }
        guard let content = desired else { return true }
        let now = Date()
        do {
            do {
                _ = try await client.patchReturningMetadata(
                    Lease.self, namespace: namespace, name: leaseName,
                    patch: SpeakerLease.patch(content, node: node, leaseDurationSeconds: leaseDurationSeconds, now: now),
                    type: .merge)
            } catch let error as KubeAPIError where error.isNotFound {
                do {
                    _ = try await client.createReturningMetadata(
                        SpeakerLease.object(
                            content, node: node, namespace: namespace, leaseDurationSeconds: leaseDurationSeconds,
                            now: now))
                    logger.info("created the speaker Lease", metadata: ["lease": "\(namespace)/\(leaseName)"])
                } catch let error as KubeAPIError where error.isAlreadyExists {
                    _ = try await client.patchReturningMetadata(
                        Lease.self, namespace: namespace, name: leaseName,
                        patch: SpeakerLease.patch(content, node: node, leaseDurationSeconds: leaseDurationSeconds, now: now),
                        type: .merge)
                }
            }
            if failures > 0 {
                logger.info("speaker Lease written again", metadata: ["lease": "\(namespace)/\(leaseName)"])
            }
            written = content
            lastWrite = ContinuousClock.now
            return true
        } catch {
            // The first failure in a row is a warning; repeats are debug, so an API outage does
            // not flood the log.
            let metadata: Logger.Metadata = [
                "lease": "\(namespace)/\(leaseName)", "error": "\(error)", "failures": "\(failures + 1)",
            ]
            if failures == 0 {
                logger.warning("writing the speaker Lease failed; will retry", metadata: metadata)
            } else {
                logger.debug("writing the speaker Lease failed again", metadata: metadata)
            }
            return false
        }
    }

    private func acquire() async {
        guard writing else {
            writing = true
            return
        }
        await withCheckedContinuation { writeWaiters.append($0) }
    }

    private func release() {
        if writeWaiters.isEmpty {
            writing = false
        } else {
            writeWaiters.removeFirst().resume()  // the lock passes to the next writer
        }
    }

    // MARK: Waiting

    /// Sleeps until `deadline` (nil: until woken), `wake()`, or cancellation.
    private func sleep(until deadline: ContinuousClock.Instant?) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if stopped || Task.isCancelled {
                    continuation.resume()
                    return
                }
                wakeUp?.resume()
                wakeUp = continuation
                if let deadline { armTimer(deadline) }
            }
        } onCancel: {
            Task { await self.wake() }
        }
    }

    /// Arms the timer for `deadline`, keeping the one already armed for the same instant.
    ///
    /// A cancelled `Task.sleep` keeps its timer allocation until its deadline passes, so a
    /// fresh timer on every wake-up piled up: under churn (1,000 Services created at once) the
    /// loop is woken tens of thousands of times while it waits out `minimumInterval`, all with
    /// the same deadline, and those timers held about 6 MB until they expired. Now there is one
    /// timer per distinct deadline; a timer that fires after the loop moved on only causes a
    /// spurious wake-up, which the loop absorbs by re-checking its conditions.
    private func armTimer(_ deadline: ContinuousClock.Instant) {
        if let timer, timer.deadline == deadline { return }
        timer?.task.cancel()
        timer = (
            deadline,
            Task { [weak self] in
                do { try await Task.sleep(until: deadline) } catch { return }
                await self?.timerFired(deadline)
            }
        )
    }

    private func timerFired(_ deadline: ContinuousClock.Instant) {
        if timer?.deadline == deadline { timer = nil }
        wake()
    }

    private func wake() {
        wakeUp?.resume()
        wakeUp = nil
    }
}
