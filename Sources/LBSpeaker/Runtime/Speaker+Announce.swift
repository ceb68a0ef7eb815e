import KubeAPI
import LBCore
import LBNet
import Logging

/// Recomputing the plan and carrying it out: interfaces per IP, the sink, metrics, the
/// published state; and the once-a-second housekeeping (interfaces, counters, foreign answers).
extension Speaker {
    /// Recomputes the plan if an input changed and applies it. Synchronous on purpose: nothing
    /// else runs on this actor between the decision and `announce`.
    func reconcileIfDirty() {
        guard dirty, !stopping, syncedInformers.count == Self.informerCount else { return }
        dirty = false
        let node = configuration.nodeName
        let config = config ?? Config()
        let shared = SpeakerCore.sharedIPs(speakerServices.values)
        let nodes = Array(speakerNodes.values)
        // The previous plans are let go before the new ones are built, so two of each never
        // coexist (with 10,000 IPs each is megabytes); what is compared across is kept apart.
        let previousAnnounced = plan?.announced ?? []
        let previousRoutes = (count: bgpPlan?.routes.count ?? 0, peers: bgpPlan?.selectedPeers ?? [])
        plan = nil
        bgpPlan = nil
        // BGP first: its routes go out before layer 2's interface selection, metrics and state
        // (with 10,000 IPs those take longer than the UPDATE stream itself).
        let newBGP = SpeakerCore.bgpPlan(
            config: config, shared: shared, readyEndpoints: endpoints.readyNodes, nodes: nodes,
            liveSpeakers: liveMembers, node: node)
        applyBGP(newBGP, previous: previousRoutes)
        let newPlan = SpeakerCore.layer2Plan(
            config: config, shared: shared, readyEndpoints: endpoints.readyNodes,
            nodes: nodes, liveSpeakers: liveMembers, node: node)

        var newOwned: [String: Set<IPAddress>] = [:]
        var newInterfaces: [IPAddress: [String]] = [:]
        for entry in newPlan.announcedEntries {
            let selection = AnnounceInterfaces.select(
                for: entry.ip, among: interfaceList, poolInterfaces: entry.interfaces.isEmpty ? nil : entry.interfaces)
            newInterfaces[entry.ip] = selection.chosen
            for interface in selection.chosen { newOwned[interface, default: []].insert(entry.ip) }
            if selection.chosen.isEmpty {
                if warnedWithoutInterface.insert(entry.ip).inserted {
                    logger.warning(
                        "this node owns an IP but has no interface to announce it on",
                        metadata: [
                            "ip": "\(entry.ip)", "pool": "\(entry.pool)", "interfaces": "\(selection)",
                            "services": "\(entry.services.map(\.description))",
                        ])
                }
            } else {
                warnedWithoutInterface.remove(entry.ip)
            }
        }
        warnedWithoutInterface.formIntersection(newPlan.announced)

        plan = newPlan
        if newOwned != owned {
            sink.announce(newOwned)
            owned = newOwned
        }
        ipInterfaces = newInterfaces
        logChanges(from: previousAnnounced, to: newPlan)
        var series: [SpeakerMetrics.AnnouncedKey] = []
        series.reserveCapacity(newPlan.announced.count + newBGP.routes.count)
        for entry in newPlan.entries where entry.announced {
            for service in entry.services { series.append(.init(ip: entry.ip, service: service, protocol: .layer2)) }
        }
        for entry in newBGP.entries where entry.advertised {
            for service in entry.services { series.append(.init(ip: entry.ip, service: service, protocol: .bgp)) }
        }
        metrics.setAnnounced(series, node: node)
        metrics.retainLayer2Series(for: Set(newPlan.entries.map(\.ip)))
        publishState()
    }

    /// Hands the current state to the Lease publisher (written when its bytes changed). The
    /// document is built and encoded off this actor (`StateBuilder`), so publishing never
    /// delays the next recomputation.
    func publishState() {
        guard let memberAddress, let plan, !stopping else { return }
        stateBuilder.submit(
            StateBuilder.Snapshot(
                plan: plan, bgpPlan: bgpPlan, sessions: bgpPlan == nil ? [] : bgp.reports(),
                memberAddress: MemberAddress.format(memberAddress), liveMembers: liveMembers, interfaces: ipInterfaces))
    }

    /// Hands the BGP plan's sessions and routes to the advertiser when they changed (it diffs
    /// again per peer, so an unchanged peer's session is never touched).
    ///
    /// - Parameter previous: the replaced plan's route count and selected peers (for the log).
    func applyBGP(_ newPlan: BGPPlan, previous: (count: Int, peers: [BGPPeer])) {
        bgpPlan = newPlan
        let sessions = BGPSessionSpec.sessions(for: newPlan, nodeAddresses: nodeAddresses)
        if let applied = appliedBGP, applied.0 == sessions, applied.1 == newPlan.routes { return }
        appliedBGP = (sessions, newPlan.routes)
        bgp.apply(sessions: sessions, routes: newPlan.routes)
        let before = previous.count
        if before != newPlan.routes.count || previous.peers != newPlan.selectedPeers {
            logger.info(
                "BGP routes or peers changed",
                metadata: [
                    "routes": "\(newPlan.routes.count)", "routes.before": "\(before)",
                    "peers": "\(newPlan.selectedPeers.map(\.name))",
                ])
        }
    }

