import NIOCore

/// What a responder decided about one frame.
public enum Layer2Decision: Hashable, Sendable {
    /// Send this whole frame (Ethernet header included) on the interface the request came in on.
    case reply(ByteBuffer)
    /// Send nothing, for this reason.
    case drop(Layer2DropReason)
}
