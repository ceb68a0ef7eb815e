import LBWire

/// The BGP finite state machine of RFC 4271 section 8 for one peer, as a pure value.
///
/// It does no I/O and reads no clock: the shell feeds it events with the current time
/// (a `Duration` since any fixed origin), carries out the returned actions in order, and calls
/// `tick(now:)` at `nextDeadline`. Timers (RFC 4271 section 8.1.3: ConnectRetryTimer,
/// HoldTimer, KeepaliveTimer, and the IdleHoldTimer of section 8.1.1 used for backoff) are
/// deadlines inside the value.
///
/// One value tracks one TCP connection. When both speakers connect at once the shell runs a
/// second value for the second connection and settles the collision with `BGPCollision`.
public struct BGPSession: Sendable {
    enum State: Sendable, Hashable {
        case idle
        case connect
        case active
        case openSent
        case openConfirm(BGPNegotiatedSession)
        case established(BGPNegotiatedSession, since: Duration)
    }

    public let configuration: BGPSessionConfiguration
    var stateStorage: State = .idle
    /// RFC 4271 section 8.1.1 AllowAutomaticStart: set by a start, cleared by ManualStop.
    var enabled = false
    var connectRetryDeadline: Duration?
    var holdDeadline: Duration?
    var keepaliveDeadline: Duration?
    /// When the backoff ends and the session starts again by itself (IdleHoldTimer).
    var idleHoldDeadline: Duration?
    /// The IdleHoldTime the next error will wait for (doubles up to the maximum).
    public private(set) var nextBackoff: Duration
    /// The last reason the session went down, for `lbctl status` and metrics.
    public private(set) var lastDownReason: BGPSessionDownReason?

    /// A session in Idle; nothing happens until `.manualStart`. `now` is the shell's clock
    /// origin reading, accepted so every entry point takes the time the same way (Idle runs no
    /// timer, so it is not stored).
    public init(configuration: BGPSessionConfiguration, now: Duration = .zero) {
        self.configuration = configuration
        self.nextBackoff = configuration.initialBackoff
    }

    /// The RFC 4271 section 8.2.2 state.
    public var state: BGPSessionState {
        switch stateStorage {
        case .idle: .idle
        case .connect: .connect
        case .active: .active
        case .openSent: .openSent
        case .openConfirm: .openConfirm
        case .established: .established
        }
    }

    /// What was negotiated, once the peer's OPEN was accepted (OpenConfirm and Established).
    public var negotiated: BGPNegotiatedSession? {
        switch stateStorage {
        case .openConfirm(let n), .established(let n, _): n
        default: nil
        }
    }

    /// The earliest running timer: call `tick(now:)` then. nil when nothing is scheduled.
    public var nextDeadline: Duration? {
        [connectRetryDeadline, holdDeadline, keepaliveDeadline, idleHoldDeadline].compactMap { $0 }.min()
    }

    /// Answers one event (RFC 4271 section 8.2.2, state by state).
    public mutating func handle(_ event: BGPSessionEvent, now: Duration) -> [BGPSessionAction] {
        switch event {
        case .manualStart:
            enabled = true
            guard state == .idle else { return [] }
            idleHoldDeadline = nil
            return start(now: now)
        case .automaticStart:
            enabled = true
            guard state == .idle, idleHoldDeadline == nil else { return [] }
            return start(now: now)
        case .manualStop:
            return stop(now: now)
        case .collisionDump:
            guard state.isConnected else { return [] }
            enabled = false
            let cease = BGPNotification(
                code: BGPNotification.Code.cease,
                subcode: BGPNotification.CeaseSubcode.connectionCollisionResolution)
            return [.send(.notification(cease))] + down(.collisionLost, now: now)
        case .tcpConnectionSucceeded, .tcpConnectionConfirmed:
            return connectionUp(now: now)
        case .updateSent:
            if case .established(let negotiated, _) = stateStorage, let interval = negotiated.keepaliveInterval {
                keepaliveDeadline = now + interval
            }
            return []
        case .tcpConnectionFails:
            return connectionFailed(now: now)
        case .messageReceived(let message):
            return received(message, now: now)
        case .decodeError(let error):
            return decodeError(error, now: now)
        }
    }

    /// Fires every timer that is due at `now`, each at most once. The HoldTimer goes first: a
    /// peer that has already timed out gets the NOTIFICATION, not one more KEEPALIVE.
    public mutating func tick(now: Duration) -> [BGPSessionAction] {
        var actions: [BGPSessionAction] = []
        for timer in [Timer.hold, .keepalive, .connectRetry, .idleHold] where isDue(timer, now: now) {
            actions += fire(timer, now: now)
        }
        return actions
    }

    enum Timer { case connectRetry, hold, keepalive, idleHold }

    func isDue(_ timer: Timer, now: Duration) -> Bool {
        let deadline: Duration? =
            switch timer {
            case .connectRetry: connectRetryDeadline
            case .hold: holdDeadline
            case .keepalive: keepaliveDeadline
            case .idleHold: idleHoldDeadline
            }
        return deadline.map { $0 <= now } ?? false
    }

