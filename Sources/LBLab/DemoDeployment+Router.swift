import Foundation

/// The lab's bird2 router: its namespace on the lab bridge, bird started in it, and what birdc
/// reports.
extension DemoDeployment {
    /// Adds the router's namespace, plugged into the lab's bridge like a node (`create` calls it).
    func addRouterNamespace() throws {
        let sw = lab.switchNamespace
        let interface = router.primary
        let namespace = router.namespace
        try LabCommand.must(["ip", "netns", "add", namespace])
        try LabCommand.must(["ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf.all.keep_addr_on_down=1",
                             "net.ipv6.conf.default.keep_addr_on_down=1"])
        try LabCommand.must(["ip", "-n", namespace, "link", "set", "lo", "up"])
        try LabCommand.must(["ip", "-n", sw, "link", "add", interface.switchPort, "type", "veth", "peer", "name",
                             interface.name, "address", interface.mac, "netns", namespace])
        try LabCommand.must(["ip", "netns", "exec", sw, "sysctl", "-qw", "net.ipv6.conf.\(interface.switchPort).disable_ipv6=1"])
        try LabCommand.must(["ip", "-n", sw, "link", "set", interface.switchPort, "master", lab.networks[0].bridge, "up"])
        try LabCommand.must(["ip", "-n", namespace, "addr", "add", "\(interface.ipv4)/24", "dev", interface.name])
        try LabCommand.must(["ip", "-n", namespace, "addr", "add", "\(interface.ipv6)/64", "dev", interface.name, "nodad"])
        try LabCommand.must(["ip", "-n", namespace, "link", "set", interface.name, "up"])
    }

    /// Writes the bird2 config (one session per node) and starts bird in the router namespace,
    /// in the foreground (`-f`) so it is a child the lab can stop; waits for its control socket.
    @discardableResult
    public func startRouter() throws -> BirdConfig {
        let config = try BirdConfig(
            routerID: router.primary.ipv4, localAddress: router.primary.ipv4, localASN: manifests.routerASN,
            neighbors: lab.nodes.map { BirdConfig.Neighbor(name: $0.name, address: $0.primary.ipv4, asn: manifests.nodeASN) },
            passive: settings.birdPassive)
        try config.render().write(toFile: birdConfigPath, atomically: true, encoding: .utf8)
        let pidFile = "\(lab.workDirectory)/bird.pid"
        let process = try lab.spawn(in: router.namespace, executable: "bird",
                                    arguments: ["-f", "-c", birdConfigPath, "-s", birdSocket, "-P", pidFile],
                                    logFile: "\(lab.workDirectory)/bird.log")
        bird = process
        birdConfig = config
        var last = ""
        let ready = try labPoll(timeout: settings.settle) {
            guard process.isRunning else { return true }
            let result = try birdc(["show", "status"])
            last = result.stdout + result.stderr
            return result.succeeded && last.contains("Daemon is up")
        }
        guard ready, process.isRunning else {
            throw LabError.notReady(what: "bird2 in \(router.namespace)", seconds: settings.settle,
                                    detail: "\(last)\nbird log: \(process.log.suffix(2000))")
        }
        return config
    }

    /// Runs birdc against the router's control socket.
    @discardableResult
    public func birdc(_ arguments: [String]) throws -> CommandResult {
        try lab.run(in: router.namespace, "birdc", ["-s", birdSocket] + arguments, timeout: 20)
    }

    /// bird's protocols (`show protocols`).
    public func birdProtocols() throws -> [BirdProtocol] {
        BirdProtocol.parse(try birdc(["show", "protocols"]).check().stdout)
    }

    /// The paths bird holds for `ip` (`show route for IP all`); empty when it has none.
    public func birdRoutes(for ip: String) throws -> (routes: [BirdRoute], output: String) {
        let result = try birdc(["show", "route", "for", ip, "all"])
        let output = result.stdout + result.stderr
        return (BirdRoute.parse(output), output)
    }
}
