package dev.hyrouter.server;

import dev.hyrouter.codec.ConnectEncoder;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.codec.FrameLayout;
import dev.hyrouter.codec.FrameReader;
import dev.hyrouter.codec.ServerAnswer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A QUIC client that misbehaves on purpose, one connection per instance: it writes whatever
 * bytes it is told on streams it opens, resets them, stops reading, or vanishes without a
 * CONNECTION_CLOSE. For the tests that a hostile or broken client cannot hold router state.
 */
final class RawQuicClient implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel socket;
    final QuicChannel quic;

    /**
     * @param streamWindow the receive window the client grants on its streams: 0 is a client that
     *                     never reads its answer (the router's write cannot make progress)
     */
    RawQuicClient(InetSocketAddress router, String sni, long streamWindow) throws Exception {
        try {
            QuicSslContext ssl = QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .applicationProtocols("hytale/2").build();
            socket = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new QuicClientCodecBuilder()
                            .sslEngineProvider(q -> ssl.newEngine(q.alloc(), sni, router.getPort()))
                            .maxIdleTimeout(60, TimeUnit.SECONDS)
                            .initialMaxData(1 << 20)
                            .initialMaxStreamDataBidirectionalLocal(streamWindow)
                            .initialMaxStreamsBidirectional(16)
                            .build())
                    .bind(0).sync().channel();
            quic = QuicChannel.newBootstrap(socket).handler(new ChannelInboundHandlerAdapter())
                    .streamHandler(new ChannelInboundHandlerAdapter()).remoteAddress(router)
                    .connect().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** A whole V2 Connect frame with default fields, as a well-behaved client sends it. */
    static byte[] connectFrame() {
        ByteBuf f = ConnectEncoder.encodeFrame(UnpooledByteBufAllocator.DEFAULT, ConnectView.Layout.V2, ConnectFields.defaults());
        try {
            return ByteBufUtil.getBytes(f);
        } finally {
            f.release();
        }
    }

    RawQuicClient(InetSocketAddress router) throws Exception {
        this(router, "play.example.com", 256 * 1024);
    }

    /** Opens a bidirectional stream; nothing is written until the caller says so. */
    Stream open() throws Exception {
        Stream s = new Stream();
        s.channel = quic.createStream(QuicStreamType.BIDIRECTIONAL, s.handler).get(30, TimeUnit.SECONDS);
        return s;
    }

    /** Disappears: the UDP socket closes without a CONNECTION_CLOSE reaching the router. */
    void vanish() throws InterruptedException {
        socket.close().sync();
    }

    @Override
    public void close() {
        quic.close();
        socket.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** One stream: what the router answered on it and when it ended. */
    static final class Stream {
        final CompletableFuture<ServerAnswer> answer = new CompletableFuture<>();
        /** Completes when the stream is closed, by the router's FIN or reset or by the connection's end. */
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        QuicStreamChannel channel;

        final ChannelInboundHandlerAdapter handler = new ChannelInboundHandlerAdapter() {
            private FrameReader reader;

            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                reader = new FrameReader(ctx.alloc(), FrameLayout.DEFAULT_MAX_PAYLOAD);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (!(msg instanceof ByteBuf b) || answer.isDone()) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                reader.read(b, (id, payload) -> {
                    answer.complete(ServerAnswer.decode(id, payload));
                    return false;
                });
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                answer.completeExceptionally(new IllegalStateException("stream closed without an answer"));
                closed.complete(null);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                answer.completeExceptionally(cause);
            }

            @Override
            public void handlerRemoved(ChannelHandlerContext ctx) {
                reader.close();
            }
        };

        void write(byte[] bytes) throws Exception {
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).get(30, TimeUnit.SECONDS);
        }

        /** Ends the client's side of the stream (FIN). */
        void fin() throws Exception {
            channel.shutdownOutput().get(30, TimeUnit.SECONDS);
        }

        /** Abandons the stream with RESET_STREAM. */
        void reset() throws Exception {
            channel.shutdownOutput(7).get(30, TimeUnit.SECONDS);
        }
    }
}
