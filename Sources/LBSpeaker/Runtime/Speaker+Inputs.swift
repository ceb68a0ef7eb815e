import KubeAPI
import LBCore
import LBProtocols
import Logging

/// Applying informer events and membership changes to the speaker's inputs. Each handler
/// updates the input and marks the plan dirty only when something the plan reads changed.
extension Speaker {
    func apply(service event: InformerEvent<KubeAPI.Service>) {
        switch event {
        case .added(let svc), .updated(_, let svc):
            let reading = SpeakerService(svc, loadBalancerClass: configuration.loadBalancerClass)
            let relevant = reading.isOurs && (!reading.ingressIPs.isEmpty || reading.hasUnparsableIngress)
            if reading.isOurs && reading.hasUnparsableIngress && warnedUnparsable[reading.key] != reading.unparsableIngress {
                warnedUnparsable[reading.key] = reading.unparsableIngress
                logger.warning(
                    "Service status holds ingress entries that are not IP addresses; they are not announced",
                    metadata: ["service": "\(reading.key)", "ingress": "\(reading.unparsableIngress)"])
            } else if !reading.hasUnparsableIngress {
                warnedUnparsable[reading.key] = nil
            }
            let new = relevant ? reading : nil
            if speakerServices[reading.key] != new {
                speakerServices[reading.key] = new
                markDirty()
            }
        case .deleted(let svc):
            let key = ServiceKey(namespace: svc.metadata.namespace ?? "default", name: svc.metadata.name)
            warnedUnparsable[key] = nil
            if speakerServices.removeValue(forKey: key) != nil { markDirty() }
        case .synced:
            informerSynced("services")
        }
    }

    func apply(slice event: InformerEvent<EndpointSlice>) {
        let changed: Set<ServiceKey>
        switch event {
        case .added(let slice), .updated(_, let slice): changed = endpoints.update(slice)
        case .deleted(let slice): changed = endpoints.remove(slice)
        case .synced:
            informerSynced("endpointslices")
            return
        }
        // Readiness matters only for Services of ours with `externalTrafficPolicy: Local`.
        if changed.contains(where: { speakerServices[$0]?.externalTrafficPolicy == .local }) { markDirty() }
    }

    func apply(node event: InformerEvent<Node>) {
        switch event {
        case .added(let node), .updated(_, let node):
            let reading = SpeakerNode(node)
            if speakerNodes[reading.name] != reading {
                speakerNodes[reading.name] = reading
                markDirty()
            }
            if reading.name == configuration.nodeName {
                resolveMemberAddress(from: node)
                let addresses = node.status.addresses.filter { $0.type == "InternalIP" }.compactMap { IPAddress($0.address) }
                if addresses != nodeAddresses {
                    nodeAddresses = addresses
                    markDirty()
                }
            }
        case .deleted(let node):
            if speakerNodes.removeValue(forKey: node.metadata.name) != nil { markDirty() }
            if node.metadata.name == configuration.nodeName {
                logger.warning("this node's Node object was deleted: announcing nothing until it is back")
            }
        case .synced:
            informerSynced("nodes")
            if memberAddress == nil {
                resolveMemberAddress(from: nil)
            }
        }
    }

    func apply(configMap event: InformerEvent<ConfigMap>) {
        switch event {
        case .added(let cm), .updated(_, let cm): considerConfig(cm.data["config"], from: cm)
        case .deleted(let cm): considerConfig(nil, from: cm)
        case .synced:
            // No ConfigMap at all: say so once the list proves it.
            if configText == nil { considerConfig(nil, from: nil) }
            informerSynced("configmap")
        }
    }

    func apply(lease event: InformerEvent<Lease>) {
        switch event {
        case .added(let lease), .updated(_, let lease):
            let reading = SpeakerLease.peer(from: lease, selfName: configuration.nodeName)
            let name = lease.metadata.name
            if case .unusable(let why) = reading, peerLeases[name] != reading {
                logger.warning(
                    "ignoring a speaker Lease that names no usable peer",
                    metadata: ["lease": "\(lease.metadata.namespace ?? configuration.namespace)/\(name)", "reason": "\(why)"])
            }
            peerLeases[name] = reading
        case .deleted(let lease):
            peerLeases[lease.metadata.name] = nil
        case .synced:
            informerSynced("leases")
            return
        }
        updatePeers()
    }