    mutating func fire(_ timer: Timer, now: Duration) -> [BGPSessionAction] {
        switch timer {
        case .idleHold:
            // RFC 4271 section 8.1.1: when the IdleHoldTimer expires, the automatic start
            // proceeds.
            idleHoldDeadline = nil
            guard state == .idle, enabled else { return [] }
            return start(now: now)
        case .connectRetry:
            // RFC 4271 section 8.2.2, Connect and Active: "ConnectRetryTimer_Expires ...
            // restarts the ConnectRetryTimer, initiates a TCP connection".
            connectRetryDeadline = now + configuration.connectRetryTime
            switch state {
            case .connect: return [.disconnect, .connect]
            case .active:
                if configuration.passive { return [] }
                stateStorage = .connect
                return [.connect]
            default:
                connectRetryDeadline = nil
                return []
            }
        case .hold:
            // RFC 4271 section 6.5: "If a system does not receive successive KEEPALIVE, UPDATE,
            // and/or NOTIFICATION messages within the period specified in the Hold Time field
            // of the OPEN message, then the NOTIFICATION message with the Hold Timer Expired
            // Error Code is sent and the BGP connection is closed."
            holdDeadline = nil
            guard state.isConnected else { return [] }
            let expired = BGPNotification(code: BGPNotification.Code.holdTimerExpired, subcode: 0)
            return [.send(.notification(expired))] + down(.holdTimerExpired, now: now)
        case .keepalive:
            // RFC 4271 section 8.2.2, OpenConfirm and Established: "KeepaliveTimer_Expires ...
            // sends a KEEPALIVE message, restarts the KeepaliveTimer".
            guard state == .openConfirm || state == .established, let interval = negotiated?.keepaliveInterval
            else {
                keepaliveDeadline = nil
                return []
            }
            keepaliveDeadline = now + interval
            return [.send(.keepalive)]
        }
    }

    /// RFC 4271 section 8.2.2, Idle: "initializes all BGP resources ... starts the
    /// ConnectRetryTimer ... initiates a TCP connection ... changes its state to Connect";
    /// with PassiveTcpEstablishment it "changes its state to Active" instead.
    mutating func start(now: Duration) -> [BGPSessionAction] {
        connectRetryDeadline = now + configuration.connectRetryTime
        if configuration.passive {
            stateStorage = .active
            return []
        }
        stateStorage = .connect
        return [.connect]
    }

    /// ManualStop (RFC 4271 section 8.2.2): in OpenSent, OpenConfirm and Established "sends
    /// the NOTIFICATION with a Cease", then "drops the TCP connection"; everywhere it disables
    /// automatic restarts.
    mutating func stop(now: Duration) -> [BGPSessionAction] {
        enabled = false
        idleHoldDeadline = nil
        switch state {
        case .idle:
            return []
        case .connect:
            return [.disconnect] + down(.administrativeStop, now: now, alreadyClosed: true)
        case .active:
            return down(.administrativeStop, now: now, alreadyClosed: true)
        case .openSent, .openConfirm, .established:
            let cease = BGPNotification(
                code: BGPNotification.Code.cease, subcode: BGPNotification.CeaseSubcode.administrativeShutdown)
            return [.send(.notification(cease))] + down(.administrativeStop, now: now)
        }
    }

    /// A TCP connection came up (Events 16 and 17). RFC 4271 section 8.2.2, Connect/Active:
    /// "stops the ConnectRetryTimer ... sends an OPEN message to its peer, sets the HoldTimer
    /// to a large value, and changes its state to OpenSent". In any other state the session
    /// already has its connection; a second one is the shell's collision business.
    mutating func connectionUp(now: Duration) -> [BGPSessionAction] {
        guard state == .connect || state == .active else { return [] }
        connectRetryDeadline = nil
        holdDeadline = now + configuration.openHoldTime
        stateStorage = .openSent
        return [.send(.open(configuration.open))]
    }

    /// Event 18. Connect: "restarts the ConnectRetryTimer ... changes its state to Active".
    /// Active: keep listening, retry when the ConnectRetryTimer fires. OpenSent: "closes the
    /// BGP connection, restarts the ConnectRetryTimer ... changes its state to Active".
    /// OpenConfirm and Established: the session is lost; go to Idle.
    mutating func connectionFailed(now: Duration) -> [BGPSessionAction] {
        switch state {
        case .idle:
            return []
        case .connect, .active:
            connectRetryDeadline = now + configuration.connectRetryTime
            stateStorage = .active
            return []
        case .openSent:
            holdDeadline = nil
            connectRetryDeadline = now + configuration.connectRetryTime
            stateStorage = .active
            lastDownReason = .connectionLost
            return [.disconnect]
        case .openConfirm, .established:
            return down(.connectionLost, now: now)
        }
    }

    /// Goes to Idle: stops the timers, drops the connection, and when automatic restarts are
    /// allowed schedules one after the backoff (RFC 4271 section 8.1.1 IdleHoldTimer,
    /// DampPeerOscillations). The backoff starts again from its initial value when the session
    /// had stayed Established for `stableTime`.
    mutating func down(
        _ reason: BGPSessionDownReason, now: Duration, alreadyClosed: Bool = false
    ) -> [BGPSessionAction] {
        if case .established(_, let since) = stateStorage, now - since >= configuration.stableTime {
            nextBackoff = configuration.initialBackoff
        }
        stateStorage = .idle
        connectRetryDeadline = nil
        holdDeadline = nil
        keepaliveDeadline = nil
        lastDownReason = reason
        if enabled {
            let wait = reason.isError ? nextBackoff : configuration.initialBackoff
            idleHoldDeadline = now + wait
            if reason.isError { nextBackoff = min(nextBackoff * 2, configuration.maximumBackoff) }
        } else {
            idleHoldDeadline = nil
        }
        return (alreadyClosed ? [] : [.disconnect]) + [.sessionDown(reason)]
    }
}
