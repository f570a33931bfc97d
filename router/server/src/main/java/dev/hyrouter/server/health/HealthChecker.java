package dev.hyrouter.server.health;

import dev.hyrouter.config.HealthCheckConfig;
import dev.hyrouter.config.PoolConfig;
import dev.hyrouter.config.RouteConfig;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.BackendHealth;
import dev.hyrouter.routing.DiscoveryException;
import dev.hyrouter.routing.DiscoveryResolver;
import dev.hyrouter.server.tls.AlpnProtocols;
import dev.hyrouter.util.LogText;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active backend health checks: every backend of a pool whose {@code health_checks} are enabled
 * is checked every {@code interval} (plus up to {@code jitter}) by a QUIC handshake, closed as soon
 * as it completes, or by a Version Negotiation exchange; {@code unhealthy_threshold} failures in a
 * row eject it, {@code healthy_threshold} successes bring it back, and routing reads the result
 * from {@link BackendHealth}.
 *
 * <p>Runs on one thread of its own ("hyrouter-health"), never on an event loop: all state below is
 * that thread's. A backend is one target however many pools list it (key {@code host:port}), so it is
 * checked once per interval; targets follow the running config and discovery, re-read every
 * second and after each reload, and keep their state while they stay. At most
 * {@code max_in_flight} checks run at once; the rest wait their turn.
 */
