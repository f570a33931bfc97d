package dev.hyrouter.server.quic;

import dev.hyrouter.config.QuicConfig;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.config.TlsConfig;
import dev.hyrouter.pipeline.RouterCore;
import dev.hyrouter.util.DeadlineThread;
import dev.hyrouter.server.tls.ServerTls;
import dev.hyrouter.util.LatencyRecorder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicCodecDispatcher;
import io.netty.handler.codec.quic.QuicConnectionIdGenerator;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QUIC data plane: N event loops serving one UDP port. On Linux with epoll, N datagram
 * channels bind the port with SO_REUSEPORT and Netty's {@link QuicCodecDispatcher} encodes the
 * owning channel in every connection ID, so all packets of a connection reach the same loop and
 * loops share no mutable state. Without epoll it falls back to one NIO channel, with a warning.
 */
public final class QuicIntake implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuicIntake.class);

    private final EventLoopGroup group;
    private final List<Channel> channels;
    private final IntakeContext context;
    /** This intake's outcome log: its own ring, agent thread and target (none shared between routers in one process). */
    private final AccessLog accessLog;
    private final InetSocketAddress address;
    private final boolean epoll;
    private final dev.hyrouter.server.tls.ServerCertificates certificates;
    /** Measures the sockets' queue delay ({@code null} on NIO); stopped by {@link #close()}. */
    private final SocketProbe probe;

    private QuicIntake(EventLoopGroup group, List<Channel> channels, IntakeContext context, InetSocketAddress address, boolean epoll,
            dev.hyrouter.server.tls.ServerCertificates certificates, AccessLog accessLog, SocketProbe probe) {
        this.probe = probe;
        this.accessLog = accessLog;
        this.certificates = certificates;
        this.group = group;
        this.channels = channels;
        this.context = context;
        this.address = address;
        this.epoll = epoll;
    }

    /**
     * Binds and starts serving, logging outcomes to {@code accessLog} (which it then owns: closed
     * by {@link #closeAccessLog()}, or here when start fails); throws with the reason when the
     * port cannot be bound.
     */
    public static QuicIntake start(RouterCore core, EventLoopGroup group, boolean epoll, AccessLogTarget accessLog) throws InterruptedException {
        AccessLog log = new AccessLog(AccessLog.DEFAULT_CAPACITY, OutcomeLog.LOG, accessLog.target);
        try {
            return start(core, group, epoll, log);
        } catch (RuntimeException | InterruptedException | Error e) {
            log.close(1_000);
            throw e;
        }
    }

    private static QuicIntake start(RouterCore core, EventLoopGroup group, boolean epoll, AccessLog accessLog) throws InterruptedException {
        RouterConfig config = core.config();
        IntakeContext context = new IntakeContext(core, new OutcomeLog(accessLog));
        dev.hyrouter.server.tls.ServerCertificates certificates = new dev.hyrouter.server.tls.ServerCertificates(config.tls(),
                config.quic().earlyData());
        InetSocketAddress bindTo = ListenAddress.parse(config.listen());
        int loops = epoll ? loopCount(config) : 1;
        context.loops = loops;
        RetryTokenHandler.Secret retrySecret = new RetryTokenHandler.Secret();

        ChannelHandler connectionInit = new ChannelInitializer<QuicChannel>() {
            @Override
            protected void initChannel(QuicChannel ch) {
                ch.pipeline().addLast(new ConnectionHandler(context));
            }
        };
        DrainStreamHandler drain = new DrainStreamHandler(context.stats);
        ChannelHandler streamInit = new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel ch) {
                if (ch.type() == QuicStreamType.BIDIRECTIONAL) {
                    ch.pipeline().addLast(new ConnectStreamHandler(context));
                } else {
                    ch.pipeline().addLast(drain);
                }
            }
        };
        long streamWindow = context.maxFrameBytes + 1024L;
        QuicServerCodecBuilder codec = new QuicServerCodecBuilder()
                // The context of the moment: a rotated certificate serves the handshakes that start after it.
                .sslEngineProvider(q -> certificates.current().newEngine(q.alloc()))
                .maxIdleTimeout(config.quic().maxIdleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(streamWindow * 4)
                .initialMaxStreamDataBidirectionalRemote(streamWindow)
                .initialMaxStreamDataUnidirectional(16 * 1024)
                // A client opens one bidirectional stream; the second is slack for a retry. Each
                // connection gets one decision anyway (ConnectStreamHandler refuses a second Connect).
                .initialMaxStreamsBidirectional(2)
                .initialMaxStreamsUnidirectional(8)
                .handler(connectionInit)
                .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .streamHandler(streamInit);
        QuicConfig q = config.quic();
        boolean batchedReads = epoll && q.datagramsPerRead() > 1 && !q.udpGro();
        if (batchedReads) {
            // recvmmsg reads into fixed slots and truncates a longer datagram: tell peers the limit.
            codec.maxRecvUdpPayloadSize(QuicConfig.DATAGRAM_SLOT_BYTES);
        }
        if (epoll && q.gsoSegments() > 1) {
            // Falls back to one datagram per write where the kernel lacks UDP_SEGMENT.
            codec.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR,
                    counted(EpollQuicUtils.newSegmentedAllocator(q.gsoSegments()), context.stats));
        }

        List<Channel> channels = new ArrayList<>();
        InetSocketAddress bound;
        SocketProbe probe = epoll ? new SocketProbe(loops) : null;
        try {
            if (epoll) {
                java.util.concurrent.atomic.AtomicInteger socketIndex = new java.util.concurrent.atomic.AtomicInteger();
                QuicCodecDispatcher dispatcher = new QuicCodecDispatcher() {
                    @Override
                    protected void initChannel(Channel channel, int localConnectionIdLength, QuicConnectionIdGenerator idGenerator) {
                        // With GRO a read's datagram count says nothing of the queue: the socket-full signal is off.
                        channel.pipeline().addLast(new InitialPeek(context, loops, q.udpGro() ? 0 : channel.config().getMaxMessagesPerRead()
                                * (batchedReads ? q.datagramsPerRead() : 1), probe, socketIndex.getAndIncrement()), codec.clone()
                                .tokenHandler(context.retryHandler(retrySecret, loops))
                                .localConnectionIdLength(localConnectionIdLength)
                                .connectionIdAddressGenerator(idGenerator)
                                .build());
                    }
                };
                Bootstrap b = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                        .option(UnixChannelOption.SO_REUSEPORT, true)
                        .option(ChannelOption.SO_RCVBUF, q.socketBufferBytes())
                        .option(ChannelOption.SO_SNDBUF, q.socketBufferBytes())
                        .handler(dispatcher);
                if (q.udpGro()) {
                    // One read takes a peer's coalesced datagrams (up to 64 KiB); Netty splits them again.
                    b.option(EpollChannelOption.UDP_GRO, true)
                            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(64 * 1024));
                } else if (batchedReads) {
                    b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, QuicConfig.DATAGRAM_SLOT_BYTES)
                            .option(ChannelOption.RCVBUF_ALLOCATOR,
                                    new FixedRecvByteBufAllocator(QuicConfig.DATAGRAM_SLOT_BYTES * q.datagramsPerRead()));
                }
                Channel first = b.bind(bindTo).sync().channel();
                channels.add(first);
                bound = (InetSocketAddress) first.localAddress();
                for (int i = 1; i < loops; i++) {
                    channels.add(b.bind(bound).sync().channel());
                }
            } else {
                Bootstrap b = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                        .option(ChannelOption.SO_RCVBUF, config.quic().socketBufferBytes())
                        .option(ChannelOption.SO_SNDBUF, config.quic().socketBufferBytes())
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                ch.pipeline().addLast(new InitialPeek(context, 0, 0), codec.tokenHandler(context.retryHandler(retrySecret, loops)).build());
                            }
                        });
                Channel ch = b.bind(bindTo).sync().channel();
                channels.add(ch);
                bound = (InetSocketAddress) ch.localAddress();
            }
        } catch (RuntimeException | InterruptedException e) {
            channels.forEach(Channel::close);
            throw e;
        }
        if (probe != null) {
            probe.start(bound);
        }
        QuicIntake intake = new QuicIntake(group, channels, context, bound, epoll, certificates, accessLog, probe);
        InitialPeek.warmInBackground(core, channels, 20_000);
        LOG.info("listening on udp {} with {} event loop(s) ({}), alpn {}", bound, channels.size(),
                epoll ? "epoll, SO_REUSEPORT, " + batching(q) : "NIO", config.tls().alpn());
        if (!epoll && (q.udpGro() || q.datagramsPerRead() > 1 || q.gsoSegments() > 1)) {
            LOG.warn("quic.datagrams_per_read, quic.udp_gro and quic.gso_segments need epoll (Linux); on NIO each datagram is one system call");
        }
        return intake;
    }

    /**
     * Counts what the codec sends as GSO batches, so an operator (and a test) sees whether
     * {@code quic.gso_segments} is in use: the codec asks for a segmented packet only when it has
     * more than one datagram for one peer and the kernel supports it.
     */
    private static io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator counted(
            io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator gso, IntakeStats stats) {
        return new io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator() {
            @Override
            public int maxNumSegments() {
                return gso.maxNumSegments();
            }

            @Override
            public io.netty.channel.socket.DatagramPacket newPacket(io.netty.buffer.ByteBuf buffer, int segmentSize,
                    InetSocketAddress recipient) {
                stats.gsoWrites.increment();
                stats.gsoDatagrams.add((buffer.readableBytes() + segmentSize - 1) / segmentSize);
                return gso.newPacket(buffer, segmentSize, recipient);
            }
        };
    }

    private static String batching(QuicConfig q) {
        String read = q.udpGro() ? "UDP GRO reads" : q.datagramsPerRead() > 1 ? "recvmmsg x" + q.datagramsPerRead() : "one datagram per read";
        String write = q.gsoSegments() > 1
                ? (EpollDatagramChannel.isSegmentedDatagramPacketSupported() ? "GSO up to " + q.gsoSegments() + " segments" : "GSO unsupported by this kernel, off")
                : "no GSO";
        return read + ", " + write;
    }

    /** Creates the event loop group for {@code config}: epoll when available, else NIO with a warning. */
    public static EventLoopGroup newGroup(RouterConfig config) {
        int loops = loopCount(config);
        if (Epoll.isAvailable()) {
            return new MultiThreadIoEventLoopGroup(loops, LOOP_THREADS, EpollIoHandler.newFactory());
        }
        LOG.warn("epoll is not available ({}); falling back to NIO with one QUIC socket: expect lower throughput",
                Epoll.unavailabilityCause() == null ? "unknown reason" : Epoll.unavailabilityCause().toString());
        return new MultiThreadIoEventLoopGroup(loops, LOOP_THREADS, NioIoHandler.newFactory());
    }

    /**
     * Named so CPU and allocation per thread (top, /proc, hyrouter_thread_allocated_bytes) show the QUIC loops as such;
     * {@link DeadlineThread}s so an inline plugin call checks its deadline in the loop thread's own fields.
     */
    private static final ThreadFactory LOOP_THREADS = DeadlineThread.factory("hyrouter-quic");

    public static boolean epollAvailable() {
        return Epoll.isAvailable();
    }

    static int loopCount(RouterConfig config) {
        int configured = config.quic().eventLoops();
        return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    }

    /** The bound UDP sockets, one per event loop on epoll (for diagnostics and tests). */
    public List<Channel> sockets() {
        return List.copyOf(channels);
    }

    public InetSocketAddress address() {
        return address;
    }

    public IntakeStats stats() {
        return context.stats;
    }

    public LatencyRecorder latency() {
        return context.latency;
    }

    /** Connection start to handshake complete, per successful handshake. */
    public LatencyRecorder handshakeLatency() {
        return context.handshakeLatency;
    }

    /** Event loops currently answering new clients with a QUIC Retry ({@code limits.retry: auto} above its threshold, or {@code always}). */
    public int retryingLoops() {
        return context.retryingLoops();
    }

    /** TLS handshakes admitted and under way, all loops (a gauge: each loop's count may be a moment old). */
    public int handshakesInProgress() {
        int n = 0;
        for (IntakeContext.LoopState s : context.loopStateList) {
            n += s.handshaking;
        }
        return n;
    }

    /** Event loops refusing new connections now because they have a standing queue ({@code limits.handshake_queue_target}). */
    public int sheddingLoops() {
        int n = 0;
        for (IntakeContext.LoopState s : context.loopStateList) {
            n += s.shedding() ? 1 : 0;
        }
        return n;
    }

    /** Shedding episodes begun on all loops, by the signal that began them, in the order of {@link #SHEDDING_SIGNALS}. */
    public long[] sheddingOnsets() {
        long[] n = new long[SHEDDING_SIGNALS.size()];
        for (IntakeContext.LoopState s : context.loopStateList) {
            for (int i = 0; i < n.length; i++) {
                n[i] += s.onsets[i];
            }
        }
        return n;
    }

    /** The admission signals, as labels: the socket's queue delay past half the target, the socket full past it, slow handshakes. */
    public static final java.util.List<String> SHEDDING_SIGNALS = IntakeContext.LoopState.SIGNALS;

    /**
     * The longest wait of a datagram in any of the router's sockets, as of each loop's last probe
     * ({@link SocketProbe}; 0 when a loop read none in the last second, or on NIO).
     */
    public double socketQueueDelaySeconds() {
        long now = System.nanoTime();
        long max = 0;
        for (IntakeContext.LoopState s : context.loopStateList) {
            max = Math.max(max, s.socketDelayNanos(now, 1_000_000_000L));
        }
        return max / 1e9;
    }

    /** Source addresses the per-source limits currently track. */
    public int trackedSources() {
        return context.sources.size();
    }

    /** Forgets idle sources; call every few seconds off the event loops. */
    public void sweepSources() {
        context.sources.sweep();
    }

    /** Waits up to {@code timeoutMillis} for the outcome (access) log to write what is queued. */
    public void flushAccessLog(long timeoutMillis) throws InterruptedException {
        accessLog.flush(timeoutMillis);
    }

    /**
     * Opens {@code logging.access_log} of {@code config}, failing with an operator's message
     * (the key, the path, the reason) when a file cannot be opened for appending.
     */
    public static AccessLogTarget openAccessLog(RouterConfig config) {
        String target = config.logging().accessLog();
        try {
            return new AccessLogTarget(AccessLog.open(target));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("logging.access_log: cannot open " + target + " for appending (" + e
                    + "); create its directory and give the router write access, or set it to stdout or off", e);
        }
    }

    /** An opened access-log target, made current by {@link #useAccessLog} or given up with {@link #discard()}. */
    public static final class AccessLogTarget {
        private final AccessLog.Target target;

        private AccessLogTarget(AccessLog.Target target) {
            this.target = target;
        }

        public void discard() {
            target.discard();
        }
    }

    /** Makes {@code t} the access log's target from its next batch on (a reload); the previous file is closed. */
    public void useAccessLog(AccessLogTarget t) {
        accessLog.configure(t.target);
    }

    /** Outcome (access) log lines dropped since start because the log could not keep up. */
    public long accessLogDropped() {
        return accessLog.droppedTotal();
    }

    /** Reads {@code tls.session_ticket_keys} again (a reload's rotation); throws naming the file that is no key. */
    public void installTicketKeys(TlsConfig tls) {
        certificates.installTicketKeys(tls);
    }

    /** The certificate in use and its rotation. */
    public dev.hyrouter.server.tls.ServerCertificates certificates() {
        return certificates;
    }

    /** The config new connections are decided under. */
    public Generation generation() {
        return context.current();
    }

    /**
     * Makes {@code core} the config new streams are decided under; streams already started keep
     * theirs. The listener settings (address, TLS, QUIC limits) stay those of the start.
     */
    public Generation install(RouterCore core) {
        Generation next = new Generation(context.current().number() + 1, core);
        context.install(next);
        return next;
    }

    /** Starts a graceful shutdown: from now on new connections are closed at once; those in flight go on. */
    public void startDraining() {
        context.draining = true;
    }

    public boolean draining() {
        return context.draining;
    }

    /**
     * Opens the warm-up path: sessions from this host with the returned server name are decided
     * as {@code DecisionPipeline.decide} decides them with {@code warmup} set (no allocation, plugins only through their twins, on their
     * warm-up state) and counted and logged on twins that nothing reads (only
     * {@code hyrouter_warmup_sessions} counts them). The name is random (64 bits) and lives only until
     * {@link #endWarmup}.
     */
    public String beginWarmup() {
        byte[] r = new byte[8];
        new java.security.SecureRandom().nextBytes(r);
        String name = "warmup-" + java.util.HexFormat.of().formatHex(r) + ".hyrouter.invalid";
        Generation gen = context.current();
        java.util.List<String> names = new java.util.ArrayList<>();
        for (dev.hyrouter.config.RouteConfig route : gen.core.config().routing().routes()) {
            for (String pattern : route.hostnames()) {
                names.add(pattern.replace("*", "warmup"));
            }
        }
        names.add(name);
        context.warmup = new IntakeContext.Warmup(name, names.toArray(new String[0]), gen.pipeline.plugins().forWarmup(),
                new IntakeStats(), new dev.hyrouter.util.LatencyRecorder(), context.outcomes.discardingTwin(),
                Generation.routeCounters(gen.referralsByRoute.length));
        return name;
    }

    /** The plugins a running warm-up's sessions call (each plugin's twin, with its own counters); {@code null} when none runs. */
    public dev.hyrouter.plugin.PluginChain warmupChain() {
        IntakeContext.Warmup w = context.warmup;
        return w == null ? null : w.chain();
    }

    /** Closes the warm-up path; call once its sessions have ended (their plugin calls with them). */
    public void endWarmup() {
        IntakeContext.Warmup w = context.warmup;
        context.warmup = null;
        if (w != null) {
            w.chain().endWarmup();
            try {
                w.outcomes().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public int socketCount() {
        return channels.size();
    }

    public boolean epoll() {
        return epoll;
    }

    /** Stops accepting packets; the group is the caller's to shut down. */
    @Override
    public void close() {
        if (probe != null) {
            probe.close();
        }
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
    }

    /**
     * Writes what the access log holds, ends its thread and closes its file; called once the
     * event loops have stopped, so an outcome logged while connections closed is not lost.
     */
    public void closeAccessLog() {
        try {
            accessLog.close(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
