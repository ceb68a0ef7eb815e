import LBCore
import LBNet
import LBProtocols
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The production `BGPAdvertiser`: one `BGPPeerSession` (a real TCP session on SwiftNIO) per
/// configured peer that selects this node, all carrying the same routes.
///
/// Peers are keyed by name: `apply` starts new ones, stops (Cease) removed ones and restarts one
/// whose settings changed, and never touches the others, so editing one peer in the ConfigMap
/// does not flap the rest. Sessions run on their own event-loop thread, so keepalives are not
/// delayed behind API watch traffic.
public final class NIOBGPAdvertiser: BGPAdvertiser {
    private struct Running {
        var spec: BGPSessionSpec
        /// nil when the session cannot start (`error` says why).
        var session: BGPPeerSession?
        var error: String?
        var watcher: Task<Void, Never>?
        /// UPDATEs sent by this peer's earlier sessions (a restart starts a new session object;
        /// the metric is a counter over the speaker's life).
        var updatesBefore: Int
    }

    private struct State {
        var running: [String: Running] = [:]
        var routes: [IPPrefix: BGPRouteAttributes] = [:]
        var stopped = false
        var continuation: AsyncStream<Void>.Continuation?
        var stream: AsyncStream<Void>?
    }

    private let state: Mutex<State>
    private let logger: Logger
    /// The sessions' event loop thread, started with the first session: a layer-2-only
    /// speaker never pays for it.
    private let group = Mutex<MultiThreadedEventLoopGroup?>(nil)

    public init(logger: Logger) {
        self.logger = logger
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.state = Mutex(State(continuation: continuation, stream: stream))
    }

    deinit {
        group.withLock { $0?.shutdownGracefully { _ in } }
    }

    private var eventLoop: any EventLoop {
        group.withLock { group in
            if let group { return group.next() }
            let created = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            group = created
            return created.next()
        }
    }

    public func changes() -> AsyncStream<Void> {
        state.withLock { state in
            let stream = state.stream ?? AsyncStream { $0.finish() }
            state.stream = nil
            return stream
        }
    }

    public func apply(sessions: [BGPSessionSpec], routes: [IPPrefix: BGPPlan.RouteAttributes]) {
        var toStop: [BGPPeerSession] = []
        var toStart: [(String, BGPSessionSpec)] = []
        var toUpdate: [BGPPeerSession] = []
        let proceed: Bool = state.withLock { state in
            guard !state.stopped else { return false }
            state.routes = routes  // the plan's own table, shared, not copied
            let wanted = Dictionary(sessions.map { ($0.peer.name, $0) }, uniquingKeysWith: { first, _ in first })
            for (name, running) in state.running where wanted[name] != running.spec {
                if let session = running.session { toStop.append(session) }
                running.watcher?.cancel()
                if wanted[name] == nil { state.running[name] = nil }
            }
            for (name, spec) in wanted {
                if let running = state.running[name], running.spec == spec {
                    if let session = running.session { toUpdate.append(session) }
                } else {
                    toStart.append((name, spec))
                }
            }
            return true
        }
        guard proceed else { return }
        for session in toUpdate { session.setRoutes(routes) }
        for session in toStop {
            logger.info("closing BGP session", metadata: ["peer": "\(session.endpoint.name)"])
            Task { await session.stop() }
        }
        for (name, spec) in toStart { start(name: name, spec: spec, routes: routes) }
        signal()
    }

