import LBWire
import NIOCore

extension BGPSession {
    /// Events 19-27: a message arrived (RFC 4271 section 8.2.2, per state).
    mutating func received(_ message: BGPMessage, now: Duration) -> [BGPSessionAction] {
        typealias FSM = BGPNotification.FSMSubcode
        // RFC 4271 section 8.2.2, Idle: "any other event ... is ignored". A message the shell
        // read just before the connection was dropped must not count as a second failure.
        guard state != .idle else { return [] }
        if case .notification(let notification) = message {
            // RFC 4271 section 6.4: on a NOTIFICATION "the BGP connection is closed".
            guard state.isConnected else { return unexpected("NOTIFICATION", now: now) }
            return down(.notificationReceived(notification), now: now)
        }
        switch stateStorage {
        case .idle:
            return []
        case .connect, .active:
            return unexpected("message", now: now)
        case .openSent:
            guard case .open(let open) = message else {
                return fsmError(FSM.unexpectedMessageInOpenSent, "\(message.typeName) in OpenSent", now: now)
            }
            return receivedOpen(open, now: now)
        case .openConfirm(let negotiated):
            // RFC 4271 section 8.2.2, OpenConfirm: "If the local system receives a KEEPALIVE
            // message ... restarts the HoldTimer and changes its state to Established."
            guard case .keepalive = message else {
                return fsmError(FSM.unexpectedMessageInOpenConfirm, "\(message.typeName) in OpenConfirm", now: now)
            }
            restartHold(negotiated, now: now)
            stateStorage = .established(negotiated, since: now)
            return [.established(negotiated)]
        case .established(let negotiated, _):
            // RFC 4271 section 8.2.2, Established: KEEPALIVE and UPDATE restart the HoldTimer.
            // IronLB only advertises, so a received UPDATE (and ROUTE-REFRESH, answered by the
            // shell) only proves the peer is alive.
            guard case .open = message else {
                restartHold(negotiated, now: now)
                return []
            }
            return fsmError(FSM.unexpectedMessageInEstablished, "OPEN in Established", now: now)
        }
    }

    /// Events 21-22, 28: RFC 4271 section 6: "When any of the conditions described here are
    /// detected, a NOTIFICATION message, with the indicated Error Code, Error Subcode, and Data
    /// fields, is sent, and the BGP connection is closed"; RFC 7606 section 2 "treat-as-withdraw"
    /// keeps an Established session (the UPDATE still counts as a sign of life).
    mutating func decodeError(_ error: BGPDecodeError, now: Duration) -> [BGPSessionAction] {
        guard state.isConnected else { return state == .idle ? [] : unexpected("malformed message", now: now) }
        if error.action == .treatAsWithdraw, case .established(let negotiated, _) = stateStorage {
            restartHold(negotiated, now: now)
            return []
        }
        return [.send(.notification(error.notification))]
            + down(.notificationSent(error.notification, reason: error.reason), now: now)
    }

    /// RFC 4271 section 6.2 checks on the peer's OPEN, then section 8.2.2, OpenSent: "resets
    /// the DelayOpenTimer ... sends a KEEPALIVE message, sets a KeepaliveTimer ... sets the
    /// HoldTimer according to the negotiated value ... changes its state to OpenConfirm."
    mutating func receivedOpen(_ open: BGPOpen, now: Duration) -> [BGPSessionAction] {
        if let (notification, reason) = openError(open) {
            return [.send(.notification(notification))]
                + down(.notificationSent(notification, reason: reason), now: now)
        }
        let negotiated = BGPNegotiatedSession(configuration: configuration, peer: open)
        stateStorage = .openConfirm(negotiated)
        restartHold(negotiated, now: now)
        keepaliveDeadline = negotiated.keepaliveInterval.map { now + $0 }
        return [.send(.keepalive)]
    }

