package dev.hyrouter.server;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.config.ConfigException;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.ConfigWarning;
import dev.hyrouter.config.DiscoveryConfig;
import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.discovery.spi.Discovery;
import dev.hyrouter.discovery.spi.DiscoveryProviderFactory;
import dev.hyrouter.pipeline.RouterCore;
import dev.hyrouter.plugin.PluginFactory;
import dev.hyrouter.routing.BackendHealth;
import dev.hyrouter.routing.DiscoveryResolver;
import dev.hyrouter.server.health.HealthChecker;
import dev.hyrouter.server.quic.Generation;
import dev.hyrouter.server.quic.IntakeStats;
import dev.hyrouter.util.LatencyRecorder;
import dev.hyrouter.server.quic.QuicIntake;
import dev.hyrouter.server.tls.AlpnProtocols;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running router: event loops, the transport-independent core (routing, plugins, pipeline),
 * the discovery providers and the QUIC intake. {@link #reload()} swaps the core for new
 * connections; {@link #drain(Duration)} is the graceful shutdown; {@link #close()} stops at once.
 */
public final class RouterServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterServer.class);
    private static final Logger STATS = LoggerFactory.getLogger("dev.hyrouter.stats");

    private final EventLoopGroup group;
    private final QuicIntake intake;
    private final Map<PluginConfig.PluginType, PluginFactory> pluginFactories;
    /** Discovery factories when this server starts its own providers; {@code null} with a caller's resolver. */
    private final Map<String, DiscoveryProviderFactory> discoveryFactories;
    private final DiscoveryResolver fixedResolver;
    private volatile RouterCore core;
    /** The providers behind the resolver, for the stats line and readiness; {@code null} for another resolver. */
    private volatile Discovery discovery;
    private volatile ReloadResult lastReload;
    /**
     * Work that must not run on an event loop: the stats line (it merges the latency recorders
     * under the lock a scrape also takes), and closing what a reload replaced (plugin runtimes and
     * discovery clients wait for their threads when they close).
     */
    private final java.util.concurrent.ScheduledExecutorService housekeeping = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "hyrouter-housekeeping");
                t.setDaemon(true);
                return t;
            });
    private org.HdrHistogram.Histogram lastLatency;
    private volatile boolean closed;

    /** What a reload did: whether the new config serves, its generation, and the reason when not. */
    public record ReloadResult(boolean ok, long generation, String message, long atMillis) {
    }

    private RouterServer(EventLoopGroup group, RouterCore core, QuicIntake intake, Map<PluginConfig.PluginType, PluginFactory> pluginFactories,
            Map<String, DiscoveryProviderFactory> discoveryFactories, DiscoveryResolver resolver, BackendHealth health) {
        this.group = group;
        this.health = health;
        this.core = core;
        this.intake = intake;
        this.pluginFactories = pluginFactories;
        this.discoveryFactories = discoveryFactories;
        this.discovery = resolver instanceof Discovery d ? d : null;
        this.fixedResolver = discoveryFactories == null ? resolver : null;
        this.lastReload = new ReloadResult(true, 1, "started with " + core.config().source(), System.currentTimeMillis());
        long interval = core.config().logging().statsInterval().toMillis();
        if (interval > 0) {
            housekeeping.scheduleAtFixedRate(this::logStats, interval, interval, TimeUnit.MILLISECONDS);
        }
        housekeeping.scheduleWithFixedDelay(this::watchLimits, LIMITS_EVERY_SECONDS, LIMITS_EVERY_SECONDS, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(this::watchCertificate, CERTIFICATE_EVERY_SECONDS, CERTIFICATE_EVERY_SECONDS, TimeUnit.SECONDS);
        ensureHealthChecker();
    }

    private final BackendHealth health;
    private final HealthChecker.Metrics healthMetrics = new HealthChecker.Metrics();

    /** The health checker's counters (registered once; a checker started by a reload counts into them). */
    public HealthChecker.Metrics healthMetrics() {
        return healthMetrics;
    }
    /** Started when a config first enables health checks in some pool; then kept (it forgets what no pool checks). */
    private volatile HealthChecker healthChecker;

    private synchronized HealthChecker ensureHealthChecker() {
        if (healthChecker == null && checksSomething(core.config()) && !closed) {
            healthChecker = HealthChecker.start(health, () -> new HealthChecker.Inputs(core.config(), resolver()), healthMetrics);
            LOG.info("backend health checks on (GET /-/backends on the admin listener lists every backend and its health)");
        }
        return healthChecker;
    }

    private static boolean checksSomething(RouterConfig c) {
        if (c.routing().defaultPool() != null && c.routing().defaultPool().healthChecks().enabled()) {
            return true;
        }
        return c.routing().routes().stream().anyMatch(r -> r.pool().healthChecks().enabled());
    }

    /** The discovery routing reads: the providers this server started, or the caller's resolver. */
    private DiscoveryResolver resolver() {
        Discovery d = discovery;
        return d != null ? d : fixedResolver;
    }

    /** Backend health as routing reads it (drains are set here). */
    public BackendHealth health() {
        return health;
    }

    /** The health checker, {@code null} while no pool of the running config checks its backends. */
    public HealthChecker healthChecker() {
        return healthChecker;
    }

    private static final long LIMITS_EVERY_SECONDS = 5;
    /** How often tls.cert_file and tls.key_file are read for a new certificate (two small files; a hash compare). */
    static final long CERTIFICATE_EVERY_SECONDS = 2;

    private void watchCertificate() {
        try {
            intake.certificates().checkFiles();
        } catch (RuntimeException e) {
            LOG.warn("certificate check failed: {}", dev.hyrouter.util.Failures.describe(e));
        }
    }
    private static final org.slf4j.Logger LIMITS = org.slf4j.LoggerFactory.getLogger("dev.hyrouter.limits");
    private final long[] refusedSeen = new long[IntakeStats.limitKeys().size()];
    private boolean retrySeen;

    /**
     * Forgets idle sources, and tells the operator (at most one line per limit every few seconds,
     * never a line per connection) when limits refused connections or Retry switched on or off.
     */
    private boolean shedSeen;
    private long shedSince;

    private void watchLimits() {
        try {
            intake.sweepSources();
            List<String> keys = IntakeStats.limitKeys();
            for (int i = 0; i < keys.size(); i++) {
                long n = intake.stats().refusedByLimit(keys.get(i));
                if (keys.get(i).equals("handshake_queue_target")) {
                    // Shedding is the router working as designed in a rush: say when it starts and stops.
                    if (n > refusedSeen[i] && !shedSeen) {
                        LIMITS.warn("shedding: new handshakes queue longer than limits.handshake_queue_target; new clients are told"
                                + " \"server busy\" at once (no TLS work) while admitted ones are served; more capacity (replicas,"
                                + " cores) ends it (hyrouter_refused_total{limit=\"handshake_queue_target\"})");
                        shedSeen = true;
                        shedSince = n - refusedSeen[i];
                    } else if (n > refusedSeen[i]) {
                        shedSince += n - refusedSeen[i];
                    } else if (shedSeen) {
                        LIMITS.warn("shedding stopped: {} new connection(s) were refused as \"server busy\" while it lasted", shedSince);
                        shedSeen = false;
                    }
                    refusedSeen[i] = n;
                    continue;
                }
                if (n > refusedSeen[i]) {
                    LIMITS.warn("{} connection(s) refused by limits.{} in the last {} s; raise it if these clients are legitimate"
                            + " (hyrouter_refused_total counts them by limit)", n - refusedSeen[i], keys.get(i), LIMITS_EVERY_SECONDS);
                }
                refusedSeen[i] = n;
            }
            boolean retrying = intake.retryingLoops() > 0;
            if (retrying != retrySeen && intake.generation().core().config().limits().retry() == dev.hyrouter.config.LimitsConfig.RetryMode.AUTO) {
                LIMITS.warn(retrying ? "QUIC Retry switched on: new connections arrive faster than limits.retry_threshold; new clients now"
                        + " prove their address first (one more round trip)" : "QUIC Retry switched off: new connections are below limits.retry_threshold again");
            }
            retrySeen = retrying;
        } catch (RuntimeException e) {
            LIMITS.warn("limit housekeeping failed: {}", dev.hyrouter.util.Failures.describe(e));
        }
    }

    /** One line of counters for an operator; answer latency over the interval since the last line. */
    private void logStats() {
        org.HdrHistogram.Histogram now = intake.latency().cumulative();
        org.HdrHistogram.Histogram h = now.copy();
        if (lastLatency != null) {
            h.subtract(lastLatency);
        }
        lastLatency = now;
        StringBuilder plugins = new StringBuilder();
        core.plugins().stats().forEach(s -> plugins.append(' ').append(s));
        Discovery d = discovery;
        String disc = d == null ? "" : d.statsLine();
        STATS.info("{}; answer latency us p50={} p99={} p999={} over {} answers{}{}", intake.stats(),
                h.getValueAtPercentile(50) / 1000, h.getValueAtPercentile(99) / 1000, h.getValueAtPercentile(99.9) / 1000,
                h.getTotalCount(), plugins, disc.isEmpty() ? "" : "; " + disc);
    }

    /**
     * Starts with the plugin runtimes and discovery providers found on the class path: the
     * configured providers start first and the listener opens once they have synced, or after
     * {@code discovery.sync_timeout}, whichever comes first.
     */
    public static RouterServer start(RouterConfig config) throws InterruptedException {
        Map<String, DiscoveryProviderFactory> factories = Discovery.factories();
        Discovery discovery = startDiscovery(config.discovery(), factories);
        try {
            return start(config, RouterCore.discoverFactories(), discovery, factories);
        } catch (RuntimeException | InterruptedException e) {
            discovery.close();
            throw e;
        }
    }

    /** Starts with a resolver the caller owns and closes (tests, benchmarks); reloads keep using it. */
    public static RouterServer start(RouterConfig config, Map<PluginConfig.PluginType, PluginFactory> factories,
            DiscoveryResolver discovery) throws InterruptedException {
        return start(config, factories, discovery, null);
    }

    private static Discovery startDiscovery(DiscoveryConfig config, Map<String, DiscoveryProviderFactory> factories)
            throws InterruptedException {
        Discovery d = Discovery.start(config, factories);
        if (config != null) {
            try {
                d.awaitFirstSync(config.syncTimeout());
            } catch (InterruptedException | RuntimeException e) {
                d.close();
                throw e;
            }
        }
        return d;
    }

    private static RouterServer start(RouterConfig config, Map<PluginConfig.PluginType, PluginFactory> factories,
            DiscoveryResolver resolver, Map<String, DiscoveryProviderFactory> discoveryFactories) throws InterruptedException {
        QuicIntake.AccessLogTarget accessLog = QuicIntake.openAccessLog(config);
        EventLoopGroup group = QuicIntake.newGroup(config);
        RouterCore core = null;
        try {
            BackendHealth health = new BackendHealth();
            core = RouterCore.build(config, factories, group, resolver, null, health);
            QuicIntake intake = QuicIntake.start(core, group, QuicIntake.epollAvailable(), accessLog);
            return new RouterServer(group, core, intake, factories, discoveryFactories, resolver, health);
        } catch (RuntimeException | InterruptedException e) {
            accessLog.discard();
            if (core != null) {
                core.close();
            }
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /**
     * Reads the config file again and, when it is valid and needs no restart, makes it the config
     * of new connections: routes, messages, referral keys, plugins (unchanged ones keep their
     * instances; removed ones are closed after their last call) and discovery (restarted only if
     * its section changed). Connections in flight finish under the config they started with. An
     * invalid file, or a change to what only a restart can change, is refused with the reason and
     * the running config keeps serving. Serialized; never runs on an event loop.
     */
    public synchronized ReloadResult reload() {
        RouterConfig old = core.config();
        long generation = intake.generation().number();
        if (old.source().isEmpty()) {
            return refuse(generation, "the running config was not read from a file; there is nothing to read again");
        }
        RouterConfig next;
        try {
            next = ConfigLoader.load(Path.of(old.source()));
        } catch (ConfigException e) {
            return refuse(generation, "invalid config: " + e.getMessage());
        }
        String restart = restartOnly(old, next);
        if (restart != null) {
            return refuse(generation, restart + " changed: that needs a restart (listen address, TLS and QUIC settings are fixed while "
                    + "running); nothing was changed");
        }
        for (ConfigWarning w : next.warnings()) {
            LOG.warn("config: {}", w);
        }
        QuicIntake.AccessLogTarget accessLog;
        try {
            accessLog = QuicIntake.openAccessLog(next);
        } catch (IllegalStateException e) {
            return refuse(generation, e.getMessage());
        }

        try {
            // Checked before anything changes: a broken new pair refuses the reload, the old one serves on.
            intake.certificates().rotate(next.tls());
        } catch (IllegalStateException e) {
            accessLog.discard();
            return refuse(generation, e.getMessage());
        }
        ReloadResult result = install(old, next, generation, accessLog);
        if (!result.ok()) {
            accessLog.discard();
        } else {
            try {
                // Read again on every reload, so that rotating a key file's content takes a reload.
                intake.installTicketKeys(next.tls());
            } catch (IllegalStateException e) {
                // The loader read the same files a moment ago: one changed in between. The keys in use stay.
                LOG.error("session ticket keys not changed: {}", e.getMessage());
            }
        }
        return result;
    }

    /** Starts what changed and makes {@code next} the running config, or refuses with the reason. */
    private ReloadResult install(RouterConfig old, RouterConfig next, long generation, QuicIntake.AccessLogTarget accessLog) {
        Discovery oldDiscovery = discovery;
        Discovery nextDiscovery = oldDiscovery;
        DiscoveryResolver resolver = fixedResolver;
        if (discoveryFactories != null) {
            if (!sameDiscovery(old.discovery(), next.discovery())) {
                try {
                    nextDiscovery = startDiscovery(next.discovery(), discoveryFactories);
                } catch (RuntimeException e) {
                    return refuse(generation, "discovery cannot start: " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return refuse(generation, "interrupted while discovery was starting");
                }
            }
            resolver = nextDiscovery;
        }
        RouterCore previous = core;
        RouterCore nextCore;
        try {
            nextCore = RouterCore.build(next, pluginFactories, group, resolver, previous, health);
        } catch (RuntimeException e) {
            if (nextDiscovery != oldDiscovery) {
                nextDiscovery.close();
            }
            return refuse(generation, e.getMessage());
        }
        intake.useAccessLog(accessLog);
        Generation installed = intake.install(nextCore);
        core = nextCore;
        discovery = nextDiscovery;
        HealthChecker checker = ensureHealthChecker();
        if (checker != null) {
            checker.sync();
        }
        List<String> retired = previous.retire(nextCore, housekeeping);
        if (nextDiscovery != oldDiscovery && oldDiscovery != null) {
            // Allocations already started finish on the old providers; then they go.
            housekeeping.schedule(oldDiscovery::close, 10, TimeUnit.SECONDS);
        }
        String message = "reloaded " + next.source() + ": generation " + installed.number() + ", " + next.routing().routes().size()
                + " route(s), " + next.plugins().size() + " plugin(s)" + (retired.isEmpty() ? "" : ", closing " + retired)
                + (nextDiscovery != oldDiscovery ? ", discovery restarted" : "");
        LOG.info("{}", message);
        lastReload = new ReloadResult(true, installed.number(), message, System.currentTimeMillis());
        return lastReload;
    }

    private ReloadResult refuse(long generation, String why) {
        LOG.error("reload refused, the running config keeps serving: {}", why);
        lastReload = new ReloadResult(false, generation, why, System.currentTimeMillis());
        return lastReload;
    }

    /** The first restart-only setting that differs, or {@code null}. */
    private static String restartOnly(RouterConfig a, RouterConfig b) {
        if (!a.listen().equals(b.listen())) {
            return "listen";
        }
        if (!a.tls().restartOnly().equals(b.tls().restartOnly())) {
            return "tls (but for cert_file, key_file and session_ticket_keys)";
        }
        if (!a.quic().equals(b.quic())) {
            return "quic";
        }
        if (!a.operations().adminListen().equals(b.operations().adminListen())) {
            return "admin.listen";
        }
        return null;
    }

    /** Provider definitions equal but for where in the file they are. */
    private static boolean sameDiscovery(DiscoveryConfig a, DiscoveryConfig b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (!a.syncTimeout().equals(b.syncTimeout()) || a.providers().size() != b.providers().size()) {
            return false;
        }
        for (int i = 0; i < a.providers().size(); i++) {
            DiscoveryConfig.Provider x = a.providers().get(i);
            DiscoveryConfig.Provider y = b.providers().get(i);
            if (!x.name().equals(y.name()) || !x.type().equals(y.type()) || !Objects.equals(x.settings(), y.settings())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Graceful shutdown: stops taking new connections (they are closed at once, and
     * {@link #ready()} turns false), waits until the connections in flight have ended or
     * {@code timeout} has passed, then closes everything.
     *
     * @return whether every connection ended within the timeout
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        intake.startDraining();
        long open = intake.stats().connectionsOpen();
        LOG.info("draining: no new connections; waiting up to {} ms for {} connection(s) in flight", timeout.toMillis(), open);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (intake.stats().connectionsOpen() > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        boolean drained = intake.stats().connectionsOpen() == 0;
        if (!drained) {
            LOG.warn("drain timeout: closing {} connection(s) still open", intake.stats().connectionsOpen());
        }
        close();
        return drained;
    }

    /** Set while {@link #warmUp} runs: the sessions done and to do, for {@code /readyz}. */
    private volatile String warming;

    /**
     * What a warm-up did: sessions run, of which {@code failed} got no answer, how long it took,
     * and how many settling rounds it needed before the compiler had little left to do.
     */
    public record WarmupResult(int sessions, int failed, long millis, int settlingRounds) {
    }

    /**
     * Runs {@code sessions} sessions against this router's own listener over loopback, 16 at a
     * time, each a full TLS handshake and one Connect, so the JIT compiles the serving path
     * (QUIC, TLS glue, Connect decoding, routing, in-process plugins, the answer) before players
     * arrive; not ready meanwhile. Then settling rounds (a tenth as many sessions, at most
     * {@value #SETTLE_ROUND}), each followed by a pause for the compiler, until a round gives the JIT less than
     * {@value #SETTLED_COMPILE_MS} ms of work: while sessions run, the compiler threads (at nice 1,
     * below the loops) fall behind, and HotSpot raises its C2 thresholds with the length of its
     * queue, so a method run once per session can sit in profiled C1 code through a whole
     * warm-up and reach C2 only on the first players' time (perf-reports/loadtest/2026-12-05-warm-start.md,
     * session 13). The sessions carry a random server name the intake decides with nothing
     * leaving the process (see {@link QuicIntake#beginWarmup}): no allocation, no
     * call to an out-of-process plugin (a gRPC plugin's twin calls a loopback server of the router's own),
     * no log line or answer counter. The first sessions stop at two thirds of {@code maxTime}
     * (the settling rounds get the rest); the whole ends after {@code maxTime} however many ran.
     * Never on an event loop.
     */
    public WarmupResult warmUp(int sessions, Duration maxTime) throws InterruptedException {
        if (sessions <= 0) {
            warming = null;
            return new WarmupResult(0, 0, 0, 0);
        }
        try {
            return runWarmUp(sessions, maxTime);
        } finally {
            // However it ended (a failed start of its client included): a router that cannot warm up still serves, cold.
            warming = null;
        }
    }

    /**
     * Not ready until {@link #started}: the run command holds readiness from before the admin
     * listener starts until its signal handlers are installed, so a SIGTERM sent by whoever saw
     * the router ready always meets the drain (before, a probe could see it ready, and stop it,
     * while the JVM's default handler was still in place).
     */
    public void starting() {
        starting = true;
    }

    /** The run command's start-up is complete (see {@link #starting}). */
    public void started() {
        starting = false;
    }

    private volatile boolean starting;

    /**
     * Says "not ready: warming up" from now until {@link #warmUp} ends. Called before the admin
     * listener starts: without it {@code /readyz} answered 200 between the listener's start and the
     * warm-up's, and a load balancer or a readiness probe that polled then sent players to a
     * router about to spend its core on its own sessions (Kubernetes keeps a pod ready until a
     * probe fails again, up to its failure threshold).
     */
    public void announceWarmup(int sessions) {
        if (sessions > 0) {
            warming = "warming up: 0 of " + sessions + " sessions";
        }
    }

    private WarmupResult runWarmUp(int sessions, Duration maxTime) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + maxTime.toNanos();
        InetSocketAddress bound = address();
        // A wildcard listener (":5520") is dual-stack: 127.0.0.1 reaches it even where a pod has no ::1.
        InetAddress host = bound.getAddress() == null || bound.getAddress().isAnyLocalAddress()
                ? InetAddress.getLoopbackAddress() : bound.getAddress();
        String name = intake.beginWarmup();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        int rounds = 0;
        int settleRound = Math.max(MIN_SETTLE_ROUND, Math.min(SETTLE_ROUND, sessions / 10));
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        try (HytaleClient client = HytaleClient.on(group, QuicIntake.epollAvailable())) {
            ClientRequest request = ClientRequest.to(new InetSocketAddress(host, bound.getPort()), name)
                    .withAlpn(AlpnProtocols.expand(core.config().tls().alpn()))
                    .withTimeout(Duration.ofSeconds(5));
            announceWarmup(sessions);
            // The first sessions stop at two thirds of the time limit, whatever their count: the
            // settling rounds are what leave the compiler little to do at ready, and on a slow core
            // (a gRPC plugin's twin, 15,000 sessions) the sessions alone filled the 60 s, the
            // settling was cut off at the limit, and the gRPC client's per-call methods sat in C1
            // code until 2-5 s after the first players (perf-reports/dataplane/2026-12-08-go-original.md).
            long firstDeadline = t0 + maxTime.toNanos() * 2 / 3;
            runWarmupSessions(client, request, sessions, sessions, firstDeadline, done, failed);
            awaitQuietCompiler(deadline);
            for (; timed && rounds < MAX_SETTLE_ROUNDS && warmupGoesOn(deadline); rounds++) {
                long before = jit.getTotalCompilationTime();
                warming = "warming up: " + done.get() + " sessions, settling the compiler (round " + (rounds + 1) + ")";
                runWarmupSessions(client, request, settleRound, sessions, deadline, done, failed);
                awaitQuietCompiler(deadline);
                long compiledMs = jit.getTotalCompilationTime() - before;
                LOG.debug("warm-up settling round {}: {} ms of compilation", rounds + 1, compiledMs);
                if (compiledMs < SETTLED_COMPILE_MS) {
                    rounds++;
                    break;
                }
            }
        } finally {
            intake.endWarmup();
            warming = "warming up: collecting the warm-up's garbage";
            // One full collection before ready: the warm-up's sessions leave a young generation of
            // connections still awaiting finalization (JDK 17) and caches half-grown, which the
            // first young collection after ready copied, overflowing the survivor space into the
            // old generation: 0.2-0.5 s paused in the first 10 s of players
            // (perf-reports/loadtest/2026-12-05-warm-start.md, session 23). Not ready meanwhile,
            // so no player waits for it. -XX:+DisableExplicitGC makes it a no-op.
            System.gc();
        }
        return new WarmupResult(done.get(), failed.get(), (System.nanoTime() - t0) / 1_000_000, rounds);
    }

    private static final int WARMUP_CONCURRENCY = 16;
    /** Sessions per settling round: a tenth of {@code warmup.sessions}, within these bounds. */
    private static final int SETTLE_ROUND = 1_000;
    private static final int MIN_SETTLE_ROUND = 100;
    /** A settling round that gives the JIT less compilation than this ends the warm-up (warm: a few ms per 1,000 sessions). */
    private static final long SETTLED_COMPILE_MS = 30;
    private static final int MAX_SETTLE_ROUNDS = 20;

    private boolean warmupGoesOn(long deadline) {
        return System.nanoTime() - deadline < 0 && !closed && !intake.draining();
    }

    /** Runs {@code count} warm-up sessions, {@value #WARMUP_CONCURRENCY} at a time, and returns when they have ended. */
    private void runWarmupSessions(HytaleClient client, ClientRequest request, int count, int sessions, long deadline,
            AtomicInteger done, AtomicInteger failed) throws InterruptedException {
        AtomicInteger started = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(WARMUP_CONCURRENCY);
        for (int i = 0; i < WARMUP_CONCURRENCY; i++) {
            warmupWorker(client, request, count, sessions, deadline, started, done, failed, finished);
        }
        // The workers end themselves at the count or the deadline; this bounds a hang.
        finished.await(Math.max(0, (deadline - System.nanoTime()) / 1_000_000) + 10_000, TimeUnit.MILLISECONDS);
    }

    /**
     * Waits (until {@code deadline}) for the JIT to finish what the warm-up gave it: compilations
     * queue up behind a busy core (the launchers run the compiler threads at nice 1, below the loops),
     * and a backlog carried past ready is compiled on the first players' time. Quiet = less than
     * 5 ms of compilation in the last 500 ms.
     */
    private static void awaitQuietCompiler(long deadline) throws InterruptedException {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long last = jit.getTotalCompilationTime();
        while (System.nanoTime() - deadline < 0) {
            Thread.sleep(500);
            long now = jit.getTotalCompilationTime();
            if (now - last < 5) {
                return;
            }
            last = now;
        }
    }

    private void warmupWorker(HytaleClient client, ClientRequest request, int count, int sessions, long deadline,
            AtomicInteger started, AtomicInteger done,
            AtomicInteger failed, CountDownLatch finished) {
        if (started.incrementAndGet() > count || !warmupGoesOn(deadline)) {
            finished.countDown();
            return;
        }
        client.run(request).whenComplete((r, e) -> {
            int n = done.incrementAndGet();
            // A Disconnect is an answer too (a name no route takes, with no default pool): only no answer failed.
            if (e != null) {
                failed.incrementAndGet();
            }
            if (n % 1000 == 0 && n <= sessions) {
                warming = "warming up: " + n + " of " + sessions + " sessions";
            }
            warmupWorker(client, request, count, sessions, deadline, started, done, failed, finished);
        });
    }

    /** Listening, not draining, and every discovery provider has synced. */
    public boolean ready() {
        return notReadyReason().isEmpty();
    }

    /** Why {@link #ready()} is false, for {@code /readyz}; {@code ""} when ready. */
    public String notReadyReason() {
        if (closed) {
            return "stopped";
        }
        if (intake.draining()) {
            return "draining for shutdown";
        }
        String w = warming;
        if (w != null) {
            return w;
        }
        if (starting) {
            return "starting";
        }
        Discovery d = discovery;
        if (d != null && !d.synced()) {
            List<String> waiting = new ArrayList<>();
            d.states().stream().filter(s -> !s.synced()).forEach(s -> waiting.add(s.name()));
            return "discovery not synced: " + String.join(", ", waiting);
        }
        return "";
    }

    public InetSocketAddress address() {
        return intake.address();
    }

    public IntakeStats stats() {
        return intake.stats();
    }

    public LatencyRecorder latency() {
        return intake.latency();
    }

    /** The core new connections are decided with (it changes on reload). */
    public RouterCore core() {
        return core;
    }

    public QuicIntake intake() {
        return intake;
    }

    /** The discovery providers behind the resolver, {@code null} when it is another kind of resolver. */
    public Discovery discovery() {
        return discovery;
    }

    public ReloadResult lastReload() {
        return lastReload;
    }

    /** Stops at once: closes the listener, plugins, discovery this server started, and the loops. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        housekeeping.shutdownNow();
        if (healthChecker != null) {
            healthChecker.close();
        }
        intake.close();
        core.close();
        if (discoveryFactories != null && discovery != null) {
            discovery.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        intake.closeAccessLog();
    }
}
