import DequeModule
import Foundation
import KubeAPI
import LBCore
import Logging
import ServiceLifecycle

/// Settings of the controller process (flags of `lb-controller`).
public struct ControllerSettings: Sendable {
    /// IronLB's namespace: the ConfigMap and the leader Lease live here.
    public var namespace: String
    /// The ConfigMap holding the `config` key.
    public var configMapName: String
    /// Serve Services of this `loadBalancerClass` only; nil serves Services without a class.
    public var loadBalancerClass: String?
    public var leaderElection: LeaderElectionConfiguration
    /// Writes to the API server in flight at once (different Services; one Service's writes are
    /// always in order).
    public var writeConcurrency: Int

    public init(
        namespace: String = "ironlb-system", configMapName: String = "config", loadBalancerClass: String? = nil,
        identity: String, leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
        retryPeriod: Duration = .seconds(2), writeConcurrency: Int = 16
    ) {
        self.namespace = namespace
        self.configMapName = configMapName
        self.loadBalancerClass = loadBalancerClass
        self.leaderElection = LeaderElectionConfiguration(
            namespace: namespace, leaseName: "ironlb-controller", identity: identity, leaseDuration: leaseDuration,
            renewDeadline: renewDeadline, retryPeriod: retryPeriod)
        self.writeConcurrency = max(1, writeConcurrency)
    }
}

