package dev.hyrouter.server.quic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.pipeline.RouterCore;
import dev.hyrouter.routing.DiscoveryResolver;
import dev.hyrouter.server.tls.ServerTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The door and a client's resent first Initial, with Netty's real QUIC server codec behind it
 * and real client Initials: a client resends its Initial under the same connection ID when the
 * answer is slow, which in a rush is exactly when the loop sheds. That copy belongs to a
 * connection the router already admitted and paid a handshake for, so the door passes it to the
 * codec; a new client's Initial arriving at the same moment is refused.
 */
class InitialPeekResendTest {
    private static final String CONFIG = """
            limits: {handshake_queue_target: 100ms, retry: never}
            routing:
              default: {strategy: round_robin, backends: [{host: backend.internal, port: 5520}]}
            """;
    private static final InetSocketAddress ROUTER = new InetSocketAddress("127.0.0.1", 5520);

    @Test
    void aSheddingLoopPassesAnAdmittedClientsResentInitialAndRefusesANewOne() throws Exception {
        byte[] first = clientInitial();
        byte[] other = clientInitial();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        RouterConfig config = ConfigLoader.parse(CONFIG, "test.yaml", false);
        RouterCore core = RouterCore.build(config, Map.of(), timer, DiscoveryResolver.NONE);
        IntakeContext context = new IntakeContext(core);
        QuicSslContext tls = ServerTls.build(config.tls(), false);
        EmbeddedChannel socket = new EmbeddedChannel(new InitialPeek(context, 1, 0), new QuicServerCodecBuilder()
                .sslContext(tls)
                .maxIdleTimeout(30, TimeUnit.SECONDS)
                .initialMaxData(1 << 20)
                .initialMaxStreamDataBidirectionalRemote(1 << 16)
                .initialMaxStreamsBidirectional(4)
                .tokenHandler(context.retryHandler(new RetryTokenHandler.Secret(), 1))
                .handler(new ChannelInboundHandlerAdapter())
                .streamHandler(new ChannelInboundHandlerAdapter())
                .build());
        try {
            InetSocketAddress a = new InetSocketAddress("127.0.0.1", 40001);
            InetSocketAddress b = new InetSocketAddress("127.0.0.1", 40002);

            socket.writeInbound(datagram(first, a));
            assertThat(written(socket, a)).as("the first copy is admitted: the server's handshake flight").isPositive();

            // The loop's socket has stayed full far longer than the target: it sheds every newcomer.
            context.loop().socketRead(true, System.nanoTime() - TimeUnit.SECONDS.toNanos(10));
            assertThat(context.loop().admitNew(System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(100))).isFalse();

            socket.writeInbound(datagram(first, a));
            assertThat(context.stats.shedAtDoor()).as("the resent copy is not refused").isZero();
            written(socket, a);

            socket.writeInbound(datagram(other, b));
            assertThat(context.stats.shedAtDoor()).as("a new client is refused").isEqualTo(1);
            assertThat(written(socket, b)).as("with a stateless CONNECTION_CLOSE").isEqualTo(1);
        } finally {
            socket.finishAndReleaseAll();
            core.close();
            timer.shutdownNow();
        }
    }