    private func start(name: String, spec: BGPSessionSpec, routes: [IPPrefix: BGPRouteAttributes]) {
        let previous = state.withLock { $0.running[name] }
        let before = (previous?.updatesBefore ?? 0) + (previous?.session?.status.updatesSent ?? 0)
        let peer = spec.peer
        guard let routerID = spec.routerID, routerID.family == .ipv4, let identifier = UInt32(exactly: routerID.value)
        else {
            let error =
                spec.routerID == nil
                ? "no BGP router ID: the node has no IPv4 InternalIP; set router-id on the peer"
                : "router-id \(spec.routerID!) is not an IPv4 address"
            logger.error("cannot start BGP session", metadata: ["peer": "\(name)", "error": "\(error)"])
            state.withLock {
                $0.running[name] = Running(spec: spec, session: nil, error: error, watcher: nil, updatesBefore: before)
            }
            return
        }
        let configuration = BGPSessionConfiguration(
            localAS: peer.myASN, peerAS: peer.peerASN, routerID: identifier,
            holdTime: UInt16(clamping: peer.holdTime),
            keepaliveTime: peer.holdTime == 0 ? nil : UInt16(clamping: peer.keepaliveTime))
        let endpoint = BGPPeerEndpoint(
            name: name, address: peer.peerAddress, port: peer.peerPort, sourceAddress: peer.sourceAddress,
            password: peer.password, ttl: peer.isIBGP ? nil : (peer.ebgpMultihop ? 255 : 1))
        var sessionLogger = logger
        sessionLogger[metadataKey: "peer"] = "\(name)"
        let session = BGPPeerSession.start(
            endpoint: endpoint, configuration: configuration, nextHopV4: spec.nextHopV4, nextHopV6: spec.nextHopV6,
            eventLoop: eventLoop, logger: sessionLogger)
        let changes = session.statusChanges()
        let watcher = Task { [weak self] in
            for await _ in changes { self?.signal() }
        }
        state.withLock {
            $0.running[name] = Running(spec: spec, session: session, error: nil, watcher: watcher, updatesBefore: before)
        }
        logger.info(
            "starting BGP session",
            metadata: [
                "peer": "\(name)", "peer.address": "\(BGPSessionReport.label(for: peer))", "peer.asn": "\(peer.peerASN)",
                "local.asn": "\(peer.myASN)", "router-id": "\(routerID)",
            ])
        session.setRoutes(routes)
    }

    private func signal() {
        _ = state.withLock { $0.continuation?.yield() }
    }

    public func reports() -> [BGPSessionReport] {
        let running = state.withLock { $0.running }
        return running.values.map { entry in
            let peer = entry.spec.peer
            let label = BGPSessionReport.label(for: peer)
            guard let session = entry.session else {
                return BGPSessionReport(
                    name: peer.name, label: label, address: peer.peerAddress, asn: peer.peerASN, state: "Idle",
                    establishedSince: nil, prefixesAdvertised: 0, pendingPrefixes: 0, updatesSent: entry.updatesBefore,
                    lastError: entry.error)
            }
            let status = session.status
            return BGPSessionReport(
                name: peer.name, label: label, address: peer.peerAddress, asn: peer.peerASN,
                state: status.state.rfcName, establishedSince: status.establishedSince?.timeIntervalSince1970,
                prefixesAdvertised: status.prefixesAdvertised, pendingPrefixes: status.pendingPrefixes,
                updatesSent: entry.updatesBefore + status.updatesSent, lastError: status.lastError)
        }.sorted { $0.name < $1.name }
    }

    public func stop() async {
        let sessions: [BGPPeerSession] = state.withLock { state in
            guard !state.stopped else { return [] }
            state.stopped = true
            let sessions = state.running.values.compactMap(\.session)
            for entry in state.running.values { entry.watcher?.cancel() }
            state.continuation?.finish()
            return sessions
        }
        await withTaskGroup(of: Void.self) { group in
            for session in sessions { group.addTask { await session.stop() } }
        }
    }
}

extension BGPSessionState {
    /// The state as RFC 4271 writes it (`OpenSent`), the form `lbctl` and the Lease show.
    var rfcName: String {
        switch self {
        case .idle: "Idle"
        case .connect: "Connect"
        case .active: "Active"
        case .openSent: "OpenSent"
        case .openConfirm: "OpenConfirm"
        case .established: "Established"
        }
    }
}
