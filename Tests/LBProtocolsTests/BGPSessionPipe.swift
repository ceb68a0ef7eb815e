import LBWire
import NIOCore

@testable import LBProtocols

/// Two `BGPSession` values joined by an in-memory TCP connection and a fake clock. Messages are
/// encoded and decoded with the real wire codec, delivered in order, and time jumps from one
/// deadline to the next, so hours of session life run in microseconds.
struct BGPSessionPipe {
    enum Side: Hashable, CustomStringConvertible {
        case a, b
        var other: Side { self == .a ? .b : .a }
        var description: String { self == .a ? "A" : "B" }
    }

    struct Sent {
        var at: Duration
        var from: Side
        var message: BGPMessage
    }

    var a: BGPSession
    var b: BGPSession
    var now: Duration = .zero
    var connected = false
    /// Events waiting to be handed to a side, in order.
    var queue: [(Side, BGPSessionEvent)] = []
    /// Every message a side asked to send (muted ones included).
    var sent: [Sent] = []
    /// Sides whose messages are lost (a peer that silently stops talking).
    var muted: Set<Side> = []
    var established: [Side: BGPNegotiatedSession] = [:]
    var downs: [(Duration, Side, BGPSessionDownReason)] = []

    init(_ a: BGPSessionConfiguration, _ b: BGPSessionConfiguration) {
        self.a = BGPSession(configuration: a)
        self.b = BGPSession(configuration: b)
    }

    func session(_ side: Side) -> BGPSession { side == .a ? a : b }

    mutating func handle(_ side: Side, _ event: BGPSessionEvent) {
        let actions = side == .a ? a.handle(event, now: now) : b.handle(event, now: now)
        apply(actions, from: side)
    }

    mutating func apply(_ actions: [BGPSessionAction], from side: Side) {
        for action in actions {
            switch action {
            case .connect:
                // A second connection while one is up is the collision case, handled by the
                // shell with `BGPCollision`; this pipe carries one connection only.
                if connected { continue }
                let listener = session(side.other).state
                if listener == .connect || listener == .active {
                    connected = true
                    queue.append((side, .tcpConnectionSucceeded))
                    queue.append((side.other, .tcpConnectionConfirmed))
                } else {
                    queue.append((side, .tcpConnectionFails))
                }
            case .disconnect:
                if connected {
                    connected = false
                    queue.append((side.other, .tcpConnectionFails))
                }
            case .send(let message):
                sent.append(Sent(at: now, from: side, message: message))
                guard connected, !muted.contains(side) else { continue }
                queue.append((side.other, Self.wire(message)))
            case .established(let negotiated):
                established[side] = negotiated
            case .sessionDown(let reason):
                established[side] = nil
                downs.append((now, side, reason))
            }
        }
    }

    /// Encodes and decodes the message, as a socket would.
    static func wire(_ message: BGPMessage) -> BGPSessionEvent {
        var decoder = BGPMessageDecoder()
        do {
            var buffer = try message.encoded()
            guard let decoded = try decoder.parseStep(&buffer) else {
                return .decodeError(BGPDecodeError(BGPNotification(code: 1, subcode: 2), reason: "short"))
            }
            return .messageReceived(decoded)
        } catch let error as BGPDecodeError {
            return .decodeError(error)
        } catch {
            return .decodeError(BGPDecodeError(BGPNotification(code: 1, subcode: 2), reason: "\(error)"))
        }
    }

    mutating func deliver() {
        while !queue.isEmpty {
            let (side, event) = queue.removeFirst()
            handle(side, event)
        }
    }

    /// Runs until `end`, firing timers at their deadlines.
    mutating func run(until end: Duration) {
        while true {
            deliver()
            let next = [a.nextDeadline, b.nextDeadline].compactMap { $0 }.min()
            guard let next, next <= end else { break }
            now = max(now, next)
            apply(a.tick(now: now), from: .a)
            apply(b.tick(now: now), from: .b)
        }
        now = max(now, end)
    }

    /// The times `side` sent a message matching `predicate`.
    func times(from side: Side, _ predicate: (BGPMessage) -> Bool) -> [Duration] {
        sent.filter { $0.from == side && predicate($0.message) }.map(\.at)
    }
}
