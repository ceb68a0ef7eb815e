import Foundation

/// What Thomas Habets' `arping` (2.x) reported: one reply per answered probe, with the MAC that
/// answered. Its `time=` is not kept: on veth the reply is processed inside the send call, so
/// latency must come from a `PacketCapture` instead.
public struct ARPingResult: Sendable, Equatable {
    public struct Reply: Sendable, Equatable {
        /// The replying MAC, lower-case.
        public var mac: String
        /// The IP the reply claimed.
        public var ip: String
        /// arping's probe index.
        public var index: Int
    }

    public var replies: [Reply]
    /// From the statistics line ("3 packets transmitted, 2 packets received").
    public var transmitted: Int
    public var received: Int
    /// The raw output, for messages.
    public var output: String

    /// The distinct MACs that replied, in first-seen order.
    public var replyingMACs: [String] {
        var seen: [String] = []
        for reply in replies where !seen.contains(reply.mac) { seen.append(reply.mac) }
        return seen
    }

    /// Parses arping's default output:
    ///
    ///     ARPING 172.30.0.11
    ///     42 bytes from 02:1b:00:00:00:01 (172.30.0.11): index=0 time=10.756 usec
    ///     Timeout
    ///     --- 172.30.0.11 statistics ---
    ///     2 packets transmitted, 1 packets received,  50% unanswered (0 extra)
    ///
    /// Throws `LabError.unparsableOutput` without the statistics line (arping did not run to the end).
    public static func parse(_ output: String) throws -> ARPingResult {
        var replies: [Reply] = []
        var stats: (Int, Int)?
        for line in output.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let words = line.split(separator: " ").map(String.init)
            if words.count >= 6, words[1] == "bytes", words[2] == "from", words[4].hasPrefix("("),
               let indexWord = words.first(where: { $0.hasPrefix("index=") }), let index = Int(indexWord.dropFirst(6)) {
                let ip = words[4].trimmingCharacters(in: CharacterSet(charactersIn: "():"))
                replies.append(Reply(mac: words[3].lowercased(), ip: ip, index: index))
            } else if words.count >= 6, words[1] == "packets", words[2] == "transmitted,",
                      let sent = Int(words[0]), let got = Int(words[3]) {
                stats = (sent, got)
            }
        }
        guard let (transmitted, received) = stats else { throw LabError.unparsableOutput(tool: "arping", output: output) }
        return ARPingResult(replies: replies, transmitted: transmitted, received: received, output: output)
    }
}

/// What `ndisc6` reported for one neighbour solicitation run.
public struct NDisc6Result: Sendable, Equatable {
    /// The target's link-layer address (lower-case), or nil when nothing answered.
    public var mac: String?
    /// The raw output, for messages.
    public var output: String

    /// Parses `ndisc6 -1` output: "Target link-layer address: 02:1B:00:00:00:01" on success,
    /// "No response." when every try timed out.
    public static func parse(_ output: String) throws -> NDisc6Result {
        for line in output.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("Target link-layer address:") {
                let mac = text.dropFirst("Target link-layer address:".count).trimmingCharacters(in: .whitespaces)
                return NDisc6Result(mac: mac.lowercased(), output: output)
            }
        }
        guard output.contains("No response") || output.contains("Timed out") else {
            throw LabError.unparsableOutput(tool: "ndisc6", output: output)
        }
        return NDisc6Result(mac: nil, output: output)
    }
}

/// One entry of the kernel's neighbour table (ARP cache / NDP neighbour cache).
public struct NeighbourEntry: Sendable, Equatable {
    public var ip: String
    public var device: String
    /// Lower-case, or nil for entries without one (INCOMPLETE, FAILED).
    public var mac: String?
    /// e.g. ["REACHABLE"], ["STALE"], ["FAILED"], ["PERMANENT"].
    public var states: [String]

    /// Parses `ip -j neigh show ...`:
    /// `[{"dst":"172.30.0.11","dev":"Pce0","lladdr":"02:1b:00:00:00:01","state":["REACHABLE"]}]`.
    public static func parse(json: String) throws -> [NeighbourEntry] {
        let trimmed = json.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return [] }
        guard let array = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [[String: Any]] else {
            throw LabError.unparsableOutput(tool: "ip -j neigh", output: json)
        }
        return array.compactMap { entry in
            guard let ip = entry["dst"] as? String else { return nil }
            return NeighbourEntry(ip: ip, device: (entry["dev"] as? String) ?? "",
                                  mac: (entry["lladdr"] as? String)?.lowercased(),
                                  states: (entry["state"] as? [String]) ?? [])
        }
    }
}
