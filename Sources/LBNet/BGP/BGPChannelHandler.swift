import NIOCore

/// The channel end of a BGP connection: hands bytes, writability changes and the close to the
/// engine, tagged with the connection's generation so a late event of an old connection is
/// ignored. Decoding happens in the engine, which owns the per-connection decoder.
final class BGPChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let engine: BGPPeerEngine
    private let generation: UInt64

    init(engine: BGPPeerEngine, generation: UInt64) {
        self.engine = engine
        self.generation = generation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = Self.unwrapInboundIn(data)
        engine.received(&bytes, generation: generation)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { engine.writabilityChanged(generation: generation) }
        context.fireChannelWritabilityChanged()
    }

    /// A reset or other socket error: the connection is gone (NIO closes it and then reports
    /// channelInactive, which tells the engine).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        engine.connectionClosed(generation: generation)
        context.fireChannelInactive()
    }
}
