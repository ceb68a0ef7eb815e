import Foundation

/// Real peers written by others, run inside lab namespaces, with their output parsed into typed
/// results: Thomas Habets' `arping`, `ndisc6`, the kernel's neighbour table, and `tcpdump`.
extension Lab {
    /// Sends `count` ARP requests for `target` from `host` (default: the client) on its interface on
    /// `network`, `interval` seconds apart (sub-second works: arping's `-W`), and returns the replies.
    /// No reply is a result, not an error; a failure to run arping throws.
    public func arping(
        _ target: String, from host: LabHost? = nil, network: Int = 0, count: Int = 3, interval: Double = 0.1
    ) throws -> ARPingResult {
        let host = host ?? client
        let interface = host.interface(network)
        // Waits `interval` after the last probe for a late reply, then gives up.
        let result = try run(in: host.namespace, "arping",
                             ["-c", "\(count)", "-W", "\(interval)", "-i", interface.name, target],
                             timeout: Double(count) * interval + 10)
        // 0: replies; 1: none. Anything else is arping failing (bad interface, no permission).
        guard result.status == 0 || result.status == 1 else { throw result.failure }
        return try ARPingResult.parse(result.stdout)
    }

    /// Resolves `target` (an IPv6 address) from `host` (default: the client) with `ndisc6`, trying
    /// up to `tries` times, `wait` seconds each; the result's `mac` is nil when nobody answered.
    public func ndisc6(
        _ target: String, from host: LabHost? = nil, network: Int = 0, tries: Int = 3, wait: Double = 0.3
    ) throws -> NDisc6Result {
        let host = host ?? client
        let interface = host.interface(network)
        let result = try run(in: host.namespace, "ndisc6",
                             ["-1", "-n", "-r", "\(tries)", "-w", "\(Int(wait * 1000))", target, interface.name],
                             timeout: Double(tries) * wait + 10)
        // 0: answered; 2: no response. Anything else (1: bad arguments / interface) is a failure.
        guard result.status == 0 || result.status == 2 else { throw result.failure }
        return try NDisc6Result.parse(result.stdout + result.stderr)
    }

    /// The kernel's neighbour-table entry for `ip` in `host`'s namespace (default: the client), or
    /// nil when it has none. Note that arping and ndisc6 do not fill this table (they use their own
    /// sockets); `touch(_:from:)` makes the kernel resolve an address.
    public func neighbour(_ ip: String, in host: LabHost? = nil) throws -> NeighbourEntry? {
        let host = host ?? client
        let result = try LabCommand.must(["ip", "-n", host.namespace, "-j", "neigh", "show", "to", ip], timeout: 10)
        return try NeighbourEntry.parse(json: result.stdout).first { $0.ip == ip }
    }

    /// Every entry of the kernel's neighbour table in `host`'s namespace.
    public func neighbours(in host: LabHost? = nil) throws -> [NeighbourEntry] {
        let host = host ?? client
        let result = try LabCommand.must(["ip", "-n", host.namespace, "-j", "neigh", "show"], timeout: 10)
        return try NeighbourEntry.parse(json: result.stdout)
    }

    /// Empties the kernel's neighbour table in `host`'s namespace, so the next packet resolves afresh.
    public func flushNeighbours(in host: LabHost? = nil) throws {
        let host = host ?? client
        for family in ["-4", "-6"] {
            try LabCommand.must(["ip", family, "-n", host.namespace, "neigh", "flush", "all"], timeout: 10)
        }
    }

    /// Opens a TCP connection from `host` (default: the client) to `ip`:`port` with bash's
    /// /dev/tcp, which makes the kernel resolve `ip` (ARP/NDP) like any real client would. Returns
    /// true when the connection was accepted, false when refused or timed out (`timeout` seconds).
    /// Needs bash and coreutils' `timeout` (neither ping nor nc is assumed).
    @discardableResult
    public func touch(_ ip: String, port: Int = 9, from host: LabHost? = nil, timeout: Double = 2) throws -> Bool {
        let host = host ?? client
        let result = try run(in: host.namespace, "timeout", ["\(timeout)", "bash", "-c", "exec 3<>/dev/tcp/\(ip)/\(port)"],
                             timeout: timeout + 10)
        return result.status == 0
    }

    /// Starts `tcpdump` on `interface` in `namespace` (default: the client's interface on network 0)
    /// and waits until it is capturing. `filter` is a pcap filter; the default keeps ARP and ICMPv6.
    /// Capture on a bridge (in `switchNamespace`) to see every node's frames: tcpdump puts it in
    /// promiscuous mode, so frames between other ports reach it too.
    public func startCapture(
        in namespace: String? = nil, interface: String? = nil, filter: String = "arp or icmp6", name: String = "capture"
    ) throws -> PacketCapture {
        let namespace = namespace ?? client.namespace
        let interface = interface ?? client.primary.name
        let path = "\(workDirectory)/\(name)-\(namespace)-\(interface)-\(UUID().uuidString.prefix(6)).pcap"
        return try PacketCapture(lab: self, namespace: namespace, interface: interface, filter: filter, path: path)
    }
}
