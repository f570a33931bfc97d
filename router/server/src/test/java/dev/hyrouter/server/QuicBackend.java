package dev.hyrouter.server;

import dev.hyrouter.server.tls.SelfSignedCertificate;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A game server as far as a health check sees one: a Netty QUIC server on a loopback port that
 * completes handshakes (ALPN hytale/2, hytale/1) and counts them. It can stop and start again on
 * the same port, or turn into a black hole (a UDP socket that reads everything and answers nothing).
 */
public final class QuicBackend implements AutoCloseable {
    private static final QuicSslContext TLS;

    static {
        SelfSignedCertificate self = SelfSignedCertificate.generate("backend.test", Duration.ofDays(7));
        TLS = QuicSslContextBuilder.forServer(self.key(), null, self.certificate()).applicationProtocols("hytale/2", "hytale/1").build();
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger datagramsDropped = new AtomicInteger();
    private volatile Channel channel;
    private int port;

    /** Made per connection and added after the handshake counter, or {@code null}. */
    private final java.util.function.Supplier<io.netty.channel.ChannelHandler> connectionHandler;

    private QuicBackend() {
        this(null);
    }

    private QuicBackend(java.util.function.Supplier<io.netty.channel.ChannelHandler> connectionHandler) {
        this.connectionHandler = connectionHandler;
    }

    /** A backend answering handshakes on a free loopback port. */
    public static QuicBackend start() {
        QuicBackend b = new QuicBackend();
        b.bindQuic(0);
        return b;
    }

    /** The same, each connection's pipeline also getting a handler from {@code connectionHandler} (to look at Netty's connection). */
    public static QuicBackend start(java.util.function.Supplier<io.netty.channel.ChannelHandler> connectionHandler) {
        QuicBackend b = new QuicBackend(connectionHandler);
        b.bindQuic(0);
        return b;
    }

    /** A loopback port that takes datagrams and never answers: a server hung before its QUIC stack. */
    public static QuicBackend blackHole() {
        QuicBackend b = new QuicBackend();
        b.bindBlackHole(0);
        return b;
    }

    private final ChannelInboundHandlerAdapter handshakeCounter = new ChannelInboundHandlerAdapter() {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // Active = the handshake completed.
            handshakes.incrementAndGet();
            ctx.fireChannelActive();
        }

        @Override
        public boolean isSharable() {
            return true;
        }
    };

    private void bindQuic(int wanted) {
        io.netty.channel.ChannelHandler codec = new QuicServerCodecBuilder()
                .sslContext(TLS)
                .maxIdleTimeout(5000, TimeUnit.MILLISECONDS)
                .initialMaxData(1 << 20)
                .initialMaxStreamDataBidirectionalRemote(1 << 16)
                .initialMaxStreamsBidirectional(10)
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(handshakeCounter);
                        if (connectionHandler != null) {
                            ch.pipeline().addLast(connectionHandler.get());
                        }
                    }
                })
                .streamHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }

                    @Override
                    public boolean isSharable() {
                        return true;
                    }
                })
                .build();
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                .bind(new InetSocketAddress("127.0.0.1", wanted)).syncUninterruptibly().channel();
        port = ((InetSocketAddress) channel.localAddress()).getPort();
    }

    private void bindBlackHole(int wanted) {
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                datagramsDropped.incrementAndGet();
                ReferenceCountUtil.release(msg);
            }
        }).bind(new InetSocketAddress("127.0.0.1", wanted)).syncUninterruptibly().channel();
        port = ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, as {@code /-/backends} and the metrics name it. */
    public String target() {
        return "127.0.0.1:" + port;
    }

    /** Handshakes completed since the start. */
    public int handshakes() {
        return handshakes.get();
    }

    public int datagramsDropped() {
        return datagramsDropped.get();
    }

    /** Stops answering: the port is closed (the kernel answers with ICMP port unreachable). */
    public void stop() {
        channel.close().syncUninterruptibly();
    }

    /** Answers handshakes again on the same port. */
    public void restart() {
        bindQuic(port);
    }

    /** Keeps the port but answers nothing from now on. */
    public void hang() {
        channel.close().syncUninterruptibly();
        bindBlackHole(port);
    }

    @Override
    public void close() {
        channel.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
