package dev.hyrouter.client;

import dev.hyrouter.codec.ConnectEncoder;
import dev.hyrouter.codec.FrameLayout;
import dev.hyrouter.codec.FrameReader;
import dev.hyrouter.codec.ServerAnswer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QLogConfiguration;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelBootstrap;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicSessionReuse;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.codec.quic.SslEarlyDataReadyEvent;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Hytale client as far as a router sees one: opens a QUIC connection with a given SNI and
 * ALPN (optionally with a client certificate), sends a Connect in layout V1 or V2 on a
 * bidirectional stream, and returns the decoded answer with timings. Used by the tests, the
 * {@code probe} command and the load tests. It trusts any server certificate: it is a test and
 * measurement tool, not a game client.
 *
 * <p>Thread safe: sessions may be started from any thread; each runs on the client's event loops.
 */
public final class HytaleClient implements AutoCloseable {
    private static final AttributeKey<ClientRequest> REQUEST = AttributeKey.valueOf(HytaleClient.class, "request");

    private final EventLoopGroup group;
    private final boolean ownGroup;
    private final List<Channel> sockets;
    private final List<DatagramCounter> counters;
    private final Map<TlsKey, QuicSslContext> contexts = new ConcurrentHashMap<>();
    private int next;
    /** Where each session's qlog goes (the client's view of every packet), or null: see {@link #qlogTo}. */
    private volatile Path qlogDir;
    private final AtomicInteger qlogged = new AtomicInteger();

    private record TlsKey(List<String> alpn, Object certificate, ClientRequest.Handshake handshake) {
    }

    /** A client with {@code threads} event loops, one UDP socket each. */
    public static HytaleClient create(int threads) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        try {
            return new HytaleClient(group, threads, true);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /**
     * A client with one UDP socket on an event loop group that stays the caller's ({@code epoll}:
     * an epoll group, else NIO); {@link #close} closes the socket only. The router's warm-up runs
     * on its own loops this way: a group of the client's own, shut down before ready, left the
     * executor methods the loops share compiled for its shutdown and recompiled on the first
     * players' time.
     */
    public static HytaleClient on(EventLoopGroup group, boolean epoll) {
        return new HytaleClient(group, 1, false, epoll ? io.netty.channel.epoll.EpollDatagramChannel.class : NioDatagramChannel.class);
    }

    private HytaleClient(EventLoopGroup group, int sockets, boolean ownGroup) {
        this(group, sockets, ownGroup, NioDatagramChannel.class);
    }

    private HytaleClient(EventLoopGroup group, int sockets, boolean ownGroup, Class<? extends Channel> channelType) {
        this.group = group;
        this.ownGroup = ownGroup;
        QuicClientCodecBuilder codec = new QuicClientCodecBuilder()
                .sslEngineProvider(q -> {
                    ClientRequest r = q.attr(REQUEST).get();
                    QuicSslContext ctx = contextFor(r);
                    // A resuming client keeps its tickets per server name, whichever address answered: a
                    // player returning to a network name reaches any of its replicas. (Netty keys its
                    // ticket cache by the engine's host and port; the port is used for nothing else.)
                    int ticketPort = r.handshake() == ClientRequest.Handshake.FULL ? r.target().getPort() : 0;
                    return ctx.newEngine(q.alloc(), r.sni(), ticketPort);
                })
                .maxIdleTimeout(30, TimeUnit.SECONDS)
                .initialMaxData(1 << 20)
                .initialMaxStreamDataBidirectionalLocal(256 * 1024)
                .initialMaxStreamDataBidirectionalRemote(256 * 1024)
                .initialMaxStreamsBidirectional(16)
                .initialMaxStreamsUnidirectional(16);
        Channel[] chans = new Channel[sockets];
        DatagramCounter[] counted = new DatagramCounter[sockets];
        for (int i = 0; i < sockets; i++) {
            DatagramCounter counter = new DatagramCounter();
            counted[i] = counter;
            chans[i] = new Bootstrap().group(group).channel(channelType)
                    .option(io.netty.channel.ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                    .option(io.netty.channel.ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
                    .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(counter, codec.clone().build());
                        }
                    })
                    .bind(0).syncUninterruptibly().channel();
        }
        this.sockets = List.of(chans);
        this.counters = List.of(counted);
    }