/// The controller: watches Services and the ConfigMap, and — while it holds the leader Lease —
/// feeds them to `ControllerCore` and writes what it decides (status, the pool annotation,
/// Events). A thin shell: every decision is the core's.
///
/// Graceful shutdown (SIGTERM): stop taking work, finish the writes in flight, release the lease
/// so a standby takes over at once, then stop the informers.
public actor ServiceController: ServiceLifecycle.Service {
    let client: KubeClient
    let settings: ControllerSettings
    let metrics: ControllerMetrics
    let logger: Logger
    let services: Informer<KubeAPI.Service>
    let configMaps: Informer<ConfigMap>
    let recorder: EventRecorder
    let elector: LeaderElector

    private var core: ControllerCore
    private var queue = Deque<ServiceKey>()
    private var queued = Set<ServiceKey>()
    private var inFlight = Set<ServiceKey>()
    private var wakeWorker: CheckedContinuation<Void, Never>?
    private var draining = false
    private var leading = false
    private var leadDone: [CheckedContinuation<Void, Never>] = []
    private var configConsidered = false
    /// (assignments, pending) when the gauges were last refreshed: a no-op reconcile that changed
    /// neither leaves the gauges alone (a restart reconciles every Service as a no-op).
    private var countsAtLastRefresh = (assignments: -1, pending: -1)
    /// The leader has worked through everything it found when its term began.
    public private(set) var caughtUp = false

    public init(client: KubeClient, settings: ControllerSettings, metrics: ControllerMetrics, logger: Logger) {
        self.client = client
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.core = ControllerCore(loadBalancerClass: settings.loadBalancerClass)
        self.services = Informer<KubeAPI.Service>(
            client: client, logger: logger, transform: KubeAPI.Service.trimmedForController)
        self.configMaps = Informer<ConfigMap>(
            client: client, namespace: settings.namespace, fieldSelector: "metadata.name=\(settings.configMapName)",
            logger: logger)
        self.recorder = EventRecorder(client: client, component: "ironlb-controller", logger: logger)
        self.elector = LeaderElector(client: client, configuration: settings.leaderElection, logger: logger)
    }

    /// Ready once both informers have synced (a standby is ready too: it can take over at once).
    public func isReady() async -> HealthState {
        guard await services.hasSynced else { return .notReady("waiting for the Service informer to sync") }
        guard await configMaps.hasSynced else { return .notReady("waiting for the ConfigMap informer to sync") }
        return .ready
    }

    public enum HealthState: Sendable, Equatable {
        case ready
        case notReady(String)
    }

    public var isLeader: Bool { leading }

    /// A copy of the decision core's state, for tests and lbctl-style introspection.
    public var coreSnapshot: ControllerCore { core }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.services.run() }
                group.addTask { await self.configMaps.run() }
                group.addTask {
                    await self.elector.run(
                        onStartedLeading: { await self.lead() },
                        onStoppedLeading: { await self.stoppedLeading() })
                }
                // The elector returns only once the lease is released (shutdown) or the task is
                // cancelled; then the informers stop too.
                _ = await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            Task { await self.shutdown() }
        }
    }

    /// Stops taking work, waits for the writes in flight, releases the lease.
    public func shutdown() async {
        logger.info("shutting down: finishing writes in flight, then releasing the leader lease")
        draining = true
        wake()
        if leading { await withCheckedContinuation { leadDone.append($0) } }
        await elector.release()
    }

    // MARK: Leading

    private func lead() async {
        guard !draining else { return }
        leading = true
        metrics.setLeader(true)
        logger.info("started leading: reconciling Services")
        defer {
            leading = false
            caughtUp = false
            metrics.setCaughtUp(false)
            metrics.setLeader(false)
            for c in leadDone { c.resume() }
            leadDone = []
        }
        // A new term starts from what the API server shows, not from what a past term believed.
        core = ControllerCore(loadBalancerClass: settings.loadBalancerClass)
        queue.removeAll()
        queued.removeAll()
        do {
            try await services.waitForSync()
            try await configMaps.waitForSync()
        } catch {
            return
        }
        let svcEvents = await services.events()
        let cmEvents = await configMaps.events()
        await considerConfig()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in cmEvents {
                    if case .synced = event { continue }
                    await self.considerConfig()
                }
            }
            group.addTask {
                for await event in svcEvents { await self.onServiceEvent(event) }
            }
            await self.worker()
            group.cancelAll()
        }
    }

    private func stoppedLeading() async {
        logger.info("stopped leading")
    }

    private func onServiceEvent(_ event: InformerEvent<KubeAPI.Service>) {
        switch event {
        case .added(let s), .updated(_, let s):
            enqueue(ServiceSnapshot(s).key)
        case .deleted(let s):
            let key = ServiceSnapshot(s).key
            core.serviceDeleted(key)
            for k in core.pendingToRetry() { enqueue(k) }
            refreshGauges()
        case .synced:
            break
        }
    }

    /// Reads the ConfigMap from the cache and applies it.
    private func considerConfig() async {
        let cm = await configMaps.get(namespace: settings.namespace, name: settings.configMapName)
        let outcome = core.applyConfig(text: cm?.data["config"])
        configConsidered = true
        metrics.setConfig(core.configStatus)
        switch outcome {
        case .unchanged:
            return
        case .rejected(let event):
            logger.warning("config not applied", metadata: ["config.errors": "\(core.configStatus.errors)"])
            if let cm { await recorder.record(for: cm, type: .warning, reason: event.reason, message: event.message) }
        case .firstLoad(let event):
            logger.info("\(event.message)")
            if let cm { await recorder.record(for: cm, type: .normal, reason: event.reason, message: event.message) }
            let all = await services.list().map(ServiceSnapshot.init)
            core.registerExisting(all)
            for s in all { enqueue(s.key) }
        case .applied(let evicted, let event):
            logger.info("\(event.message)", metadata: ["config.evicted": "\(evicted.count)"])
            if let cm { await recorder.record(for: cm, type: .normal, reason: event.reason, message: event.message) }
            for s in await services.list() { enqueue(ServiceSnapshot(s).key) }
        }
        refreshGauges()
    }

    /// Pool usage and pending count, recomputed from the core.
    private func refreshGauges() {
        metrics.setUsage(core.allocator?.usage ?? [])
        metrics.setPending(core.pending.count)
        countsAtLastRefresh = (core.allocator?.assignmentCount ?? -1, core.pending.count)
    }

    // MARK: Work queue

    private func enqueue(_ key: ServiceKey) {
        guard !queued.contains(key) else { return }
        queued.insert(key)
        queue.append(key)
        wake()
    }

    private func wake() {
        wakeWorker?.resume()
        wakeWorker = nil
    }

    /// The next key not already being written, once a write slot is free; nil when draining.
    private func nextKey() async -> ServiceKey? {
        while !draining && !Task.isCancelled {
            if !caughtUp && configConsidered && queue.isEmpty && inFlight.isEmpty {
                caughtUp = true
                metrics.setCaughtUp(true)
                logger.info("caught up: every Service is reconciled")
            }
            if inFlight.count < settings.writeConcurrency,
                let i = queue.firstIndex(where: { !inFlight.contains($0) })
            {
                let key = queue.remove(at: i)
                queued.remove(key)
                return key
            }
            // Cancellation (a killed process, a lost lease) must wake this wait too.
            await withTaskCancellationHandler {
                await withCheckedContinuation { wakeWorker = $0 }
            } onCancel: {
                Task { await self.wake() }
            }
        }
        return nil
    }

    /// Called by each write task when it is done; a failed write is reconciled again.
    private func finished(_ key: ServiceKey, retry: Bool) {
        inFlight.remove(key)
        if retry && !draining { enqueue(key) }
        wake()
    }

    /// Decides serially (the core is not shared), writes concurrently (bounded), one write at a
    /// time per Service. Returns when draining, after the writes in flight have finished.
    private func worker() async {
        await withDiscardingTaskGroup { group in
            while let key = await nextKey() {
                let object = await services.get(namespace: key.namespace, name: key.name)
                guard let object else {
                    core.serviceDeleted(key)
                    for k in core.pendingToRetry() { enqueue(k) }
                    refreshGauges()
                    continue
                }
                let decision = core.reconcile(ServiceSnapshot(object))
                for k in core.pendingToRetry() where k != key { enqueue(k) }
                guard !decision.isNoop else {
                    if (core.allocator?.assignmentCount ?? -1, core.pending.count) != countsAtLastRefresh {
                        refreshGauges()
                    }
                    continue
                }
                refreshGauges()
                inFlight.insert(key)
                group.addTask {
                    let failed = await self.execute(decision, on: object)
                    await self.finished(key, retry: failed)
                }
            }
        }
    }

    // MARK: Writes

    /// Carries out one decision. Returns true when something failed and the Service should be
    /// reconciled again later.
    private nonisolated func execute(_ d: ServiceDecision, on svc: KubeAPI.Service) async -> Bool {
        let ns = svc.metadata.namespace ?? "default"
        let name = svc.metadata.name
        var failed = false
        let annotation: JSONValue? = d.poolAnnotation.map { pool in pool.map { .string($0) } ?? .null }
        if case .set(let ips) = d.status {
            // One write carries the status and the pool annotation: a write to a Service's /status
            // keeps metadata changes (the API server only resets the spec there, and Kubernetes'
            // own service controller patches finalizers the same way), so the annotation needs no
            // request of its own. The patch is conditional on the resourceVersion we decided on.
            let desired = LoadBalancerStatus.ironLB(ips)
            do {
                do {
                    _ = try await client.patchStatusReturningMetadata(
                        KubeAPI.Service.self, namespace: ns, name: name,
                        patch: Self.statusPatch(desired, annotation: annotation, resourceVersion: svc.metadata.resourceVersion),
                        type: .merge)
                } catch let e as KubeAPIError where e.isConflict {
                    // Our cached copy was stale: write on a fresh read, unless it already says so.
                    try await client.modifyStatus(KubeAPI.Service.self, namespace: ns, name: name) { s in
                        var changed = false
                        if !s.status.loadBalancer.isEquivalent(to: desired) {
                            s.status.loadBalancer = desired
                            changed = true
                        }
                        if let annotation, s.metadata.annotations[ServiceAnnotations.assignedPool] != annotation.stringValue {
                            s.metadata.annotations[ServiceAnnotations.assignedPool] = annotation.stringValue
                            changed = true
                        }
                        return changed
                    }
                }
                metrics.wrote()
            } catch let e as KubeAPIError where e.isNotFound {
                return false
            } catch {
                logger.warning(
                    "status write failed; will retry",
                    metadata: ["service": "\(ns)/\(name)", "error": "\(error)"])
                metrics.writeFailed()
                failed = true
            }
        } else if let annotation {
            let patch: JSONValue = .object([
                "metadata": .object(["annotations": .object([ServiceAnnotations.assignedPool: annotation])])
            ])
            do {
                _ = try await client.patchReturningMetadata(
                    KubeAPI.Service.self, namespace: ns, name: name, patch: patch, type: .merge)
                metrics.wrote()
            } catch let e as KubeAPIError where e.isNotFound {
                return false
            } catch {
                logger.warning(
                    "annotation write failed; will retry", metadata: ["service": "\(ns)/\(name)", "error": "\(error)"])
                metrics.writeFailed()
                failed = true
            }
        }
        for e in d.events {
            await recorder.record(for: svc, type: e.kind == .warning ? .warning : .normal, reason: e.reason, message: e.message)
            if e.kind == .warning {
                logger.info("\(e.reason): \(e.message)", metadata: ["service": "\(ns)/\(name)"])
            } else {
                logger.debug("\(e.reason): \(e.message)", metadata: ["service": "\(ns)/\(name)"])
            }
        }
        if failed { try? await Task.sleep(for: .milliseconds(500)) }
        return failed
    }

    /// The JSON merge patch for `/status`: the ingress list (null clears it), the pool annotation
    /// when it changes (null removes it), and `resourceVersion` as a precondition.
    static func statusPatch(_ desired: LoadBalancerStatus, annotation: JSONValue?, resourceVersion: String?) -> JSONValue {
        let ingress: JSONValue =
            desired.ingress.isEmpty
            ? .null
            : .array(
                desired.ingress.map { entry in
                    var member: [String: JSONValue] = [:]
                    if let ip = entry.ip { member["ip"] = .string(ip) }
                    if let mode = entry.ipMode { member["ipMode"] = .string(mode.rawValue) }
                    return .object(member)
                })
        var metadata: [String: JSONValue] = [:]
        if let resourceVersion { metadata["resourceVersion"] = .string(resourceVersion) }
        if let annotation { metadata["annotations"] = .object([ServiceAnnotations.assignedPool: annotation]) }
        return .object([
            "metadata": .object(metadata),
            "status": .object(["loadBalancer": .object(["ingress": ingress])]),
        ])
    }
}