    /// Derives the peer list from the speaker Leases and hands it to the transport if it
    /// changed. Two Leases claiming one node name: the first by Lease name wins (logged).
    private func updatePeers() {
        var fresh: [String: PeerAddress] = [:]
        for (lease, reading) in peerLeases.sorted(by: { $0.key < $1.key }) {
            guard case .peer(let name, let address) = reading else { continue }
            if let existing = fresh[name], existing != address {
                logger.warning(
                    "two speaker Leases name the same node; using the first",
                    metadata: ["peer": "\(name)", "lease": "\(lease)"])
                continue
            }
            fresh[name] = address
        }
        guard fresh != peers else { return }
        let added = Set(fresh.keys).subtracting(peers.keys)
        let removed = Set(peers.keys).subtracting(fresh.keys)
        peers = fresh
        logger.info(
            "membership peers changed",
            metadata: [
                "peers": "\(fresh.count)", "added": "\(added.sorted())", "removed": "\(removed.sorted())",
            ])
        transport?.setPeers(fresh)
    }

    /// The membership reports a new live set: recompute and announce at once (the failover path).
    func membersChanged(_ live: Set<String>) {
        guard live != liveMembers else { return }
        let joined = live.subtracting(liveMembers)
        let left = liveMembers.subtracting(live)
        liveMembers = live
        metrics.setMembers(live.count)
        logger.info(
            "live members changed",
            metadata: ["members": "\(live.sorted())", "joined": "\(joined.sorted())", "gone": "\(left.sorted())"])
        dirty = true
        reconcileIfDirty()
    }

    /// Parses the ConfigMap's `config` text; an invalid or missing one keeps the last good
    /// config in force and sets `config_stale`.
    private func considerConfig(_ text: String?, from cm: ConfigMap?) {
        if let configText, configText == text { return }
        configText = .some(text)
        let source = "\(configuration.namespace)/\(configuration.configMapName)"
        guard let text else {
            configStale = true
            metrics.setConfigStale(true)
            let message: Logger.Message =
                config == nil
                ? "the ConfigMap or its \"config\" key is missing: nothing is announced until a valid config is loaded"
                : "the ConfigMap or its \"config\" key is missing: the last valid config stays in force"
            logger.warning(message, metadata: ["configmap": "\(source)"])
            return
        }
        do {
            let parsed = try ConfigParser.parse(text)
            configStale = false
            metrics.setConfigStale(false)
            if parsed != config {
                config = parsed
                logger.info(
                    "config loaded",
                    metadata: [
                        "configmap": "\(source)", "pools": "\(parsed.pools.count)",
                        "layer2-pools": "\(parsed.pools.filter { $0.protocol == .layer2 }.count)",
                    ])
                markDirty()
            }
        } catch {
            configStale = true
            metrics.setConfigStale(true)
            let message: Logger.Message =
                config == nil
                ? "config refused; nothing is announced until a valid config is loaded"
                : "config refused; the last valid config stays in force"
            logger.warning(message, metadata: ["configmap": "\(source)", "errors": "\(error.errors.map(\.description))"])
        }
    }

    private func informerSynced(_ name: String) {
        guard syncedInformers.insert(name).inserted else { return }
        if syncedInformers.count == Self.informerCount {
            logger.info("caches synced: computing the layer 2 plan")
            dirty = true
            reconcileIfDirty()
        }
    }

    /// Marks the plan out of date and wakes the reconciler (which runs as soon as this actor
    /// is free: events arriving meanwhile are applied by the same recomputation).
    func markDirty() {
        dirty = true
        kick?.yield()
    }

    /// Sets the membership address peers use: the configured one, else the bind address when it
    /// is specific, else the Node's first InternalIP the socket can reach.
    func resolveMemberAddress(from node: Node?) {
        guard let transport else { return }
        guard let port = UInt16(exactly: transport.port) else { return }
        let bind = configuration.bindAddress
        var host = configuration.memberAdvertiseAddress
        if host == nil, let bind, bind.value != 0 { host = bind }
        if host == nil, let node {
            let internalIPs = node.status.addresses.filter { $0.type == "InternalIP" }.compactMap { IPAddress($0.address) }
            // An IPv4 socket reaches only IPv4 peers; a dual-stack `::` socket reaches both.
            host = internalIPs.first { bind?.family == .ipv6 || $0.family == .ipv4 }
        }
        guard let host else {
            if !warnedNoAddress && syncedInformers.contains("nodes") {
                warnedNoAddress = true
                logger.warning(
                    "cannot tell peers where to reach this speaker: the Node has no usable InternalIP; set --member-address",
                    metadata: ["member.bind": "\(configuration.memberBindHost)"])
            }
            return
        }
        let address = PeerAddress(host: host, port: port)
        guard address != memberAddress else { return }
        memberAddress = address
        warnedNoAddress = false
        logger.info("membership address", metadata: ["member.address": "\(MemberAddress.format(address))"])
        publishState()
    }
}