    private QuicSslContext contextFor(ClientRequest r) {
        TlsKey key = new TlsKey(r.alpn(), r.clientCertificate(), r.handshake());
        return contexts.computeIfAbsent(key, k -> {
            QuicSslContextBuilder b = QuicSslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .applicationProtocols(r.alpn().toArray(new String[0]));
            switch (r.handshake()) {
                // Netty's client cache holds one ticket per host and port; a size of 0 keeps none,
                // so that every handshake is a full one (with its certificate and signature).
                case FULL -> b.sessionCacheSize(0);
                case RESUME -> b.earlyData(false);
                case EARLY_DATA -> b.earlyData(true);
            }
            if (r.clientCertificate() != null) {
                b.keyManager(r.clientKey(), null, r.clientCertificate());
            }
            return b.build();
        });
    }

    private synchronized Channel socket() {
        Channel s = sockets.get(next);
        next = (next + 1) % sockets.size();
        return s;
    }

    /**
     * Writes a qlog per session from now on into {@code dir} (session-1.qlog, session-2.qlog, ...):
     * every packet the client sent and received with its frames, which is how a datagram more or
     * less per session is found. Costs the client time; for diagnosis, not load.
     */
    public HytaleClient qlogTo(Path dir) {
        this.qlogDir = dir;
        return this;
    }

