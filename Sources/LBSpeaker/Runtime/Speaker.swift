import Foundation
import KubeAPI
import LBCore
import LBNet
import LBProtocols
import Logging
import NIOPosix
import ServiceLifecycle

/// The speaker of one node: watches Services, EndpointSlices, Nodes, the IronLB ConfigMap and
/// the speakers' Leases; runs the membership protocol with the other speakers; recomputes the
/// layer 2 plan (`SpeakerCore.layer2Plan`) and the BGP plan (`SpeakerCore.bgpPlan`) whenever an
/// input changes, hands the IPs this node owns to an `AnnouncementSink` and the routes and
/// sessions to a `BGPAdvertiser`; publishes what it does on its Lease. A thin shell: every
/// decision is the core's.
///
/// Promptness: a change of the live members is applied inside the same actor call that
/// receives it (plan, then `announce`, then metrics and the published state), with no
/// debouncing. Informer events are coalesced without delay: a burst that arrives while a
/// recomputation runs is applied by the next one.
///
/// Graceful shutdown (SIGTERM through a ServiceGroup): leave the membership first (the peers
/// take the IPs over at once), stop announcing, write the Lease saying nothing is announced,
/// close the socket; every step is bounded by `shutdownStepTimeout`. Cancellation instead
/// stops at once, as a crash would look to the peers: the socket closes without leaving (they
/// notice within the failure detector's `deadAfter`) and the Lease is left as it was.
public actor Speaker: ServiceLifecycle.Service {
    /// Whether the speaker can serve, and if not why (for `/readyz`).
    public enum HealthState: Sendable, Equatable {
        case ready
        case notReady(String)
    }

    /// The Event reason for another MAC answering for an IP this node announces.
    public static let foreignAnswerEventReason = "ForeignMACAnswered"

    public nonisolated let configuration: SpeakerConfiguration
    let client: KubeClient
    let metrics: SpeakerMetrics
    let logger: Logger
    let sink: any AnnouncementSink
    let bgp: any BGPAdvertiser
    let readInterfaces: @Sendable () throws -> [InterfaceInfo]
    let services: Informer<KubeAPI.Service>
    let slices: Informer<EndpointSlice>
    let nodes: Informer<Node>
    let configMaps: Informer<ConfigMap>
    let leases: Informer<Lease>
    let recorder: EventRecorder
    let publisher: SpeakerStatePublisher
    let stateBuilder: StateBuilder

    // Inputs, as the informers and the membership last reported them.
    var config: Config?
    var configText: String??
    var configStale = false
    var speakerServices: [ServiceKey: SpeakerService] = [:]
    var endpoints = EndpointIndex()
    var speakerNodes: [String: SpeakerNode] = [:]
    /// This node's InternalIPs (router ID and next hops for BGP).
    var nodeAddresses: [IPAddress] = []
    var peerLeases: [String: SpeakerLease.PeerReading] = [:]
    var peers: [String: PeerAddress] = [:]
    var liveMembers: Set<String> = []
    var interfaceList: [InterfaceInfo] = []
    var interfaceReadError: String?
    var syncedInformers: Set<String> = []
    static let informerCount = 5

    // Outputs.
    var plan: Layer2Plan?
    var bgpPlan: BGPPlan?
    var appliedBGP: ([BGPSessionSpec], [IPPrefix: BGPPlan.RouteAttributes])?
    var owned: [String: Set<IPAddress>] = [:]
    var ipInterfaces: [IPAddress: [String]] = [:]
    var warnedWithoutInterface: Set<IPAddress> = []
    var warnedUnparsable: [ServiceKey: [String]] = [:]
    var memberAddress: PeerAddress?
    var warnedNoAddress = false

    // Lifecycle.
    var transport: MembershipTransport?
    var stopping = false
    var dirty = false
    var kick: AsyncStream<Void>.Continuation?
    var shutdownRequested = false
    var shutdownWaiter: CheckedContinuation<Void, Never>?

    /// - Parameters:
    ///   - sink: where announcements go; default `Layer2AnnouncementSink` (raw sockets).
    ///   - bgp: where BGP sessions and routes go; default `NIOBGPAdvertiser` (real sessions).
    ///   - interfaces: lists the host's interfaces; default `Interfaces.list()`. Read at start
    ///     and every `housekeepingInterval`.
    public init(
        client: KubeClient, configuration: SpeakerConfiguration, metrics: SpeakerMetrics, logger: Logger,
        sink: (any AnnouncementSink)? = nil, bgp: (any BGPAdvertiser)? = nil,
        interfaces: @escaping @Sendable () throws -> [InterfaceInfo] = { try Interfaces.list() }
    ) {
        var logger = logger
        logger[metadataKey: "node"] = "\(configuration.nodeName)"
        self.client = client
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.sink = sink ?? Layer2AnnouncementSink(logger: logger)
        self.bgp = bgp ?? NIOBGPAdvertiser(logger: logger)
        self.readInterfaces = interfaces
        // Services and EndpointSlices: the speaker keeps its own readings of them
        // (`speakerServices`, `endpoints`), so the informers keep only identities (with 10,000
        // Services, about 5 MB less on every node).
        self.services = Informer<KubeAPI.Service>(
            client: client, logger: logger, transform: KubeAPI.Service.trimmedForSpeaker,
            cache: .identities(deleted: { KubeAPI.Service(metadata: $0) }))
        self.slices = Informer<EndpointSlice>(
            client: client, logger: logger, transform: EndpointSlice.trimmedForSpeaker,
            cache: .identities(deleted: { EndpointSlice(metadata: $0) }))
        self.nodes = Informer<Node>(client: client, logger: logger)
        self.configMaps = Informer<ConfigMap>(
            client: client, namespace: configuration.namespace,
            fieldSelector: "metadata.name=\(configuration.configMapName)", logger: logger)
        self.leases = Informer<Lease>(
            client: client, namespace: configuration.namespace, labelSelector: SpeakerLease.labelSelector, logger: logger,
            transform: Lease.trimmedForSpeaker)
        self.recorder = EventRecorder(
            client: client, component: "ironlb-speaker", host: configuration.nodeName, logger: logger)
        self.publisher = SpeakerStatePublisher(
            client: client, node: configuration.nodeName, namespace: configuration.namespace,
            leaseDuration: configuration.leaseDuration, renewInterval: configuration.leaseRenewInterval,
            minimumInterval: configuration.minimumStateWriteInterval, logger: logger)
        self.stateBuilder = StateBuilder(publisher: publisher, logger: logger)
    }

    // MARK: Introspection

    /// Ready once every informer has synced, the membership socket is open and the member
    /// address is known (so peers can find this speaker).
    public func isReady() -> HealthState {
        guard transport != nil else { return .notReady("the membership socket is not open yet") }
        guard syncedInformers.count == Self.informerCount else {
            let missing = ["services", "endpointslices", "nodes", "configmap", "leases"].filter {
                !syncedInformers.contains($0)
            }
            return .notReady("waiting for the informers to sync: \(missing.joined(separator: ", "))")
        }
        guard memberAddress != nil else {
            return .notReady(
                "the member address is unknown: the Node \(configuration.nodeName) has no usable InternalIP; "
                    + "set --member-address")
        }
        return .ready
    }

    /// The plan last computed (nil before the informers have synced).
    public var currentPlan: Layer2Plan? { plan }

    /// The BGP plan last computed (nil before the informers have synced).
    public var currentBGPPlan: BGPPlan? { bgpPlan }

    /// What is announced now, per interface.
    public var announcements: [String: Set<IPAddress>] { owned }

    /// The live members as last reported by the membership protocol.
    public var members: Set<String> { liveMembers }

    /// The membership transport's counters (joins, leaves, failovers, drops), nil before the
    /// socket is open.
    public var membershipCounters: MembershipTransportCounters? { transport?.counters }

    /// The peers found through speaker Leases (node name to membership address).
    public var peerAddresses: [String: PeerAddress] { peers }

    /// The membership address peers use (nil until known), with the port actually bound.
    public var advertisedMemberAddress: PeerAddress? { memberAddress }

    /// Whether the last ConfigMap was rejected (an older config, or none, is in force).
    public var isConfigStale: Bool { configStale }

    // MARK: Running

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await self.runUntilStopped()
        } onGracefulShutdown: {
            Task { await self.requestShutdown() }
        }
    }

    /// Starts a graceful shutdown (as SIGTERM does through the ServiceGroup); `run()` returns
    /// once it is done.
    public func requestShutdown() {
        guard !shutdownRequested else { return }
        shutdownRequested = true
        shutdownWaiter?.resume()
        shutdownWaiter = nil
    }

    private func runUntilStopped() async throws {
        let config = configuration
        try config.validate()
        let incarnation = UInt64(max(1, Date().timeIntervalSince1970 * 1000))
        let membership = try Membership(
            selfName: config.nodeName, incarnation: incarnation, key: config.memberKey,
            previousKeys: config.memberAcceptedKeys, config: config.membership)
        // Heartbeats get an event-loop thread of their own: on the shared group they would queue
        // behind watch streams and HTTP answers, and a late heartbeat is a false failover.
        let membershipLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer {
            membershipLoop.shutdownGracefully { error in
                if let error { Logger(label: "ironlb.speaker").debug("membership loop shutdown: \(error)") }
            }
        }
        let transport = try await MembershipTransport.start(
            membership: membership, bindHost: config.memberBindHost, port: config.memberPort, logger: logger,
            eventLoopGroup: membershipLoop)
        self.transport = transport
        liveMembers = transport.liveMembers
        metrics.setMembers(liveMembers.count)
        refreshInterfaces()
        resolveMemberAddress(from: nil)
        logger.info(
            "membership socket open",
            metadata: ["member.bind": "\(transport.localAddress)", "member.incarnation": "\(incarnation)"])

        // Subscribe before the informers start, so the first lists arrive as events and the
        // plan is computed once, after every cache has synced.
        let serviceEvents = await services.events()
        let sliceEvents = await slices.events()
        let nodeEvents = await nodes.events()
        let configEvents = await configMaps.events()
        let leaseEvents = await leases.events()
        let (kicks, kick) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.kick = kick
        let bgpChanges = bgp.changes()

        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.services.run() }
            group.addTask { await self.slices.run() }
            group.addTask { await self.nodes.run() }
            group.addTask { await self.configMaps.run() }
            group.addTask { await self.leases.run() }
            group.addTask { await self.publisher.run() }
            group.addTask {
                for await event in serviceEvents { await self.apply(service: event) }
            }
            group.addTask {
                for await event in sliceEvents { await self.apply(slice: event) }
            }
            group.addTask {
                for await event in nodeEvents { await self.apply(node: event) }
            }
            group.addTask {
                for await event in configEvents { await self.apply(configMap: event) }
            }
            group.addTask {
                for await event in leaseEvents { await self.apply(lease: event) }
            }
            group.addTask {
                for await live in transport.liveMemberChanges() { await self.membersChanged(live) }
            }
            group.addTask {
                for await _ in kicks { await self.reconcileIfDirty() }
            }
            group.addTask {
                for await _ in bgpChanges { await self.bgpSessionsChanged() }
            }
            group.addTask { await self.housekeeping() }

            await self.waitForShutdownRequest()
            if Task.isCancelled {
                await self.stopAbruptly(transport)
            } else {
                await self.stopGracefully(transport)
            }
            kick.finish()
            group.cancelAll()
        }
        logger.info("speaker stopped")
    }

    /// Returns when a graceful shutdown is requested or the task is cancelled.
    private func waitForShutdownRequest() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if shutdownRequested || Task.isCancelled {
                    continuation.resume()
                } else {
                    shutdownWaiter = continuation
                }
            }
        } onCancel: {
            Task { await self.wakeShutdownWaiter() }
        }
    }

    private func wakeShutdownWaiter() {
        shutdownWaiter?.resume()
        shutdownWaiter = nil
    }

    // MARK: Stopping

    /// Stop answering, leave, release the sockets, publish "nothing announced", close; each step
    /// bounded.
    ///
    /// Answering stops *before* the leave goes out: peers take the IPs over about a millisecond
    /// after it, so the gap stays far below any client's probe interval, while the other order
    /// would let this node answer after the new owner's gratuitous ARP and leave clients with a
    /// stale MAC until the next repeat.
    private func stopGracefully(_ transport: MembershipTransport) async {
        stopping = true
        let limit = configuration.shutdownStepTimeout
        logger.info("shutting down: no longer answering, leaving the membership so peers take over at once")
        sink.announce([:])
        // BGP sessions close with a Cease while the leave goes out: the routers withdraw this
        // node's paths at once instead of waiting for the hold timer.
        let bgp = self.bgp
        async let bgpStopped = BoundedStep.run(within: limit) { await bgp.stop() }
        if !(await BoundedStep.run(within: limit) { await transport.leave() }) {
            logger.warning("leaving the membership did not finish in time; continuing", metadata: ["limit": "\(limit)"])
        }
        if !(await bgpStopped) {
            logger.warning("closing the BGP sessions did not finish in time", metadata: ["limit": "\(limit)"])
        }
        await stopAnnouncing(within: limit)
        await publisher.stop()
        if let content = finalContent() {
            let publisher = self.publisher
            let wrote = await BoundedStep.run(within: limit) { _ = await publisher.publishFinal(content) }
            if !wrote { logger.warning("the final Lease write did not finish in time", metadata: ["limit": "\(limit)"]) }
        }
        if !(await BoundedStep.run(within: limit) { await transport.close() }) {
            logger.warning("closing the membership socket did not finish in time", metadata: ["limit": "\(limit)"])
        }
    }

    /// Cancellation: close without leaving, stop announcing, write nothing.
    private func stopAbruptly(_ transport: MembershipTransport) async {
        stopping = true
        let limit = configuration.shutdownStepTimeout
        logger.info("cancelled: closing the membership socket without leaving")
        _ = await BoundedStep.run(within: limit) { await transport.close() }
        let bgp = self.bgp
        _ = await BoundedStep.run(within: limit) { await bgp.stop() }
        await stopAnnouncing(within: limit)
        await publisher.stop()
    }

    private func stopAnnouncing(within limit: Duration) async {
        let sink = self.sink
        if !(await BoundedStep.run(within: limit) { await sink.stop() }) {
            logger.warning("stopping the announcers did not finish in time", metadata: ["limit": "\(limit)"])
        }
        owned = [:]
        ipInterfaces = [:]
        metrics.setAnnounced([], node: configuration.nodeName)
    }

    /// The Lease content after leaving: the plan as the remaining members will compute it, so
    /// the published state shows every IP not announced here and who takes it.
    private func finalContent() -> SpeakerLease.Content? {
        guard let memberAddress, let config else { return nil }
        var live = liveMembers
        live.remove(configuration.nodeName)
        let finalPlan = SpeakerCore.layer2Plan(
            config: config, services: Array(speakerServices.values), readyEndpoints: endpoints.readyNodes,
            nodes: Array(speakerNodes.values), liveSpeakers: live, node: configuration.nodeName)
        // The sessions are closed: nothing is advertised from here any more.
        let closed = bgpPlan.map { bgpPlan in
            BGPPlan(
                node: bgpPlan.node, localNodeKnown: bgpPlan.localNodeKnown,
                entries: bgpPlan.entries.map { entry in
                    var entry = entry
                    entry.advertised = false
                    entry.advertisingNodes.removeAll { $0 == configuration.nodeName }
                    entry.reasons = [.speakerNotLive]
                    return entry
                }, routes: [:], peers: bgpPlan.peers)
        }
        return try? StateBuilder.content(
            StateBuilder.Snapshot(
                plan: finalPlan, bgpPlan: closed, sessions: closed == nil ? [] : bgp.reports(),
                memberAddress: MemberAddress.format(memberAddress), liveMembers: live, interfaces: [:]))
    }
}