    /// The OPEN Message Error NOTIFICATION and reason for an unacceptable OPEN, or nil.
    func openError(_ open: BGPOpen) -> (BGPNotification, String)? {
        typealias S = BGPNotification.OpenSubcode
        func error(_ subcode: UInt8, data: [UInt8] = [], _ reason: String) -> (BGPNotification, String) {
            (BGPNotification(code: BGPNotification.Code.openMessageError, subcode: subcode, data: data), reason)
        }
        // RFC 4271 section 6.2: "If the version number ... is not supported"; the data is the
        // largest version we support, as a 2-octet number.
        if open.version != 4 { return error(S.unsupportedVersionNumber, data: [0, 4], "version \(open.version), expected 4") }
        // RFC 6793 section 4.1 and RFC 4271 section 6.2: the AS is the 4-octet capability's
        // value when present (My AS is then AS_TRANS), else My AS.
        if open.asNumber != configuration.peerAS {
            return error(S.badPeerAS, "peer AS \(open.asNumber), expected \(configuration.peerAS)")
        }
        // RFC 4271 section 6.2: the Hold Time "MUST reject Hold Time values of one or two
        // seconds."
        if open.holdTime == 1 || open.holdTime == 2 {
            return error(S.unacceptableHoldTime, "hold time \(open.holdTime)s, must be 0 or at least 3")
        }
        // RFC 6286 section 2.2: "If the BGP Identifier field of the OPEN message is zero, or if
        // it is the same as the BGP Identifier of the local BGP speaker and the message is from
        // an internal peer, then the Error Subcode is set to 'Bad BGP Identifier'."
        if open.identifier == 0 { return error(S.badBGPIdentifier, "BGP Identifier 0.0.0.0") }
        if open.identifier == configuration.routerID && configuration.peerAS == configuration.localAS {
            return error(S.badBGPIdentifier, "BGP Identifier \(open.identifier) of an internal peer is our own")
        }
        // RFC 5492 section 5: a capability we require and the peer did not advertise ends the
        // session with Unsupported Capability, the data holding the missing capabilities.
        let missing = configuration.requiredCapabilities.filter { !open.capabilities.contains($0) }
        if !missing.isEmpty {
            var data = ByteBuffer()
            for capability in missing { capability.encode(into: &data) }
            return error(S.unsupportedCapability, data: Array(data.readableBytesView),
                         "peer does not advertise required capabilities \(missing)")
        }
        return nil
    }

    /// RFC 4271 section 4.4: a zero hold time runs no HoldTimer.
    mutating func restartHold(_ negotiated: BGPNegotiatedSession, now: Duration) {
        holdDeadline = negotiated.holdTime == 0 ? nil : now + .seconds(Int(negotiated.holdTime))
    }

    /// RFC 6608 section 3 / RFC 4271 section 8.2.2: an unexpected message gets a NOTIFICATION
    /// with the Finite State Machine Error code and the connection is dropped.
    mutating func fsmError(_ subcode: UInt8, _ reason: String, now: Duration) -> [BGPSessionAction] {
        let notification = BGPNotification(code: BGPNotification.Code.finiteStateMachineError, subcode: subcode)
        return [.send(.notification(notification))]
            + down(.notificationSent(notification, reason: reason), now: now)
    }

    /// RFC 4271 section 8.2.2, Connect and Active: "In response to any other event ... drops
    /// the TCP connection ... changes its state to Idle" (no connection, so no NOTIFICATION).
    mutating func unexpected(_ what: String, now: Duration) -> [BGPSessionAction] {
        down(.unexpectedEvent(what), now: now)
    }
}

extension BGPMessage {
    /// The message type's name, for reasons.
    var typeName: String {
        switch self {
        case .open: "OPEN"
        case .update: "UPDATE"
        case .notification: "NOTIFICATION"
        case .keepalive: "KEEPALIVE"
        case .routeRefresh: "ROUTE-REFRESH"
        }
    }
}