    /** Runs one session; the future fails on handshake failure, stream error or timeout. */
    public CompletableFuture<SessionResult> run(ClientRequest request) {
        Objects.requireNonNull(request.target(), "target");
        CompletableFuture<SessionResult> result = new CompletableFuture<>();
        Session session = new Session(request, result, System.nanoTime());
        Channel socket = socket();
        ScheduledFuture<?> timeout = socket.eventLoop().schedule(() -> {
            // A client that gives up closes its attempt, as a player's does: no more retransmitted
            // Initials or Handshake packets for a session nobody waits for.
            if (result.completeExceptionally(new TimeoutException("no answer within " + request.timeout().toMillis() + " ms"))
                    && session.channel != null) {
                session.channel.close();
            }
        }, request.timeout().toNanos(), TimeUnit.NANOSECONDS);
        QuicChannelBootstrap bootstrap = QuicChannel.newBootstrap(socket);
        Path qlog = qlogDir;
        if (qlog != null) {
            String file = qlog.resolve("session-" + qlogged.incrementAndGet() + ".qlog").toString();
            bootstrap.option(QuicChannelOption.QLOG,
                    new QLogConfiguration(file, "hyrouter probe", request.sni()));
        }
        bootstrap
                .attr(REQUEST, request)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void handlerAdded(ChannelHandlerContext ctx) {
                        session.channel = ctx.channel();
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        // Fired before the handshake completes when a ticket allows 0-RTT: the
                        // Connect then leaves with the client's first flight.
                        if (evt instanceof SslEarlyDataReadyEvent && request.handshake() == ClientRequest.Handshake.EARLY_DATA) {
                            session.earlyData = true;
                            session.openStream((QuicChannel) ctx.channel());
                        }
                        // A CONNECTION_CLOSE before the handshake completed: the client knows now, not
                        // at the end of its draining period (three probe timeouts in quiche).
                        if (evt instanceof QuicConnectionCloseEvent close && session.handshake < 0
                                && result.completeExceptionally(new ServerClosedException("QUIC handshake with " + request.target()
                                        + " (sni " + request.sni() + ")", close.isApplicationClose(), close.error(), close.reason()))) {
                            ctx.channel().close();
                        }
                        ctx.fireUserEventTriggered(evt);
                    }
                })
                .streamHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                })
                .remoteAddress(request.target())
                .connect()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        result.completeExceptionally(new IOException("QUIC handshake with " + request.target() + " (sni "
                                + request.sni() + ", alpn " + request.alpn() + ") failed: " + f.cause(), f.cause()));
                        return;
                    }
                    QuicChannel quic = (QuicChannel) f.getNow();
                    result.whenComplete((r, e) -> quic.close());
                    session.handshakeDone(quic);
                    session.openStream(quic);
                });
        result.whenComplete((r, e) -> timeout.cancel(false));
        return result;
    }

    /** One session's state, shared by its connection and its stream (all on one event loop). */
    private static final class Session {
        final ClientRequest request;
        final CompletableFuture<SessionResult> result;
        final long start;
        /** The connection attempt, known from its registration on (before the handshake completes). */
        volatile io.netty.channel.Channel channel;
        long handshake = -1;
        String alpn;
        boolean resumed;
        javax.net.ssl.SSLSession tls;
        boolean earlyData;
        boolean streamOpened;
        /** An answer that arrived before the handshake completed (0.5-RTT data after 0-RTT). */
        ServerAnswer early;
        long earlyAt;
        long sent;

        Session(ClientRequest request, CompletableFuture<SessionResult> result, long start) {
            this.request = request;
            this.result = result;
            this.start = start;
        }

        void openStream(QuicChannel quic) {
            if (streamOpened || result.isDone()) {
                return;
            }
            streamOpened = true;
            quic.createStream(QuicStreamType.BIDIRECTIONAL, new AnswerHandler(this)).addListener(sf -> {
                if (!sf.isSuccess()) {
                    result.completeExceptionally(sf.cause());
                }
            });
        }

        void handshakeDone(QuicChannel quic) {
            handshake = System.nanoTime() - start;
            alpn = quic.sslEngine() == null ? null : quic.sslEngine().getApplicationProtocol();
            resumed = quic.sslEngine() != null && QuicSessionReuse.resumed(quic.sslEngine());
            tls = quic.sslEngine() == null ? null : quic.sslEngine().getSession();
            if (early != null) {
                complete(early, earlyAt);
            }
        }

        void answered(ServerAnswer answer, long now) {
            if (handshake < 0) {
                // Whether the session resumed is known only when the handshake completes.
                early = answer;
                earlyAt = now;
                return;
            }
            complete(answer, now);
        }

        private void complete(ServerAnswer answer, long at) {
            result.complete(new SessionResult(answer, alpn, handshake, at - sent, at - start, resumed, earlyData, tls));
        }
    }

    /** Collects the first answer frame of the stream. */
    private static final class AnswerHandler extends ChannelInboundHandlerAdapter {
        private final Session session;
        private final ClientRequest request;
        private final CompletableFuture<SessionResult> result;
        private FrameReader reader;

        AnswerHandler(Session session) {
            this.session = session;
            this.request = session.request;
            this.result = session.result;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            reader = new FrameReader(ctx.alloc(), FrameLayout.DEFAULT_MAX_PAYLOAD);
            session.sent = System.nanoTime();
            if (request.silent()) {
                return;
            }
            ByteBuf out = request.rawBytes() != null
                    ? Unpooled.wrappedBuffer(request.rawBytes())
                    : ConnectEncoder.encodeFrame(ctx.alloc(), request.layout(), request.fields());
            ctx.writeAndFlush(out).addListener(w -> {
                if (!w.isSuccess()) {
                    result.completeExceptionally(w.cause());
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf) || result.isDone()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            reader.read((ByteBuf) msg, (id, payload) -> {
                long now = System.nanoTime();
                try {
                    session.answered(ServerAnswer.decode(id, payload), now);
                } catch (IllegalArgumentException e) {
                    result.completeExceptionally(e);
                }
                return false;
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (reader != null) {
                reader.close();
            }
            result.completeExceptionally(new IOException("stream closed without an answer"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (reader != null) {
                reader.close();
            }
        }
    }

    /** Datagrams and bytes sent and received by all of this client's sockets so far. */
    public DatagramCounter.Totals datagrams() {
        return DatagramCounter.Totals.of(counters);
    }

    @Override
    public void close() {
        for (Channel s : sockets) {
            s.close().syncUninterruptibly();
        }
        if (ownGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
