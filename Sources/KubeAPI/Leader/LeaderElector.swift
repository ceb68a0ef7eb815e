import Foundation
import Logging

/// Lease-based leader election (coordination.k8s.io/v1), after client-go's `leaderelection`.
///
/// A candidate reads the Lease, creates it if missing, and takes it over only when the holder is
/// empty or the record has not changed for the lease's duration *as measured on this candidate's
/// own clock since it last saw it change* (remote clocks are never trusted). Writes carry the
/// resourceVersion read, so of two candidates only one wins (409 for the other). The leader
/// renews every `retryPeriod`; if it cannot renew within `renewDeadline` it stops leading.
/// On cancellation (graceful shutdown) it stops its work and then releases the lease (empty
/// holder) so a standby takes over at once.
public actor LeaderElector {
    public nonisolated let configuration: LeaderElectionConfiguration
    private let client: KubeClient
    private let logger: Logger

    private var leading = false
    private var releaseRequested = false
    private var running = false
    private var runFinishedWaiters: [CheckedContinuation<Void, Never>] = []
    /// The lease as last read or written, and when (on our clock) its spec last changed.
    private var observed: Lease?
    private var observedTime: ContinuousClock.Instant?

    /// An unsafe `configuration` (see `LeaderElectionConfiguration.validate()`, which callers
    /// should run at start-up to report it) is made safe here rather than refused: a renew deadline
    /// not shorter than the lease duration is cut to two thirds of it, and the retry period to a
    /// third of the deadline, so a leader always steps down before a standby may take over.
    public init(client: KubeClient, configuration: LeaderElectionConfiguration, logger: Logger? = nil) {
        var logger = logger ?? client.logger
        logger[metadataKey: "kube.lease"] = "\(configuration.namespace)/\(configuration.leaseName)"
        logger[metadataKey: "kube.identity"] = "\(configuration.identity)"
        var safe = configuration
        if safe.leaseDuration < .milliseconds(100) { safe.leaseDuration = .milliseconds(100) }
        if safe.renewDeadline >= safe.leaseDuration { safe.renewDeadline = safe.leaseDuration * 2 / 3 }
        if safe.retryPeriod <= .zero || safe.renewDeadline <= safe.retryPeriod * 1.2 { safe.retryPeriod = safe.renewDeadline / 3 }
        if safe != configuration {
            // A misconfiguration worth seeing whatever the log level chosen for this library.
            logger.warning(
                "kube leader election: unsafe timing adjusted",
                metadata: [
                    "kube.leaseDuration": "\(safe.leaseDuration)", "kube.renewDeadline": "\(safe.renewDeadline)",
                    "kube.retryPeriod": "\(safe.retryPeriod)",
                ])
        }
        self.client = client
        self.configuration = safe
        self.logger = logger
    }

    /// Whether this candidate currently leads.
    public var isLeader: Bool { leading }

    /// The holder in the lease as last observed (nil before the first read; empty when released).
    public var observedHolder: String? { observed?.spec.holderIdentity }

    /// Campaigns, leads and campaigns again after losing, until the calling task is cancelled or
    /// `release()` is called.
    ///
    /// `onStartedLeading` runs in a child task while this candidate leads and is cancelled when
    /// leadership ends (it may also return early); `onStoppedLeading` is called after it has
    /// finished, each time leadership ends.
    public func run(
        onStartedLeading: @escaping @Sendable () async -> Void,
        onStoppedLeading: @escaping @Sendable () async -> Void
    ) async {
        running = true
        releaseRequested = false
        defer {
            running = false
            for waiter in runFinishedWaiters { waiter.resume() }
            runFinishedWaiters = []
        }
        while !Task.isCancelled && !releaseRequested {
            guard await acquire() else { break }
            leading = true
            logger.debug("kube leader election: started leading")
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await onStartedLeading() }
                await renewUntilLost()
                group.cancelAll()
                await group.waitForAll()
            }
            leading = false
            if (Task.isCancelled && configuration.releaseOnCancel) || releaseRequested {
                // The work has stopped; now hand over. In a task of its own, because this one is
                // cancelled and its requests would fail at once.
                await Task { await self.releaseLease() }.value
            }
            logger.debug("kube leader election: stopped leading")
            await onStoppedLeading()
        }
    }

    /// Stops leading and gives the lease up so another candidate takes over at once. When `run()`
    /// is active this waits until it has stopped the leader's work and returned; otherwise it
    /// releases the lease directly if this candidate holds it.
    public func release() async {
        releaseRequested = true
        if running {
            await withCheckedContinuation { runFinishedWaiters.append($0) }
        } else {
            await releaseLease()
        }
    }

    // MARK: - Campaign

    /// Tries every `retryPeriod` (with jitter) until the lease is ours; false when stopped first.
    private func acquire() async -> Bool {
        while !Task.isCancelled && !releaseRequested {
            if await tryAcquireOrRenew(within: configuration.renewDeadline) { return true }
            guard await pause(jittered(configuration.retryPeriod)) else { return false }
        }
        return false
    }

    /// Renews every `retryPeriod`; returns when a renewal has failed for `renewDeadline`, or when
    /// stopped.
    private func renewUntilLost() async {
        while true {
            guard await pause(configuration.retryPeriod) else { return }
            let deadline = ContinuousClock.now + configuration.renewDeadline
            var renewed = false
            while !renewed {
                let remaining = deadline - ContinuousClock.now
                if remaining <= .zero || Task.isCancelled || releaseRequested { break }
                renewed = await tryAcquireOrRenew(within: remaining)
                if !renewed {
                    guard await pause(min(configuration.retryPeriod, max(deadline - ContinuousClock.now, .zero))) else {
                        return
                    }
                }
            }
            if !renewed {
                if !Task.isCancelled && !releaseRequested {
                    logger.debug("kube leader election: failed to renew within the deadline, stepping down")
                }
                return
            }
        }
    }

    /// Sleeps, waking early when cancelled or asked to release. False if it woke early.
    private func pause(_ duration: Duration) async -> Bool {
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end {
            if Task.isCancelled || releaseRequested { return false }
            let step = min(end - ContinuousClock.now, .milliseconds(50))
            do { try await Task.sleep(for: step) } catch { return false }
        }
        return !(Task.isCancelled || releaseRequested)
    }

    /// client-go's `wait.Jitter(period, 1.2)`: spreads candidates that start together.
    private func jittered(_ duration: Duration) -> Duration {
        duration + duration * Double.random(in: 0...1.2)
    }

    private var leaseDurationSeconds: Int {
        max(1, Int(configuration.leaseDuration.seconds.rounded(.up)))
    }

    /// One attempt, bounded by `timeout`: true when the lease is ours afterwards.
    private func tryAcquireOrRenew(within timeout: Duration) async -> Bool {
        do {
            return try await client.withDeadline(timeout, what: "lease \(configuration.leaseName)") {
                try await self.tryAcquireOrRenewOnce()
            }
        } catch {
            if !(error is CancellationError) {
                logger.debug("kube leader election: attempt failed", metadata: ["kube.error": "\(error)"])
            }
            return false
        }
    }

    private func tryAcquireOrRenewOnce() async throws -> Bool {
        let identity = configuration.identity
        let now = MicroTime(Date())
        var lease: Lease
        do {
            lease = try await client.get(Lease.self, namespace: configuration.namespace, name: configuration.leaseName)
        } catch let error as KubeAPIError where error.isNotFound {
            let fresh = Lease(
                metadata: ObjectMeta(name: configuration.leaseName, namespace: configuration.namespace),
                spec: LeaseSpec(
                    holderIdentity: identity, leaseDurationSeconds: leaseDurationSeconds, acquireTime: now,
                    renewTime: now, leaseTransitions: 0))
            do {
                let created = try await client.create(fresh)
                observe(created)
                return true
            } catch let error as KubeAPIError where error.isAlreadyExists || error.isConflict {
                return false  // another candidate created it first
            }
        }

        observe(lease)
        let holder = lease.spec.holderIdentity ?? ""
        if !holder.isEmpty && holder != identity && !leaseExpired(lease) {
            return false
        }

        let old = lease.spec
        var spec = old
        spec.holderIdentity = identity
        spec.leaseDurationSeconds = leaseDurationSeconds
        spec.renewTime = now
        if holder == identity {
            spec.acquireTime = old.acquireTime ?? now
            spec.leaseTransitions = old.leaseTransitions ?? 0
        } else {
            spec.acquireTime = now
            spec.leaseTransitions = (old.leaseTransitions ?? 0) + 1
            logger.debug("kube leader election: taking the lease over", metadata: ["kube.previous": "\(holder)"])
        }
        lease.spec = spec
        do {
            let updated = try await client.update(lease)
            observe(updated)
            return true
        } catch let error as KubeAPIError where error.isConflict {
            return false  // someone else wrote first
        }
    }

    /// Records the lease; restarts our expiry clock only when its spec changed.
    private func observe(_ lease: Lease) {
        if observed?.spec != lease.spec || observedTime == nil {
            observedTime = ContinuousClock.now
        }
        observed = lease
    }

    /// Whether the holder has let the lease run out, measured from when we last saw it change.
    private func leaseExpired(_ lease: Lease) -> Bool {
        guard let observedTime else { return false }
        let seconds = lease.spec.leaseDurationSeconds ?? leaseDurationSeconds
        return ContinuousClock.now - observedTime >= .seconds(seconds)
    }

    /// Empties the holder if it is us, with a 1 s duration, as client-go's release does.
    private func releaseLease() async {
        do {
            var lease = try await client.get(Lease.self, namespace: configuration.namespace, name: configuration.leaseName)
            guard lease.spec.holderIdentity == configuration.identity else { return }
            let now = MicroTime(Date())
            lease.spec.holderIdentity = ""
            lease.spec.leaseDurationSeconds = 1
            lease.spec.renewTime = now
            lease.spec.acquireTime = now
            let updated = try await client.update(lease)
            observe(updated)
            leading = false
            logger.debug("kube leader election: released the lease")
        } catch {
            logger.debug("kube leader election: could not release the lease", metadata: ["kube.error": "\(error)"])
        }
    }
}
