/// Connection collision resolution, RFC 4271 section 6.8: when both speakers connect to each
/// other at once, exactly one of the two TCP connections must survive.
///
/// The shell runs one `BGPSession` per connection. When an OPEN arrives on one connection
/// while the other is in OpenConfirm (or OpenSent, once its peer's identifier is known) it asks
/// `resolve`, and feeds `.collisionDump` to the session of the connection to close, which
/// sends Cease / Connection Collision Resolution (RFC 4486 subcode 7) on it.
public enum BGPCollision {
    /// Who opened a TCP connection.
    public enum Initiator: Sendable, Hashable {
        /// We connected out to the peer.
        case local
        /// The peer connected in to us.
        case remote
    }

    /// What to do about two connections to the same peer.
    public enum Decision: Sendable, Hashable {
        /// Close the connection initiated by this side; keep the other.
        case close(Initiator)
        /// Not a collision (RFC 6.8: "a BGP speaker ... MUST NOT ... collision with an
        /// existing connection in Idle, Connect or Active state"); keep both going.
        case noCollision
    }

    /// The connection to keep: RFC 4271 section 6.8, "If the value of the local BGP Identifier
    /// is less than the remote one, the local system closes the BGP connection that already
    /// exists ... and accepts the BGP connection initiated by the remote system. Otherwise, the
    /// local system closes the newly created BGP connection". Put simply, the connection
    /// initiated by the speaker with the higher BGP Identifier survives. Identifiers are
    /// compared "as 4-octet unsigned integers" (RFC 6286 section 2.3 for equal identifiers:
    /// the larger AS keeps its connection).
    public static func survivor(
        localIdentifier: UInt32, remoteIdentifier: UInt32, localAS: UInt32 = 0, remoteAS: UInt32 = 0
    ) -> Initiator {
        if localIdentifier != remoteIdentifier { return localIdentifier > remoteIdentifier ? .local : .remote }
        return localAS > remoteAS ? .local : .remote
    }

    /// Decides about an existing connection in `existingState`, when a second one appears.
    /// RFC 4271 section 6.8: "collision with an existing BGP connection that is in the
    /// Established state causes closing of the newly created connection"; in OpenConfirm
    /// (and OpenSent once the identifier is known) the identifiers decide; in any other state
    /// there is nothing to collide with.
    public static func resolve(
        existingState: BGPSessionState, existingInitiator: Initiator,
        localIdentifier: UInt32, remoteIdentifier: UInt32, localAS: UInt32 = 0, remoteAS: UInt32 = 0
    ) -> Decision {
        let newInitiator: Initiator = existingInitiator == .local ? .remote : .local
        switch existingState {
        case .idle, .connect, .active: return .noCollision
        case .established: return .close(newInitiator)
        case .openSent, .openConfirm:
            let keep = survivor(
                localIdentifier: localIdentifier, remoteIdentifier: remoteIdentifier,
                localAS: localAS, remoteAS: remoteAS)
            return .close(keep == .local ? .remote : .local)
        }
    }
}