public final class HealthChecker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.hyrouter.health");
    private static final AttributeKey<Check> CHECK = AttributeKey.valueOf("hyrouter.health.check");
    /** Routing's view of the world refreshes at this pace (discovery changes, reloads) besides the reload hook. */
    private static final long SYNC_MILLIS = 1000;
    /** A reserved version of the form 0x?a?a?a?a (RFC 9000 15): no server supports it, every one must negotiate. */
    static final int GREASE_VERSION = 0x1a2a3a4a;

    /** What the checker reads each time it syncs: the running config and the discovery behind it. */
    public record Inputs(RouterConfig config, DiscoveryResolver resolver) {
    }

    /** One backend as {@code GET /-/backends} shows it. */
    public record Status(String target, List<String> pools, boolean checked, String state, boolean drained, String probe,
            long lastCheckEpochMillis, String lastResult, long checks, long failures) {
    }

    private final BackendHealth health;
    private final Supplier<Inputs> inputs;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Channel quicSocket;
    private final Channel versionSocket;
    private final Map<List<String>, QuicSslContext> contexts = new ConcurrentHashMap<>();
    private final Map<String, Target> targets = new LinkedHashMap<>();
    /** Every backend of every pool, checked or not, as of the last sync: for {@code /-/backends}. */
    private Map<String, List<String>> allBackends = Map.of();
    private final ArrayDeque<Target> waiting = new ArrayDeque<>();
    private final Map<Long, Check> versionChecks = new HashMap<>();
    private int inFlight;
    private int peakInFlight;
    private int maxInFlight = HealthCheckConfig.DEFAULTS.maxInFlight();
    private final Map<String, Long> lastLogged = new HashMap<>();
    private final Map<String, Integer> notLogged = new HashMap<>();

    private final Metrics metrics;

    /**
     * The checker's counters; made once per router and registered with the admin listener's
     * registry at start, so that a checker a reload starts later counts into them.
     */
    public static final class Metrics {
        final Counter checksTotal = Counter.builder().name("hyrouter_health_checks")
                .help("Backend health checks by result: ok, timeout (no answer in health_checks.timeout), refused (the backend"
                        + " closed the handshake or answered with an error), unresolved (the host name did not resolve)")
                .labelNames("result").build();
        final Histogram checkSeconds = Histogram.builder().name("hyrouter_health_check_seconds")
                .help("How long a successful health check took (handshake or version exchange)")
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5).build();
        final Counter ejections = Counter.builder().name("hyrouter_backend_ejections")
                .help("Times a backend went from healthy (or not yet checked) to unhealthy").build();

        public List<io.prometheus.metrics.model.registry.Collector> collectors() {
            return List.of(checksTotal, checkSeconds, ejections);
        }
    }

    private HealthChecker(BackendHealth health, Supplier<Inputs> inputs, EventLoopGroup group, Metrics metrics) {
        this.health = health;
        this.metrics = metrics;
        this.inputs = inputs;
        this.group = group;
        this.loop = group.next();
        QuicClientCodecBuilder codec = new QuicClientCodecBuilder()
                .sslEngineProvider(q -> {
                    Check c = q.attr(CHECK).get();
                    return contextFor(c.alpn).newEngine(q.alloc(), c.target.host, c.target.port);
                })
                .maxIdleTimeout(5, TimeUnit.SECONDS)
                // A check opens no stream and accepts none: the backend gets nothing to serve.
                .initialMaxData(0)
                .initialMaxStreamsBidirectional(0)
                .initialMaxStreamsUnidirectional(0);
        this.quicSocket = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(codec.build()).bind(0).syncUninterruptibly().channel();
        this.versionSocket = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        versionAnswer(p);
                    }
                }).bind(0).syncUninterruptibly().channel();
    }

    /**
     * Starts checking what {@code inputs} lists (now, every second, and on {@link #sync()}); results go
     * into {@code health}.
     */
    public static HealthChecker start(BackendHealth health, Supplier<Inputs> inputs, Metrics metrics) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "hyrouter-health");
            t.setDaemon(true);
            return t;
        }, NioIoHandler.newFactory());
        try {
            HealthChecker c = new HealthChecker(health, inputs, group, metrics);
            c.loop.scheduleWithFixedDelay(c::syncNow, 0, SYNC_MILLIS, TimeUnit.MILLISECONDS);
            return c;
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** Re-reads the targets now (after a reload); returns at once. */
    public void sync() {
        loop.execute(this::syncNow);
    }

    /** Every backend of every pool, its pools and health; computed on the checker's thread. */
    public List<Status> statuses() {
        try {
            return loop.submit(this::statusesNow).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the health checker did not answer: " + e, e);
        }
    }

    /** The most checks that ran at once since the start (never above {@code max_in_flight}). */
    public int peakInFlight() {
        try {
            return loop.submit(() -> peakInFlight).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the health checker did not answer: " + e, e);
        }
    }

    /** Whether {@code target} is a backend of some pool now (drain refuses others: a typo must not pass silently). */
    public boolean knows(String target) {
        try {
            return loop.submit(() -> allBackends.containsKey(target)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    private final class Target {
        final String key;
        final String host;
        final int port;
        HealthCheckConfig settings;
        List<String> alpn;
        List<String> pools;
        int successes;
        int failures;
        long checks;
        long failed;
        long lastCheckMillis;
        String lastResult = "not checked yet";
        ScheduledFuture<?> next;
        boolean running;
        boolean removed;

        Target(String key, String host, int port) {
            this.key = key;
            this.host = host;
            this.port = port;
        }
    }

    /** One check in flight; finishes once, whichever of answer, failure or timeout comes first. */
    private final class Check {
        final Target target;
        final HealthCheckConfig.Probe probe;
        final List<String> alpn;
        final long started = System.nanoTime();
        boolean done;
        Channel channel;
        ScheduledFuture<?> timeout;
        long versionId;

        Check(Target target) {
            this.target = target;
            this.probe = target.settings.probe();
            this.alpn = target.alpn;
        }
    }

    private void syncNow() {
        Inputs in;
        try {
            in = inputs.get();
        } catch (RuntimeException e) {
            LOG.warn("health checks: cannot read the running config: {}", e.toString());
            return;
        }
        if (in == null) {
            return;
        }
        RouterConfig config = in.config();
        maxInFlight = config.healthChecks().maxInFlight();
        Map<String, List<String>> all = new LinkedHashMap<>();
        Map<String, Target> wanted = new LinkedHashMap<>();
        List<RouteConfig> routes = config.routing().routes();
        for (int i = 0; i < routes.size(); i++) {
            collect(this, config, in.resolver(), routes.get(i).pool(), "routing.routes[" + i + "]", all, wanted);
        }
        if (config.routing().defaultPool() != null) {
            collect(this, config, in.resolver(), config.routing().defaultPool(), "routing.default", all, wanted);
        }
        allBackends = all;
        for (Iterator<Map.Entry<String, Target>> it = targets.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Target> e = it.next();
            if (!wanted.containsKey(e.getKey())) {
                Target t = e.getValue();
                t.removed = true;
                if (t.next != null) {
                    t.next.cancel(false);
                }
                it.remove();
                health.forget(t.key);
                // Discovered fleets churn: what is kept per backend goes with it.
                lastLogged.remove(t.key);
                notLogged.remove(t.key);
                LOG.info("health checks: {} is no longer a checked backend (it left its pools or they stopped checking)", t.key);
            }
        }
        for (Target w : wanted.values()) {
            Target t = targets.get(w.key);
            if (t == null) {
                targets.put(w.key, w);
                // A backend is checked the moment it appears: until then routing treats it as unknown (usable).
                w.next = loop.schedule(() -> due(w), 0, TimeUnit.MILLISECONDS);
            } else {
                t.settings = w.settings;
                t.alpn = w.alpn;
                t.pools = w.pools;
            }
        }
    }

    /** Every backend of every pool of {@code config} now (static and discovered), with the pools listing it. */
    public static Map<String, List<String>> backendsOf(RouterConfig config, DiscoveryResolver resolver) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        Map<String, Target> ignored = new LinkedHashMap<>();
        List<RouteConfig> routes = config.routing().routes();
        for (int i = 0; i < routes.size(); i++) {
            collect(null, config, resolver, routes.get(i).pool(), "routing.routes[" + i + "]", all, ignored);
        }
        if (config.routing().defaultPool() != null) {
            collect(null, config, resolver, config.routing().defaultPool(), "routing.default", all, ignored);
        }
        return all;
    }

    /** Statuses of every backend when nothing is checked: for {@code /-/backends} before any pool enables checks. */
    public static List<Status> uncheckedStatuses(RouterConfig config, DiscoveryResolver resolver, BackendHealth.Snapshot snap) {
        List<Status> out = new ArrayList<>();
        Map<String, List<String>> all = backendsOf(config, resolver);
        all.forEach((k, pools) -> out.add(new Status(k, List.copyOf(pools), false, "unchecked", snap.drainedTargets().contains(k), "", 0, "",
                0, 0)));
        for (String d : snap.drainedTargets()) {
            if (!all.containsKey(d)) {
                out.add(new Status(d, List.of(), false, "gone", true, "", 0, "drained, and no pool lists it now", 0, 0));
            }
        }
        return out;
    }

    private static void collect(HealthChecker checker, RouterConfig config, DiscoveryResolver resolver, PoolConfig pool, String name, Map<String, List<String>> all,
            Map<String, Target> wanted) {
        List<Backend> backends = new ArrayList<>(pool.backends());
        if (pool.discovery() != null && resolver != null && !resolver.allocates(pool.discovery().provider())) {
            try {
                backends.addAll(resolver.resolve(pool.discovery().provider()));
            } catch (DiscoveryException e) {
                // Discovery's own errors are reported by discovery; its last good list stays in routing.
            }
        }
        HealthCheckConfig hc = pool.healthChecks();
        for (Backend b : backends) {
            String key = BackendHealth.target(b.host(), b.port());
            List<String> pools = all.computeIfAbsent(key, k -> new ArrayList<>());
            if (!pools.contains(name)) {
                pools.add(name);
            }
            if (!hc.enabled() || checker == null) {
                continue;
            }
            Target t = wanted.get(key);
            if (t == null) {
                // The first pool (routes in order, then the default) that checks a backend sets how.
                t = checker.new Target(key, b.host(), b.port());
                t.settings = hc;
                t.alpn = AlpnProtocols.expand(hc.alpn().isEmpty() ? config.tls().alpn() : hc.alpn());
                t.pools = pools;
                wanted.put(key, t);
            }
        }
    }

    private void due(Target t) {
        t.next = null;
        if (t.removed || t.running) {
            return;
        }
        if (inFlight >= maxInFlight) {
            waiting.add(t);
            return;
        }
        start(t);
    }

    private void start(Target t) {
        inFlight++;
        peakInFlight = Math.max(peakInFlight, inFlight);
        t.running = true;
        Check c = new Check(t);
        InetSocketAddress address;
        try {
            // Resolving blocks this thread (not an event loop) for the lookup; IP literals cost nothing.
            address = new InetSocketAddress(InetAddress.getByName(t.host), t.port);
        } catch (UnknownHostException | SecurityException e) {
            finish(c, "unresolved", "host name does not resolve: " + e.getMessage());
            return;
        }
        c.timeout = loop.schedule(() -> {
            // Finished first: closing fails the connect, which must not count as a refusal.
            finish(c, "timeout", "no answer within " + t.settings.timeout().toMillis() + " ms");
            if (c.channel != null) {
                c.channel.close();
            }
        }, t.settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
        if (c.probe == HealthCheckConfig.Probe.VERSION) {
            versionProbe(c, address);
        } else {
            handshake(c, address);
        }
    }

    private void handshake(Check c, InetSocketAddress address) {
        QuicChannel.newBootstrap(quicSocket)
                .attr(CHECK, c)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void handlerAdded(ChannelHandlerContext ctx) {
                        c.channel = ctx.channel();
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof QuicConnectionCloseEvent close && !c.done) {
                            finish(c, "refused", "the backend closed the handshake (" + (close.isApplicationClose() ? "application" : "transport")
                                    + " error " + close.error() + (close.reason().length > 0 ? ", " + LogText.controls(new String(close.reason(),
                                    java.nio.charset.StandardCharsets.UTF_8), LogText.PLUGIN_CAP) : "") + ")");
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
                .remoteAddress(address)
                .connect()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        ((QuicChannel) f.getNow()).close();
                        finish(c, "ok", null);
                    } else {
                        Throwable cause = f.cause();
                        finish(c, "refused", "handshake failed: " + (cause == null ? "unknown" : cause.getMessage() == null
                                ? cause.getClass().getSimpleName() : LogText.controls(cause.getMessage(), LogText.PLUGIN_CAP)));
                    }
                });
    }

    private void versionProbe(Check c, InetSocketAddress address) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long id;
        do {
            id = rnd.nextLong();
        } while (versionChecks.containsKey(id));
        c.versionId = id;
        versionChecks.put(id, c);
        // A client Initial must fill 1,200 bytes; a server answers a smaller one with nothing.
        ByteBuf p = versionSocket.alloc().buffer(1200);
        p.writeByte(0xC0 | rnd.nextInt(16));
        p.writeInt(GREASE_VERSION);
        p.writeByte(8);
        p.writeLong(rnd.nextLong());
        p.writeByte(8);
        p.writeLong(id);
        p.writeZero(1200 - p.writerIndex());
        versionSocket.writeAndFlush(new DatagramPacket(p, address)).addListener(f -> {
            if (!f.isSuccess()) {
                finish(c, "refused", "cannot send: " + f.cause());
            }
        });
    }

    /** A Version Negotiation packet: long header, version 0, our connection id as its destination. */
    private void versionAnswer(DatagramPacket packet) {
        ByteBuf b = packet.content();
        if (b.readableBytes() < 7 + 8 || (b.getByte(b.readerIndex()) & 0x80) == 0 || b.getInt(b.readerIndex() + 1) != 0
                || b.getUnsignedByte(b.readerIndex() + 5) != 8) {
            return;
        }
        Check c = versionChecks.get(b.getLong(b.readerIndex() + 6));
        if (c != null && c.target.port == packet.sender().getPort()) {
            finish(c, "ok", null);
        }
    }

    private void finish(Check c, String result, String why) {
        if (c.done) {
            return;
        }
        c.done = true;
        if (c.timeout != null) {
            c.timeout.cancel(false);
        }
        if (c.versionId != 0) {
            versionChecks.remove(c.versionId);
        }
        long nanos = System.nanoTime() - c.started;
        inFlight--;
        Target t = c.target;
        t.running = false;
        t.checks++;
        t.lastCheckMillis = System.currentTimeMillis();
        metrics.checksTotal.labelValues(result).inc();
        boolean ok = why == null;
        if (ok) {
            metrics.checkSeconds.observe(nanos / 1e9);
            t.successes++;
            t.failures = 0;
            t.lastResult = String.format(java.util.Locale.ROOT, "ok in %.1f ms", nanos / 1e6);
        } else {
            t.failed++;
            t.failures++;
            t.successes = 0;
            t.lastResult = why;
        }
        if (!t.removed) {
            judge(t, ok, why);
            HealthCheckConfig s = t.settings;
            long jitter = s.jitter().toNanos();
            // Paced from the check's start, so a backend that times out is still checked every interval:
            // ejection takes unhealthy_threshold x (interval + jitter) + timeout at most.
            long delay = Math.max(0, s.interval().toNanos() + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter + 1) : 0) - nanos);
            t.next = loop.schedule(() -> due(t), delay, TimeUnit.NANOSECONDS);
        }
        while (inFlight < maxInFlight && !waiting.isEmpty()) {
            Target w = waiting.poll();
            if (!w.removed && !w.running) {
                start(w);
            }
        }
    }

    private void judge(Target t, boolean ok, String why) {
        BackendHealth.State now = health.snapshot().states().getOrDefault(t.key, BackendHealth.State.UNKNOWN);
        BackendHealth.State next = now;
        if (now == BackendHealth.State.UNKNOWN) {
            // A backend with no record yet enters on its first result: a new server that is down gets no player.
            next = ok ? BackendHealth.State.HEALTHY : BackendHealth.State.UNHEALTHY;
        } else if (now == BackendHealth.State.HEALTHY && !ok && t.failures >= t.settings.unhealthyThreshold()) {
            next = BackendHealth.State.UNHEALTHY;
        } else if (now == BackendHealth.State.UNHEALTHY && ok && t.successes >= t.settings.healthyThreshold()) {
            next = BackendHealth.State.HEALTHY;
        }
        if (next == now) {
            return;
        }
        health.set(t.key, next);
        if (next == BackendHealth.State.UNHEALTHY) {
            metrics.ejections.inc();
            stateLog(t.key, "backend " + t.key + " (" + String.join(", ", t.pools) + ") is UNHEALTHY after " + t.failures
                    + " failed check(s): " + why + "; players are referred to its pools' other backends (check the server and"
                    + " its firewall; GET /-/backends shows every backend)", true);
        } else if (now == BackendHealth.State.UNHEALTHY) {
            stateLog(t.key, "backend " + t.key + " (" + String.join(", ", t.pools) + ") is healthy again after " + t.successes
                    + " successful check(s); it receives players", false);
        } else {
            LOG.debug("backend {} is healthy (first check)", t.key);
        }
    }

    /** One line per state change, but a backend flapping faster than once a minute gets a line a minute with a count. */
    private void stateLog(String key, String message, boolean warn) {
        long now = System.nanoTime();
        Long last = lastLogged.get(key);
        if (last != null && now - last < TimeUnit.MINUTES.toNanos(1)) {
            notLogged.merge(key, 1, Integer::sum);
            return;
        }
        lastLogged.put(key, now);
        Integer skipped = notLogged.remove(key);
        String line = skipped == null ? message : message + " (" + skipped + " earlier change(s) of this backend not logged)";
        if (warn) {
            LOG.warn("{}", line);
        } else {
            LOG.info("{}", line);
        }
    }

    private List<Status> statusesNow() {
        BackendHealth.Snapshot snap = health.snapshot();
        List<Status> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : allBackends.entrySet()) {
            Target t = targets.get(e.getKey());
            boolean drained = snap.drainedTargets().contains(e.getKey());
            if (t == null) {
                out.add(new Status(e.getKey(), List.copyOf(e.getValue()), false, "unchecked", drained, "", 0, "", 0, 0));
            } else {
                out.add(new Status(t.key, List.copyOf(e.getValue()), true,
                        snap.states().getOrDefault(t.key, BackendHealth.State.UNKNOWN).configName(), drained, t.settings.probe().configName(),
                        t.lastCheckMillis, t.lastResult, t.checks, t.failed));
            }
        }
        for (String d : snap.drainedTargets()) {
            if (!allBackends.containsKey(d)) {
                out.add(new Status(d, List.of(), false, "gone", true, "", 0, "drained, and no pool lists it now", 0, 0));
            }
        }
        return out;
    }

    private QuicSslContext contextFor(List<String> alpn) {
        return contexts.computeIfAbsent(alpn, a -> QuicSslContextBuilder.forClient()
                // A check proves the backend answers; who it is was decided by the operator who listed it.
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocols(a.toArray(new String[0]))
                .build());
    }

    @Override
    public void close() {
        quicSocket.close();
        versionSocket.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