    /**
     * A client whose address is over its per-address limit is answered by the door with a
     * stateless CONNECTION_CLOSE before the QUIC codec builds a connection for it; once the
     * address has room again, its next client reaches the codec. (Other addresses have counts of
     * their own: SourceLimitsTest.)
     */
    @Test
    void aSourceOverItsAddressLimitIsRefusedAtTheDoorBeforeTheCodec() throws Exception {
        byte[] initial = clientInitial();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        RouterConfig config = ConfigLoader.parse("""
                limits: {max_connections_per_ip: 1, retry: never}
                routing:
                  default: {strategy: round_robin, backends: [{host: backend.internal, port: 5520}]}
                """, "test.yaml", false);
        RouterCore core = RouterCore.build(config, Map.of(), timer, DiscoveryResolver.NONE);
        IntakeContext context = new IntakeContext(core);
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        EmbeddedChannel socket = new EmbeddedChannel(new InitialPeek(context, 1, 0), new QuicServerCodecBuilder()
                .sslContext(ServerTls.build(config.tls(), false))
                .maxIdleTimeout(30, TimeUnit.SECONDS)
                .initialMaxData(1 << 20)
                .initialMaxStreamDataBidirectionalRemote(1 << 16)
                .initialMaxStreamsBidirectional(4)
                .tokenHandler(context.retryHandler(new RetryTokenHandler.Secret(), 1))
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void handlerAdded(io.netty.channel.ChannelHandlerContext ctx) {
                        connections.incrementAndGet();
                    }
                })
                .streamHandler(new ChannelInboundHandlerAdapter())
                .build());
        try {
            InetSocketAddress full = new InetSocketAddress("127.0.0.1", 40001);
            SourceLimits.Source held = context.sources.admit(new InetSocketAddress("127.0.0.1", 40000), config.limits());
            assertThat(held.refusal()).isNull();

            socket.writeInbound(datagram(initial, full));
            assertThat(written(socket, full)).as("one stateless CONNECTION_CLOSE").isEqualTo(1);
            assertThat(connections).as("the codec built no connection").hasValue(0);
            assertThat(context.stats.refusedSourceAtDoor()).isEqualTo(1);

            held.release();
            socket.writeInbound(datagram(clientInitial(), full));
            assertThat(written(socket, full)).as("room again: the server's handshake flight").isPositive();
            assertThat(connections).hasValue(1);
            assertThat(context.stats.refusedSourceAtDoor()).isEqualTo(1);
        } finally {
            socket.finishAndReleaseAll();
            core.close();
            timer.shutdownNow();
        }
    }

    /**
     * The start-up warm-up of the refusal path (so a first rush does not meet it uncompiled)
     * drives the real door through its shedding branch: every synthetic Initial gets its refusal.
     */
    @Test
    void theRefusalWarmUpShedsThroughARealDoor() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        RouterCore core = RouterCore.build(ConfigLoader.parse(CONFIG, "test.yaml", false), Map.of(), timer, DiscoveryResolver.NONE);
        try {
            assertThat(InitialPeek.warm(core, io.netty.buffer.ByteBufAllocator.DEFAULT, 50)).as("refusals written").isEqualTo(50);
        } finally {
            core.close();
            timer.shutdownNow();
        }
    }

    private static DatagramPacket datagram(byte[] bytes, InetSocketAddress from) {
        return new DatagramPacket(Unpooled.copiedBuffer(bytes), ROUTER, from);
    }

    /** Datagrams the pipeline wrote to {@code to} since the last call (released). */
    private static int written(EmbeddedChannel socket, InetSocketAddress to) {
        socket.runPendingTasks();
        int n = 0;
        Object out;
        while ((out = socket.readOutbound()) != null) {
            if (out instanceof DatagramPacket p && p.recipient().equals(to)) {
                n++;
            }
            ReferenceCountUtil.release(out);
        }
        return n;
    }

    /** A real client's first datagram (its Initial, carrying the ClientHello), caught by a plain UDP socket. */
    private static byte[] clientInitial() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (DatagramSocket catcher = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            catcher.setSoTimeout(10_000);
            QuicSslContext ssl = QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .applicationProtocols("hytale/2").build();
            Channel channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new QuicClientCodecBuilder()
                            .sslEngineProvider(q -> ssl.newEngine(q.alloc(), "play.example.com", catcher.getLocalPort()))
                            .maxIdleTimeout(5, TimeUnit.SECONDS)
                            .initialMaxData(1 << 20)
                            .build())
                    .bind(0).sync().channel();
            QuicChannel.newBootstrap(channel).handler(new ChannelInboundHandlerAdapter())
                    .remoteAddress(catcher.getLocalSocketAddress()).connect();
            java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[2048], 2048);
            catcher.receive(p);
            channel.close().sync();
            return Arrays.copyOf(p.getData(), p.getLength());
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }
}
