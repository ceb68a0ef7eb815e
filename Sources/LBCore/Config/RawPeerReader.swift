/// Reads one `peers[]` entry into a `RawConfig.Peer`.
enum RawPeerReader {
    /// MetalLB v0.12's peer keys, then IronLB's `name`.
    static let peerKeys = [
        "peer-address", "peer-asn", "my-asn", "peer-port", "hold-time", "keepalive-time", "router-id",
        "source-address", "password", "ebgp-multihop", "bfd-profile", "node-selectors", "name",
    ]

    /// Linux's TCP_MD5SIG_MAXKEYLEN: a longer key can never be installed on the socket.
    static let maxPasswordBytes = 80

    /// RFC 4271 section 4.2: the hold time travels in a 16-bit field of the OPEN message.
    static let maxHoldTime = 65535

    static func read(_ node: ConfigNode) -> RawConfig.Peer? {
        guard let e = node.mapping(allowed: peerKeys) else { return nil }
        var peer = RawConfig.Peer(path: node.path, line: node.line)
        func unreadable(_ key: String) { peer.unreadable.insert(key) }

        if let n = e.required("peer-address", "the router's IPv4 or IPv6 address"), let text = n.string() {
            do { peer.address = try IPAddress.parse(text) } catch {
                n.report(error.reason)
                unreadable("peer-address")
            }
        }
        let asn = "an AS number 1-4294967295"
        if let n = e.required("peer-asn", asn) {
            if let v = n.integer(1...Int64(UInt32.max), asn) { peer.peerASN = UInt32(v) } else { unreadable("peer-asn") }
        }
        if let n = e.required("my-asn", asn) {
            if let v = n.integer(1...Int64(UInt32.max), asn) { peer.myASN = UInt32(v) } else { unreadable("my-asn") }
        }
        if let n = e["peer-port"] {
            if let v = n.integer(1...65535, "a TCP port 1-65535") { peer.port = UInt16(v) } else { unreadable("peer-port") }
        }
        if let n = e["hold-time"] {
            if let s = seconds(n, zeroMeans: "no hold timer") {
                if s != 0 && s < 3 {
                    n.report("hold-time must be 0 or at least 3s (RFC 4271 section 4.2)")
                    unreadable("hold-time")
                } else if s > maxHoldTime {
                    n.report("hold-time must be at most \(maxHoldTime)s (RFC 4271 section 4.2: a 16-bit field)")
                    unreadable("hold-time")
                } else {
                    peer.holdTime = RawConfigReader.located(s, n)
                }
            } else {
                unreadable("hold-time")
            }
        }
        if let n = e["keepalive-time"] {
            if let s = seconds(n, zeroMeans: "no keepalives") { peer.keepaliveTime = RawConfigReader.located(s, n) } else {
                unreadable("keepalive-time")
            }
        }
        if let n = e["router-id"], let text = n.string() {
            do {
                let id = try IPAddress.parse(text)
                if id.family == .ipv4 {
                    peer.routerID = id
                } else {
                    n.report("router-id must be an IPv4 address (a BGP identifier is 32 bits)")
                }
            } catch {
                n.report("router-id must be an IPv4 address: \(error.reason)")
            }
        }
        if let n = e["source-address"], let text = n.string() {
            do { peer.sourceAddress = try IPAddress.parse(text) } catch {
                n.report(error.reason)
                unreadable("source-address")
            }
        }
        if let n = e["password"], let text = n.string() {
            if text.utf8.count > maxPasswordBytes {
                n.report("a TCP MD5 password may be at most \(maxPasswordBytes) bytes (Linux TCP_MD5SIG_MAXKEYLEN)", value: .some(nil))
            } else {
                peer.password = text
            }
        }
        if let n = e["ebgp-multihop"] {
            if let b = n.bool() { peer.ebgpMultihop = RawConfigReader.located(b, n) }
        }
        if let n = e["bfd-profile"], let name = RawConfigReader.nonEmptyString(n, "a bfd-profiles name") {
            peer.bfdProfile = RawConfigReader.located(name, n)
        }
        if let n = e["node-selectors"] { peer.nodeSelectors = LabelSelectorReader.read(n) }
        if let n = e["name"], let name = RawConfigReader.nonEmptyString(n, "a peer name") {
            peer.name = RawConfigReader.located(name, n)
        }
        return peer
    }

    /// A Go duration in whole seconds, rounded down as MetalLB does. A value that is not zero
    /// but rounds down to zero (`500ms`) is refused: zero means `zeroMeans`, which is surely not
    /// what was meant.
    static func seconds(_ node: ConfigNode, zeroMeans: String) -> Int? {
        guard let text = node.string() else {
            return nil
        }
        let nanos: Int64
        do { nanos = try GoDuration.parseNanoseconds(text) } catch {
            node.report(error.reason)
            return nil
        }
        if nanos < 0 {
            node.report("a duration must not be negative")
            return nil
        }
        let whole = Int(nanos / 1_000_000_000)
        if whole == 0 && nanos != 0 {
            node.report("rounds down to 0s, which means \(zeroMeans); write 0 for that, or whole seconds")
            return nil
        }
        return whole
    }
}
