package dev.hyrouter.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A QUIC handshake flood, as a spoofing attacker makes one: real client Initials (a ClientHello
 * each, from a real QUIC stack) at a fixed rate, from many source ports spread over many source
 * addresses, and nothing read back: every datagram the router answers with (Handshake flight,
 * Retry, CONNECTION_CLOSE) is dropped before the client's QUIC stack sees it, so no handshake
 * ever completes and a Retry is never followed. The router pays for each Initial what its
 * configuration makes it pay: full handshake state (Retry off), a stateless Retry, or a stateless
 * refusal (a limit).
 *
 * <p>Usage: {@code HandshakeFlood HOST:PORT RATE SECONDS SOURCES [IDLE_SECONDS [HOLD_SECONDS]]}: SOURCES source
 * addresses 127.0.0.3, 127.0.0.4, ... (loopback is all of 127/8 on Linux), 4 sockets each.
 * IDLE_SECONDS (default 2) is the idle timeout the flood's ClientHellos announce: the router keeps
 * a half-open connection for the smaller of it and its own {@code quic.max_idle_timeout}, so a
 * long one measures what a patient attacker makes the router hold. HOLD_SECONDS (default 0) keeps
 * the sockets open, silent, after the flood, so the router's half-open state can be measured before
 * anything could close it. Prints one JSON line with the Initials started when the flood ends.
 */
public final class HandshakeFlood {
    private HandshakeFlood() {
    }

    /** Drops everything the router sends: the flood never answers, never follows a Retry. */
    private static final class Deaf extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    public static void main(String[] args) throws Exception {
        String[] hp = args[0].split(":");
        InetSocketAddress target = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int sources = Integer.parseInt(args[3]);
        int idleSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int holdSeconds = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            QuicSslContext ssl = QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .applicationProtocols("hytale/2").build();
            QuicClientCodecBuilder codec = new QuicClientCodecBuilder()
                    .sslEngineProvider(q -> ssl.newEngine(q.alloc(), "flood.localhost", target.getPort()))
                    .maxIdleTimeout(idleSeconds, TimeUnit.SECONDS)
                    .initialMaxData(1 << 16)
                    .initialMaxStreamDataBidirectionalLocal(1 << 16)
                    .initialMaxStreamsBidirectional(1);
            List<Channel> sockets = new ArrayList<>();
            for (int s = 0; s < sources; s++) {
                String address = "127.0." + ((s + 3) / 256) + "." + ((s + 3) % 256);
                for (int k = 0; k < 4; k++) {
                    sockets.add(new Bootstrap().group(group).channel(NioDatagramChannel.class)
                            .handler(new ChannelInitializer<Channel>() {
                                @Override
                                protected void initChannel(Channel ch) {
                                    ch.pipeline().addLast(new Deaf(), codec.clone().build());
                                }
                            })
                            .bind(new InetSocketAddress(address, 0)).sync().channel());
                }
            }
            AtomicLong started = new AtomicLong();
            java.util.concurrent.atomic.AtomicReference<Throwable> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
            long perTick = Math.max(1, rate / 100);
            long start = System.nanoTime();
            var tick = group.next().scheduleAtFixedRate(() -> {
                long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
                // Catch up after a late tick, but never by more than a few ticks' worth at once.
                long n = Math.min(due - started.get(), perTick * 4);
                for (long i = 0; i < n; i++) {
                    Channel socket = sockets.get((int) (started.getAndIncrement() % sockets.size()));
                    QuicChannel.newBootstrap(socket).handler(new ChannelInboundHandlerAdapter())
                            .streamHandler(new ChannelInboundHandlerAdapter()).remoteAddress(target).connect()
                            .addListener(f -> {
                                if (!f.isSuccess() && firstFailure.compareAndSet(null, f.cause())) {
                                    System.err.println("flood: a handshake attempt ended: " + f.cause());
                                }
                            });
                }
            }, 0, 10, TimeUnit.MILLISECONDS);
            Thread.sleep(seconds * 1000L);
            tick.cancel(false);
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "{\"initials_started\":%d,\"seconds\":%.1f,\"rate\":%.0f,\"sources\":%d,\"sockets\":%d}%n",
                    started.get(), elapsed, started.get() / elapsed, sources, sockets.size());
            System.out.flush();
            Thread.sleep(holdSeconds * 1000L);
            for (Channel s : sockets) {
                s.close();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
