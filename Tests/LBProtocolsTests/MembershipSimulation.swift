import LBTestSupport
import LBCore
import NIOCore

@testable import LBProtocols

extension SplitMix64 {
    /// True with probability `percent`/100.
    mutating func chance(_ percent: Int) -> Bool { percent > 0 && Int.random(in: 0..<100, using: &self) < percent }
}

/// Several `Membership` values joined by an in-memory network with a fake clock. Event-driven:
/// time jumps to the next datagram delivery or the next `nextDeadline` of a node, which is what
/// a real shell sleeping on its timer and socket does. The network can lose, delay (and so
/// reorder), duplicate and block datagrams; it records every datagram so tests can replay them.
struct MembershipSimulation {
    struct Datagram {
        var bytes: ByteBuffer
        var from: String
        var to: String
        var sentAt: Duration
        var deliverAt: Duration
        var id: Int
    }

    static let key = [UInt8](repeating: 0x5C, count: 32)

    var config: MembershipConfig
    var rng: SplitMix64
    var now: Duration = .zero
    var nodes: [String: Membership] = [:]
    var addresses: [String: PeerAddress] = [:]
    var inFlight: [Datagram] = []
    /// Every datagram ever sent, in order.
    var sent: [Datagram] = []
    /// Every datagram delivered to a running node, in order.
    var delivered: [Datagram] = []
    var nextID = 0

    // Network behaviour.
    var lossPercent = 0
    var duplicatePercent = 0
    var baseDelay: Duration = .milliseconds(1)
    var maxExtraDelay: Duration = .zero
    /// Directed links that deliver nothing: (from, to).
    var blocked: Set<[String]> = []
    /// Drops chosen by the test: return true to lose this datagram.
    var dropFilter: ((Datagram) -> Bool)?

    /// Every `.membershipChanged` seen, per node.
    var changes: [String: [(at: Duration, live: Set<String>)]] = [:]
    /// Every receive result, per node.
    var results: [String: [ReceiveResult]] = [:]

    init(names: [String], config: MembershipConfig = MembershipConfig(), seed: UInt64 = 1) {
        self.config = config
        self.rng = SplitMix64(seed: seed)
        for (i, name) in names.enumerated() {
            addresses[name] = PeerAddress(host: IPAddress(ipv4: 0xC000_0200 + UInt32(i + 1)), port: 7946)
        }
    }

    var peerList: [String: PeerAddress] { addresses }

    /// Starts (or restarts, with a new incarnation) the speaker of `name`.
    mutating func start(_ name: String, incarnation: UInt64 = 1) {
        var m = try! Membership(selfName: name, incarnation: incarnation, key: Self.key, config: config)
        let actions = m.setPeers(peerList, now: now)
        nodes[name] = m
        route(actions, from: name)
    }

    /// The speaker stops dead: sends nothing more, receives nothing.
    mutating func crash(_ name: String) { nodes[name] = nil }

    /// Graceful shutdown: `leave`, then the process is gone.
    mutating func leave(_ name: String) {
        guard var m = nodes[name] else { return }
        let actions = m.leave(now: now)
        nodes[name] = m
        route(actions, from: name)
        nodes[name] = nil
    }

    func live(_ name: String) -> Set<String> { nodes[name]?.liveMembers ?? [] }

    /// Runs until `now + duration`.
    mutating func run(for duration: Duration) {
        let end = now + duration
        var guardSteps = 0
        while true {
            guardSteps += 1
            precondition(guardSteps < 1_000_000, "simulation does not progress")
            var next = end
            for d in inFlight { next = min(next, d.deliverAt) }
            for m in nodes.values { if let t = m.nextDeadline { next = min(next, max(t, now)) } }
            now = max(now, next)
            deliverDue()
            for name in nodes.keys.sorted() {
                guard var m = nodes[name], let t = m.nextDeadline, t <= now else { continue }
                let actions = m.tick(now: now)
                nodes[name] = m
                route(actions, from: name)
            }
            if now >= end && !inFlight.contains(where: { $0.deliverAt <= now }) { break }
        }
    }

    /// Delivers `bytes` to `name` now, as an attacker on the wire would.
    mutating func inject(_ bytes: ByteBuffer, to name: String) -> ReceiveResult? {
        guard var m = nodes[name] else { return nil }
        let r = m.receive(bytes, now: now)
        nodes[name] = m
        results[name, default: []].append(r)
        route(r.actions, from: name)
        return r
    }

    mutating func deliverDue() {
        let due = inFlight.filter { $0.deliverAt <= now }.sorted { ($0.deliverAt, $0.id) < ($1.deliverAt, $1.id) }
        inFlight.removeAll { $0.deliverAt <= now }
        for d in due where nodes[d.to] != nil {
            delivered.append(d)
            _ = inject(d.bytes, to: d.to)
        }
    }

    mutating func route(_ actions: [MembershipAction], from: String) {
        for a in actions {
            switch a {
            case .membershipChanged(let live):
                changes[from, default: []].append((now, live))
            case .send(let bytes, let address):
                guard let to = addresses.first(where: { $0.value == address })?.key else { continue }
                nextID += 1
                var extra = Duration.zero
                if maxExtraDelay > .zero {
                    let ms = Int(maxExtraDelay / .milliseconds(1))
                    extra = .milliseconds(Int.random(in: 0...ms, using: &rng))
                }
                let d = Datagram(bytes: bytes, from: from, to: to, sentAt: now, deliverAt: now + baseDelay + extra, id: nextID)
                sent.append(d)
                if blocked.contains([from, to]) || rng.chance(lossPercent) || dropFilter?(d) == true { continue }
                inFlight.append(d)
                if rng.chance(duplicatePercent) {
                    var copy = d
                    nextID += 1
                    copy.id = nextID
                    copy.deliverAt = now + baseDelay + .milliseconds(Int.random(in: 0...20, using: &rng))
                    inFlight.append(copy)
                }
            }
        }
    }

    /// `observer`'s live set at time `t`, from the changes it reported (itself alone before any).
    func live(_ observer: String, at t: Duration) -> Set<String> {
        changes[observer]?.last { $0.at <= t }?.live ?? [observer]
    }

    /// When `observer` last reported a live set containing `node`, and when it first reported one
    /// without it after `since`.
    func removal(of node: String, seenBy observer: String, after since: Duration) -> Duration? {
        changes[observer]?.first { $0.at >= since && !$0.live.contains(node) }?.at
    }
}
