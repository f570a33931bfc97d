package dev.hyrouter.plugins.grpc;

import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.plugins.sdk.PluginGrpc;
import dev.hyrouter.plugins.sdk.PluginServer;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin of type {@code grpc}: HTTP/2 channels to the plugin server, created once at start-up;
 * calls are asynchronous end to end, each with its own deadline; a circuit breaker skips a plugin
 * that keeps failing. A server that is down at start-up does not stop the router: channels
 * reconnect in the background with backoff.
 *
 * <p>Inside a router (the default), each QUIC event loop has its own channel built on that very
 * loop (same transport, direct executor): a call made from a connection starts, gets its response,
 * has its deadline and completes on the connection's thread, so nothing crosses threads and no
 * other thread is woken. Outside a router (tests, tools) or from a thread that is not one of the
 * loops, calls use {@code grpc.channels} channels on a small group of the plugin's own.
 */
public final class GrpcPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcPlugin.class);

    private final String name;
    private final ManagedChannel[] channels;
    /** The router's loops and, per loop, its channel (empty without per-loop channels). */
    private final Map<EventExecutor, ManagedChannel> perLoop;
    private final EventLoopGroup group;
    private final long deadlineNanos;
    private final CircuitBreaker breaker;
    private final AtomicInteger next = new AtomicInteger();
    private final LongAdder started = new LongAdder();
    private final LongAdder finished = new LongAdder();
    private final LongAdder skippedByBreaker = new LongAdder();
    private final LongAdder onOwnLoop = new LongAdder();
    /** What {@link #warmupTwin} builds its twin from: this plugin's settings and the loops its channels are on. */
    private final PluginConfig config;
    private final EventExecutorGroup eventLoops;
    /** A twin's loopback plugin server, closed with it; {@code null} on a plugin that calls the operator's server. */
    private final PluginServer twinServer;
    private final boolean ownsGroup;
    /** This plugin's warm-up twins, parked when the warm-up ends and closed with this plugin. */
    private final List<GrpcPlugin> twins = new java.util.concurrent.CopyOnWriteArrayList<>();

    private GrpcPlugin(PluginConfig config, EventExecutorGroup eventLoops, ManagedChannel[] channels,
            Map<EventExecutor, ManagedChannel> perLoop, EventLoopGroup group, CircuitBreaker breaker, PluginServer twinServer) {
        // A twin's fallback channels run on its plugin's group, which the twin must not shut down.
        this.ownsGroup = twinServer == null;
        this.name = config.name();
        this.config = config;
        this.eventLoops = eventLoops;
        this.channels = channels;
        this.perLoop = perLoop;
        this.group = group;
        this.deadlineNanos = config.timeout().toNanos();
        this.breaker = breaker;
        this.twinServer = twinServer;
    }

    /** Creates channels on a group of the plugin's own (outside a router) and starts connecting them. */
    public static GrpcPlugin connect(PluginConfig config) throws Exception {
        return connect(config, null);
    }

    /**
     * Creates the channels and starts connecting them (without waiting).
     *
     * @param eventLoops the router's event loops, to build one channel on each; {@code null} for channels on a group of the plugin's own
     */
    public static GrpcPlugin connect(PluginConfig config, EventExecutorGroup eventLoops) throws Exception {
        return open(config, eventLoops, null, null);
    }

    /** @param twinOf for a warm-up twin, the plugin whose fallback group its fallback channels share; else {@code null} */
    private static GrpcPlugin open(PluginConfig config, EventExecutorGroup eventLoops, PluginServer twinServer, GrpcPlugin twinOf)
            throws Exception {
        PluginConfig.GrpcSettings s = config.grpc();
        SslContext ssl = null;
        if (s.tls()) {
            var b = GrpcSslContexts.forClient();
            if (!s.caFile().isEmpty()) {
                b.trustManager(new File(s.caFile()));
            }
            ssl = b.build();
        }
        // The fallback channels, on the plugin's own NIO group: for callers that are not router loops.
        int threads = Math.max(1, Math.min(s.channels(), Runtime.getRuntime().availableProcessors()));
        EventLoopGroup group = twinOf != null ? twinOf.group
                : new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("grpc-" + config.name(), true), NioIoHandler.newFactory());
        ManagedChannel[] channels = new ManagedChannel[s.channels()];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = build(s, ssl, group, false, twinServer != null);
        }
        Map<EventExecutor, ManagedChannel> perLoop = new IdentityHashMap<>();
        if (eventLoops != null) {
            // The router's loops are epoll when epoll is available (QuicIntake.newGroup), else NIO.
            boolean epoll = Epoll.isAvailable();
            for (EventExecutor loop : eventLoops) {
                if (loop instanceof EventLoop el) {
                    perLoop.put(loop, build(s, ssl, el, epoll, twinServer != null));
                }
            }
        }
        CircuitBreaker breaker = new CircuitBreaker(config.name(), s.breakerFailures(), s.breakerCooldown(), System::nanoTime);
        if (twinServer != null) {
            LOG.debug("grpc plugin {}: warm-up twin calling its own server on {}", config.name(), s.address());
            return new GrpcPlugin(config, eventLoops, channels, Map.copyOf(perLoop), group, breaker, twinServer);
        }
        LOG.info("grpc plugin {}: {} to {} ({}), deadline {} ms, circuit breaker {}", config.name(),
                perLoop.isEmpty() ? channels.length + " channel(s)" : "one channel per event loop (" + perLoop.size() + ")",
                s.address(), s.tls() ? "TLS" : "plaintext", config.timeout().toMillis(),
                s.breakerFailures() > 0 ? "after " + s.breakerFailures() + " failures for " + s.breakerCooldown().toMillis() + " ms" : "off");
        return new GrpcPlugin(config, eventLoops, channels, Map.copyOf(perLoop), group, breaker, null);
    }

    /**
     * A gRPC plugin takes part in the warm-up without its server ever seeing an invented
     * connection: its {@link #warmupTwin} calls a plugin server of the router's own on loopback.
     */
    @Override
    public boolean warmsUp() {
        return true;
    }

    /**
     * A plugin of this class whose channels (as many, on the same event loops, the same transport,
     * deadline and breaker settings) call a plugin server started for it on a loopback port, which
     * answers as {@link TwinAnswers} says. The warm-up's calls
     * thus run the players' client path (channel lookup, call, JSON both ways, HTTP/2 on the loop,
     * the deadline) while the operator's plugin server receives nothing. TLS is not warmed: the
     * twin's channels are plaintext whatever this plugin's are (its own server has no certificate
     * the plugin's trust roots would accept).
     *
     * <p>Its keepalive settings are this plugin's (a channel without them takes other branches on
     * every response, and the first players' calls then threw the compiled response path away); an
     * idle channel sends no pings.
     *
     * <p>Closing the twin (the end of the warm-up) parks it: its channels (gRPC's idle mode off) and
     * its server stay, idle, until this plugin closes. Closing connections on the
     * router's loops at ready ran code paths (channel close, HTTP/2 shutdown) that the warm-up had
     * never taken through the loops' most-used methods, and the JIT threw those methods' compiled
     * code away at the first players (perf-reports/loadtest/2026-12-05-warm-start.md, session 22).
     */
    @Override
    public Plugin warmupTwin() {
        PluginServer server;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        InetSocketAddress listen = new InetSocketAddress(loopback, 0);
        try {
            // On the router's own loops when there are any: a server on groups of its own would shut
            // their threads down when the warm-up ends, and the event loop code it ran then (shared
            // with the router's loops) was thrown away by the JIT and recompiled on players' time.
            if (eventLoops instanceof EventLoopGroup loops) {
                server = PluginServer.startNonBlockingOn(listen, new TwinAnswers(), loops,
                        Epoll.isAvailable() ? io.netty.channel.epoll.EpollServerSocketChannel.class
                                : io.netty.channel.socket.nio.NioServerSocketChannel.class);
            } else {
                server = PluginServer.startNonBlocking(listen, new TwinAnswers());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("grpc plugin " + name + ": the warm-up's loopback plugin server did not start", e);
        }
        String host = loopback instanceof java.net.Inet6Address ? "[" + loopback.getHostAddress() + "]" : loopback.getHostAddress();
        PluginConfig.GrpcSettings s = config.grpc();
        PluginConfig.GrpcSettings twin = new PluginConfig.GrpcSettings(host + ":" + server.port(), s.channels(), false, "", "",
                s.keepaliveTime(), s.keepaliveTimeout(), s.breakerFailures(), s.breakerCooldown());
        PluginConfig twinConfig = new PluginConfig(config.name(), config.type(), config.stage(), config.before(), config.after(),
                config.timeout(), twin, config.wasm(), config.line(), config.failureMode());
        try {
            GrpcPlugin t = open(twinConfig, eventLoops, server, this);
            twins.add(t);
            return t;
        } catch (Exception e) {
            server.close();
            throw new IllegalStateException("grpc plugin " + name + ": its warm-up twin's channels could not be built: " + e, e);
        }
    }

    /** @param parked a twin's channel: never idle (gRPC's idle mode would close its connection on the loop later) */
    private static ManagedChannel build(PluginConfig.GrpcSettings s, SslContext ssl, EventLoopGroup loops, boolean epoll, boolean parked) {
        NettyChannelBuilder b = NettyChannelBuilder.forTarget(s.address())
                .eventLoopGroup(loops)
                .directExecutor()
                .maxInboundMessageSize(4 * 1024 * 1024)
                .userAgent("hyrouter-java");
        if (epoll) {
            b.channelFactory(GrpcPlugin::jsonEpollChannel, java.net.InetSocketAddress.class);
        } else {
            b.channelFactory(JsonSocketChannel::new, java.net.InetSocketAddress.class);
        }
        if (parked) {
            b.idleTimeout(31, TimeUnit.DAYS); // 30 days or more: idle mode off
        }
        if (!s.keepaliveTime().isZero()) {
            b.keepAliveTime(s.keepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
                    .keepAliveTimeout(s.keepaliveTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        if (ssl != null) {
            b.sslContext(ssl);
            if (!s.serverName().isEmpty()) {
                b.overrideAuthority(s.serverName());
            }
        } else {
            b.usePlaintext();
        }
        ManagedChannel c = b.build();
        c.getState(true);
        return c;
    }

    /** The channel for a call made on this thread: its loop's own, else one of the fallback channels. */
    private ManagedChannel channel() {
        if (!perLoop.isEmpty()) {
            EventExecutor here = ThreadExecutorMap.currentExecutor();
            if (here != null) {
                ManagedChannel c = perLoop.get(here);
                if (c != null) {
                    onOwnLoop.increment();
                    return c;
                }
            }
        }
        return channels[Math.floorMod(next.getAndIncrement(), channels.length)];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<ConnectResponse> onConnect(ConnectRequest request) {
        if (!breaker.allow()) {
            skippedByBreaker.increment();
            return CompletableFuture.failedFuture(new dev.hyrouter.plugin.PluginUnavailableException("circuit open"));
        }
        ClientCall<ConnectRequest, ConnectResponse> call = channel().newCall(PluginGrpc.ON_CONNECT,
                CallOptions.DEFAULT.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS));
        UnaryCall unary = new UnaryCall(call);
        started.increment();
        try {
            call.start(unary.listener, new Metadata());
            call.sendMessage(request);
            call.halfClose();
            call.request(2);
        } catch (RuntimeException e) {
            call.cancel("failed to start", e);
        }
        return unary;
    }

    /** Calls started and not finished (a leak shows here); striped counters, so loops never contend. */
    public int inFlight() {
        return (int) (started.sum() - finished.sum());
    }

    @Override
    public void reportMetrics(dev.hyrouter.plugin.PluginMetrics out) {
        out.gauge("hyrouter_grpc_calls_in_flight", "gRPC plugin calls started and not finished", inFlight(), "plugin", name);
        out.counter("hyrouter_grpc_calls_on_own_loop", "gRPC plugin calls made on the channel of the caller's own event loop",
                callsOnOwnLoop(), "plugin", name);
        out.gauge("hyrouter_grpc_circuit_open", "1 while the plugin's circuit breaker is open", circuitOpen() ? 1 : 0, "plugin", name);
        out.counter("hyrouter_grpc_circuit_opened", "Times the circuit breaker opened", circuitOpenedCount(), "plugin", name);
        out.counter("hyrouter_grpc_skipped_by_breaker", "Calls refused by the open circuit", skippedByBreaker(), "plugin", name);
        for (Map.Entry<EventExecutor, ManagedChannel> e : perLoop.entrySet()) {
            out.gauge("hyrouter_grpc_channels_ready", "Plugin channels in state READY (per-loop and fallback)",
                    e.getValue().getState(false) == io.grpc.ConnectivityState.READY ? 1 : 0, "plugin", name, "channel",
                    "loop-" + Integer.toHexString(System.identityHashCode(e.getKey())));
        }
        for (int i = 0; i < channels.length; i++) {
            out.gauge("hyrouter_grpc_channels_ready", "Plugin channels in state READY (per-loop and fallback)",
                    channels[i].getState(false) == io.grpc.ConnectivityState.READY ? 1 : 0, "plugin", name, "channel", "fallback-" + i);
        }
    }

    /** Calls made on the caller's own event loop's channel (no thread crossed). */
    public long callsOnOwnLoop() {
        return onOwnLoop.sum();
    }

    /** Event loops with a channel of their own (0 outside a router). */
    public int perLoopChannels() {
        return perLoop.size();
    }

    /** Calls refused by the open circuit. */
    public long skippedByBreaker() {
        return skippedByBreaker.sum();
    }

    public boolean circuitOpen() {
        return breaker.isOpen();
    }

    public long circuitOpenedCount() {
        return breaker.timesOpened();
    }

    /**
     * The twin's server's answers, in turn the shapes a plugin's answers take, so the players'
     * first answers meet client code (JSON decoding, the chain applying the response) already
     * compiled for each: unchanged; steered to the backend routing chose, with referral content;
     * denied (one in eight). The warm-up's client takes a Disconnect as an answer like a referral.
     */
    static final class TwinAnswers implements java.util.function.Function<ConnectRequest, ConnectResponse> {
        /** Lengths of each remainder by 3, so the base64 decoder meets every padding (none, one, two). */
        private static final byte[][] CONTENT = {"warm-up!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                "warm-up".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "warm-up!".getBytes(java.nio.charset.StandardCharsets.US_ASCII)};
        private static final ConnectResponse DENIED = ConnectResponse.denyWith("warm-up");
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public ConnectResponse apply(ConnectRequest request) {
            int n = calls.getAndIncrement() & 7;
            if (n == 7) {
                return DENIED;
            }
            if ((n & 1) == 0 || request.backend() == null) {
                return ConnectResponse.EMPTY;
            }
            return ConnectResponse.EMPTY.withBackend(request.backend()).withReferralContent(CONTENT[(n >> 1) % 3]);
        }
    }

    /** A twin's loopback plugin server's port; -1 on a plugin that calls the operator's server. */
    int twinServerPort() {
        return twinServer == null ? -1 : twinServer.port();
    }

    public int channelCount() {
        return channels.length;
    }

    /** A twin: parks it (see {@link #warmupTwin}). Otherwise: closes this plugin's twins, then its channels and group. */
    @Override
    public void close() {
        if (twinServer != null) {
            LOG.debug("grpc plugin {}: warm-up twin parked until the plugin closes", name);
            return;
        }
        for (GrpcPlugin t : twins) {
            t.shutDown();
        }
        twins.clear();
        shutDown();
    }

    private void shutDown() {
        List<ManagedChannel> all = new ArrayList<>(List.of(channels));
        all.addAll(perLoop.values());
        for (ManagedChannel c : all) {
            c.shutdownNow();
        }
        for (ManagedChannel c : all) {
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (twinServer != null) {
            twinServer.close();
        }
    }

    /** One unary call as a future; cancelling it (the chain's timeout) cancels the RPC. */
    private final class UnaryCall extends CompletableFuture<ConnectResponse> {
        private final ClientCall<ConnectRequest, ConnectResponse> call;
        private ConnectResponse response;
        private final ClientCall.Listener<ConnectResponse> listener = new ClientCall.Listener<>() {
            @Override
            public void onMessage(ConnectResponse message) {
                response = message;
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                finished.increment();
                if (status.isOk() && response != null) {
                    breaker.success();
                    complete(response);
                } else {
                    breaker.failure();
                    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                        // The RPC's own deadline is the plugin's timeout: a timeout to the chain, not an error.
                        completeExceptionally(new dev.hyrouter.plugin.PluginTimeoutException("no answer within the plugin's timeout ("
                                + status.getDescription() + ")"));
                        return;
                    }
                    completeExceptionally(status.isOk()
                            ? Status.INTERNAL.withDescription("no response message").asRuntimeException()
                            : status.asRuntimeException(trailers));
                }
            }
        };

        UnaryCall(ClientCall<ConnectRequest, ConnectResponse> call) {
            this.call = call;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            call.cancel("abandoned by the router (timeout)", null);
            return cancelled;
        }
    }

    /** The socket channel of plugin connections, with the content-type installer at its head. */
    static final class JsonSocketChannel extends NioSocketChannel {
        JsonSocketChannel() {
            pipeline().addFirst("hyrouter-json-content-type", new JsonContentType.Installer());
        }
    }

    /** The same on an epoll event loop (the router's loops on Linux; the class is final, so the installer is added here). */
    static EpollSocketChannel jsonEpollChannel() {
        EpollSocketChannel ch = new EpollSocketChannel();
        ch.pipeline().addFirst("hyrouter-json-content-type", new JsonContentType.Installer());
        return ch;
    }
}
