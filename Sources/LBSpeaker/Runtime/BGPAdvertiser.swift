import Foundation
import KubeAPI
import LBCore

/// One BGP session the speaker should run: a configured peer and what this node fills in.
public struct BGPSessionSpec: Sendable, Hashable {
    /// The peer as configured (address, ASNs, port, timers, password, multihop, source address).
    public var peer: BGPPeer
    /// The BGP identifier: the peer's `router-id` if set, else the node's IPv4 address; nil
    /// when neither exists (the session cannot start, and says why).
    public var routerID: IPAddress?
    /// The NEXT_HOP for IPv4 prefixes; nil lets the session use its connection's local address.
    public var nextHopV4: IPAddress?
    /// The MP_REACH next hop for IPv6 prefixes; nil lets the session use its connection's local
    /// address when that is IPv6.
    public var nextHopV6: IPAddress?

    public init(peer: BGPPeer, routerID: IPAddress?, nextHopV4: IPAddress?, nextHopV6: IPAddress?) {
        self.peer = peer
        self.routerID = routerID
        self.nextHopV4 = nextHopV4
        self.nextHopV6 = nextHopV6
    }

    /// The sessions `plan` asks for, with the router ID and next hops taken from the node's
    /// addresses (its InternalIPs, first of each family). A peer reached from a configured
    /// `source-address` uses that address as the next hop of its family.
    public static func sessions(for plan: BGPPlan, nodeAddresses: [IPAddress]) -> [BGPSessionSpec] {
        let v4 = nodeAddresses.first { $0.family == .ipv4 }
        let v6 = nodeAddresses.first { $0.family == .ipv6 }
        return plan.selectedPeers.map { peer in
            let routerID = peer.routerID ?? v4
            var nextHopV4 = v4
            var nextHopV6 = v6
            if let source = peer.sourceAddress {
                if source.family == .ipv4 { nextHopV4 = source } else { nextHopV6 = source }
            } else if peer.peerAddress.family == .ipv4 {
                // Same family as the connection: its local address is the right next hop (the
                // node may have several addresses; the kernel picked the one facing the peer).
                nextHopV4 = nil
            } else {
                nextHopV6 = nil
            }
            return BGPSessionSpec(peer: peer, routerID: routerID, nextHopV4: nextHopV4, nextHopV6: nextHopV6)
        }
    }
}

/// A BGP session as the speaker reports it (Lease state, metrics).
public struct BGPSessionReport: Sendable, Hashable {
    /// The peer's name from the config.
    public var name: String
    /// `ADDRESS:PORT` (IPv6 in brackets): MetalLB's `peer` metric label.
    public var label: String
    public var address: IPAddress
    public var asn: UInt32
    /// RFC 4271 state name.
    public var state: String
    /// When the session last reached Established (seconds since the Unix epoch); nil when down.
    public var establishedSince: Double?
    /// Prefixes the peer has from this session now.
    public var prefixesAdvertised: Int
    /// Prefixes in the table that the peer does not have yet.
    public var pendingPrefixes: Int
    /// UPDATE messages sent since the speaker started (all sessions to this peer).
    public var updatesSent: Int
    /// The last reason the session went down or could not come up.
    public var lastError: String?

    public init(
        name: String, label: String, address: IPAddress, asn: UInt32, state: String, establishedSince: Double?,
        prefixesAdvertised: Int, pendingPrefixes: Int, updatesSent: Int, lastError: String?
    ) {
        self.name = name
        self.label = label
        self.address = address
        self.asn = asn
        self.state = state
        self.establishedSince = establishedSince
        self.prefixesAdvertised = prefixesAdvertised
        self.pendingPrefixes = pendingPrefixes
        self.updatesSent = updatesSent
        self.lastError = lastError
    }

    public var isEstablished: Bool { state == "Established" }

    /// The `ADDRESS:PORT` label for a peer.
    public static func label(for peer: BGPPeer) -> String {
        peer.peerAddress.family == .ipv6 ? "[\(peer.peerAddress)]:\(peer.peerPort)" : "\(peer.peerAddress):\(peer.peerPort)"
    }
}

/// Where the speaker's BGP decisions go: the sessions to run and the routes they carry.
/// Production uses `NIOBGPAdvertiser` (real TCP sessions); tests use a recording fake, so the
/// speaker runs without routers.
///
/// `apply` is called on every plan change: it must return promptly and never throw (failures
/// show up in the reports).
public protocol BGPAdvertiser: Sendable {
    /// Runs exactly `sessions` (keyed by peer name: new ones start, missing ones stop with a
    /// Cease, changed ones restart; unchanged ones are not touched) and makes every session
    /// carry exactly `routes`.
    func apply(sessions: [BGPSessionSpec], routes: [IPPrefix: BGPPlan.RouteAttributes])

    /// The state of every session, sorted by name.
    func reports() -> [BGPSessionReport]

    /// Yields whenever a report changed (state, prefixes, error). One consumer.
    func changes() -> AsyncStream<Void>

    /// Stops every session (Cease NOTIFICATION where one is up) and closes them. Idempotent.
    func stop() async
}

extension SpeakerState.PeerState {
    /// The published form of a report.
    public init(_ report: BGPSessionReport) {
        self.init(
            name: report.name, address: report.address.description, asn: report.asn, state: report.state,
            establishedSince: report.establishedSince.map { RFC3339.format(Date(timeIntervalSince1970: $0)) }, prefixesAdvertised: report.prefixesAdvertised,
            lastError: report.lastError)
    }
}
