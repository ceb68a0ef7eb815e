import NIOCore

/// The channel end of `MembershipTransport`: hands datagrams and read errors to the engine and
/// tells it when the channel goes away. Never closes the channel and never rethrows: nothing a
/// peer sends, and no ICMP error surfacing on the socket, takes the endpoint down.
final class MembershipDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let engine: MembershipEngine

    init(engine: MembershipEngine) {
        self.engine = engine
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        engine.received(envelope.data, from: envelope.remoteAddress)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        engine.readError(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        engine.stop()
        context.fireChannelInactive()
    }
}
