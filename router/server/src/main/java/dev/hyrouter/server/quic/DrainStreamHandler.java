package dev.hyrouter.server.quic;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/** Unidirectional client streams carry nothing the router needs: read and drop. Stateless. */
@ChannelHandler.Sharable
final class DrainStreamHandler extends ChannelInboundHandlerAdapter {
    private final IntakeStats stats;

    DrainStreamHandler(IntakeStats stats) {
        this.stats = stats;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        stats.streamsOpened.increment();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stats.streamsClosed.increment();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