    /// A BGP session changed state or sent its table: metrics and the published state.
    func bgpSessionsChanged() {
        guard !stopping else { return }
        metrics.record(bgp.reports())
        publishState()
    }

    /// One info line per IP taken or given up (a summary past 20, the details at debug).
    private func logChanges(from before: Set<IPAddress>, to new: Layer2Plan) {
        let taken = new.announced.subtracting(before).sorted()
        let released = before.subtracting(new.announced).sorted()
        guard !taken.isEmpty || !released.isEmpty else { return }
        let detailed = taken.count + released.count <= 20
        for ip in taken {
            let metadata: Logger.Metadata = [
                "ip": "\(ip)", "interfaces": "\(ipInterfaces[ip] ?? [])",
                "services": "\(new.services(for: ip).map(\.description))",
            ]
            if detailed { logger.info("announcing", metadata: metadata) } else { logger.debug("announcing", metadata: metadata) }
        }
        for ip in released {
            let entry = new.entry(for: ip)
            let metadata: Logger.Metadata = [
                "ip": "\(ip)", "owner": "\(entry?.owner ?? "<none>")",
                "reasons": "\(entry?.reasons.map(\.code) ?? [new.skipped(for: ip)?.reason.code ?? "notInLayer2Plan"])",
            ]
            if detailed {
                logger.info("stopped announcing", metadata: metadata)
            } else {
                logger.debug("stopped announcing", metadata: metadata)
            }
        }
        if !detailed {
            logger.info(
                "announcements changed",
                metadata: ["taken": "\(taken.count)", "released": "\(released.count)", "announced": "\(new.announced.count)"])
        }
    }

    // MARK: Housekeeping

    /// Every `housekeepingInterval`: re-read the interfaces, collect announcer counters and
    /// foreign answers, and copy the membership counters into the metrics.
    func housekeeping() async {
        while !Task.isCancelled && !stopping {
            try? await Task.sleep(for: configuration.housekeepingInterval)
            guard !Task.isCancelled, !stopping else { return }
            refreshInterfaces()
            if let transport { metrics.record(transport.counters) }
            await reportActivity()
        }
    }

    /// Reads the interfaces; a change (link up/down, address added, interface created or
    /// removed) recomputes at once. A read error keeps the last list (logged once).
    func refreshInterfaces() {
        let list: [InterfaceInfo]
        do {
            list = try readInterfaces()
        } catch {
            let text = "\(error)"
            if interfaceReadError != text {
                interfaceReadError = text
                logger.error("cannot list the network interfaces; keeping the last list", metadata: ["error": "\(text)"])
            }
            return
        }
        interfaceReadError = nil
        guard list != interfaceList else { return }
        let old = Dictionary(interfaceList.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let new = Dictionary(list.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let appeared = new.keys.filter { old[$0] == nil }.sorted()
        let vanished = old.keys.filter { new[$0] == nil }.sorted()
        let changed = new.keys.filter { old[$0] != nil && old[$0] != new[$0] }.sorted()
        interfaceList = list
        if !old.isEmpty {
            logger.info(
                "network interfaces changed",
                metadata: ["appeared": "\(appeared)", "vanished": "\(vanished)", "changed": "\(changed)"])
        }
        dirty = true
        reconcileIfDirty()
    }

    /// Counter increments into the metrics; each foreign claim logged and recorded as a
    /// Warning Event on every Service using the IP (repeats are counted on one Event).
    private func reportActivity() async {
        let activity = sink.drainActivity()
        metrics.record(activity)
        for claim in activity.foreignClaims.sorted(by: { ($0.ip, $0.mac) < ($1.ip, $1.mac) }) {
            let keys = plan?.services(for: claim.ip) ?? []
            logger.warning(
                "another host answers for an IP this node announces; not fighting over it",
                metadata: [
                    "ip": "\(claim.ip)", "foreign-mac": "\(claim.mac)", "interface": "\(claim.interface)",
                    "services": "\(keys.map(\.description))",
                ])
            let message =
                "\(claim.mac) answers ARP/NDP for \(claim.ip), which node \(configuration.nodeName) announces on "
                + "\(claim.interface): another device uses this address. Remove it there; IronLB does not fight over it."
            for key in keys {
                // The Service informer keeps no objects; the Event needs only the identity.
                guard let reading = speakerServices[key] else { continue }
                let svc = KubeAPI.Service(
                    metadata: ObjectMeta(name: key.name, namespace: key.namespace, uid: reading.uid.isEmpty ? nil : reading.uid))
                await recorder.record(for: svc, type: .warning, reason: Self.foreignAnswerEventReason, message: message)
            }
        }
    }
}
