package dev.hyrouter.server.quic;

import dev.hyrouter.util.LatencyRecorder;
import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.pipeline.DecisionRequest;
import dev.hyrouter.pipeline.RouterCore;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * What every connection and stream handler of one intake shares: the current {@link Generation}
 * (pipeline, keys, per-route counters; swapped by a reload), the listener's limits (fixed until
 * a restart), counters, and per-event-loop scratch objects (Connect flyweight, decision request)
 * so that the answer path allocates nothing it can reuse.
 */
final class IntakeContext {
    final int maxFrameBytes;
    final long connectTimeoutNanos;
    final long closeAfterAnswerNanos;
    final IntakeStats stats = new IntakeStats();
    final LatencyRecorder latency = new LatencyRecorder();
    final LatencyRecorder handshakeLatency = new LatencyRecorder();
    final SourceLimits sources = new SourceLimits();
    /** Event loops serving the port (set before the first packet): {@code limits.max_connections} is shared evenly among them. */
    volatile int loops = 1;
    /** Set once at the start of a graceful shutdown: new connections are closed, those in flight finish. */
    volatile boolean draining;
    /**
     * The warm-up in progress ({@link QuicIntake#beginWarmup}), or {@code null}, so that no client
     * can reach that path outside it. One immutable value: a connection sees all of it or none.
     *
     * @param sni   the server name the router's own warm-up client sends: random, under {@code .invalid}
     * @param names the names its sessions are decided under: one per configured hostname pattern
     *              ({@code *} read as {@code warmup}) and {@code sni} (the default pool), so every
     *              route's branch is compiled, not only the default pool's
     * @param chain the plugins that take part ({@code PluginChain.forWarmup})
     * @param stats, latency, outcomes, routeCounters twins of the intake's own (same classes, same
     *              configuration, nothing reads them; the outcome log's discards what it formats),
     *              so a warm-up session runs the very code a player's does
     */
    record Warmup(String sni, String[] names, dev.hyrouter.plugin.PluginChain chain, IntakeStats stats, LatencyRecorder latency,
            OutcomeLog outcomes, java.util.concurrent.atomic.LongAdder[] routeCounters) {
    }

    volatile Warmup warmup;
    private volatile Generation current;

    private final FastThreadLocal<ConnectView> views = new FastThreadLocal<>() {
        @Override
        protected ConnectView initialValue() {
            return new ConnectView();
        }
    };
    private final FastThreadLocal<DecisionRequest> requests = new FastThreadLocal<>() {
        @Override
        protected DecisionRequest initialValue() {
            return new DecisionRequest();
        }
    };

    /** Per event loop: its live connections, counted without any shared write. */
    static final class LoopState {
        /** Fewer handshakes than this completing in an interval is no evidence of a queue. */
        static final int MIN_SAMPLES = 4;

        int live;
        /** TLS handshakes admitted on this loop and not yet completed or failed. */
        int handshaking;
        private long intervalStart = System.nanoTime();
        private long intervalMin = Long.MAX_VALUE;
        private int samples;
        private boolean shedding;
        private boolean slowHandshakes;
        /** Since when every read of the loop's socket came back full ({@code 0}: the last one emptied it). */
        private long backlogSince;
        /** The socket has stayed full for longer than the target, or its queue delay passed it, as of the last decision. */
        private boolean socketQueue;
        /** The socket's queue delay as of the last probe this loop read ({@link SocketProbe}), and when it read it (0: never). */
        private long probeDelay;
        private long probeAt;
        /** The probe's delay passed half the target at the last decision. */
        private boolean probeQueue;

        /**
         * A probe this loop read had waited {@code delayNanos} in the socket: so does every
         * datagram that arrived with it, a new client's Initial and an admitted client's next flight.
         */
        void socketDelay(long delayNanos, long now) {
            probeDelay = delayNanos;
            probeAt = now;
        }

        /** The socket's queue delay as of the last probe, or 0 when none was read in the last {@code staleNanos}. */
        long socketDelayNanos(long now, long staleNanos) {
            long at = probeAt;
            return at != 0 && now - at <= staleNanos ? probeDelay : 0;
        }

        /** A handshake admitted on this loop completed after {@code sojournNanos}. */
        void handshakeCompleted(long sojournNanos) {
            if (sojournNanos < intervalMin) {
                intervalMin = sojournNanos;
            }
            samples++;
        }

        /**
         * Whether this loop has a standing queue: a datagram now waits in its socket for longer
         * than half of {@code target} ({@link #socketDelay}: an admitted client's handshake passes
         * that queue twice, its Initial and its next flight), or its socket has stayed full for
         * longer than {@code target} ({@link #socketRead}: the signal when no probe arrives), or,
         * CoDel's way, the fastest handshake completed in the last interval ({@code target} long)
         * took longer than {@code target}. The handshake rule is decided anew each interval and
         * needs {@link #MIN_SAMPLES} completions as evidence: with fewer (shedding worked, or
         * traffic is light) the loop admits again, so a few slow far-away clients, or handshakes
         * that never complete, cannot keep it shut. A probe older than {@code target} counts for
         * nothing, so a prober that stopped cannot keep the loop shedding either.
         */
        boolean overloaded(long now, long target) {
            if (now - intervalStart >= target) {
                slowHandshakes = samples >= MIN_SAMPLES && intervalMin > target;
                intervalStart = now;
                intervalMin = Long.MAX_VALUE;
                samples = 0;
            }
            long delay = socketDelayNanos(now, target);
            probeQueue = delay > target / 2;
            // A socket full at every read only says that more datagrams waited than one read takes,
            // which a busy loop that keeps up sees too: alone, it refused clients of a router at 55 %
            // of its core. Beside a fresh probe it counts only when the probe also finds a real queue
            // (a quarter of the target): a rush reaches that before the streak's target (at 1.5 times
            // capacity a queue grows half a second of work per second), and without the streak rule
            // there a rush's answers waited 1.0-1.6 s instead of 0.5-0.9 s at p99
            // (perf-reports/dataplane/2026-12-06-closed-connections.md, session 21). Without a probe
            // (NIO, GRO, a prober that stopped) the streak speaks alone.
            boolean streak = backlogSince != 0 && now - backlogSince > target;
            boolean probed = probeAt != 0 && now - probeAt <= target;
            socketQueue = delay > target || streak && (!probed || delay > target / 4);
            boolean was = shedding;
            shedding = slowHandshakes || socketQueue || probeQueue;
            if (shedding && !was) {
                onsets[probeQueue ? SIGNAL_SOCKET_DELAY : socketQueue ? SIGNAL_SOCKET_FULL : SIGNAL_SLOW_HANDSHAKES]++;
            }
            return shedding;
        }

        /** Which signal started a shedding episode (the first that held, in this order), for {@link #onsets}. */
        static final int SIGNAL_SOCKET_DELAY = 0;
        static final int SIGNAL_SOCKET_FULL = 1;
        static final int SIGNAL_SLOW_HANDSHAKES = 2;
        static final java.util.List<String> SIGNALS = java.util.List.of("socket_delay", "socket_full", "slow_handshakes");

        /**
         * Shedding episodes this loop began, by the signal that began each: an operator who sees
         * refusals asks which evidence the router acted on. Written by the loop only, read by the
         * metrics thread (a moment old at worst).
         */
        final long[] onsets = new long[SIGNALS.size()];

        /**
         * The loop's socket read: {@code full} when it took as many datagrams as one read may
         * take, so more were waiting. A socket that stays that full for longer than the target
         * has a standing queue in the kernel: every datagram in it, a new client's Initial or an
         * admitted client's next flight, waits that long. The first read that leaves the socket
         * empty ends the streak.
         */
        void socketRead(boolean full, long now) {
            if (!full) {
                backlogSince = 0;
                socketQueue = false;
            } else if (backlogSince == 0) {
                backlogSince = now;
            }
        }

        /** Whether the loop refused new connections for its queue at its last decision. */
        boolean shedding() {
            return shedding;
        }

        /** Admissions a shedding loop has earned from handshakes that ended (capped: completions come in bursts). */
        static final int MAX_CREDITS = 64;
        private int credits;

        /**
         * Whether a new connection may start its handshake. A loop without a standing queue admits
         * everyone. A shedding loop admits one new connection for each handshake that ended since
         * it began shedding: the work in progress stays where it was when the queue passed the
         * target, so the loop keeps serving at its capacity while the excess is refused. Refusing
         * every newcomer instead idles the loop once its queue has drained and the interval has
         * not yet ended, which costs goodput when the overload is modest. While the socket itself
         * stays full past the target, ended handshakes earn nothing ({@link #handshakeEnded}).
         */
        boolean admitNew(long now, long target) {
            boolean was = shedding;
            if (!overloaded(now, target)) {
                return true;
            }
            if (!was || socketQueue) {
                credits = 0;
            }
            if (credits > 0) {
                credits--;
                return true;
            }
            return false;
        }

        /**
         * A handshake admitted on this loop ended (completed, failed or abandoned): its slot is
         * free, and a shedding loop passes it to a newcomer, unless the socket has stayed full past
         * the target. Then the work in progress of the moment is itself too much (every admitted
         * client's next flight waits in that queue too), so the slot is not refilled until a read
         * empties the socket: holding the work constant there kept a 2.5 C rush's queue standing
         * for seconds (issue 32).
         */
        void handshakeEnded() {
            handshaking--;
            if (shedding && !socketQueue && credits < MAX_CREDITS) {
                credits++;
            }
        }
    }

    /** Every loop's state, for gauges read off the loops (plain fields: a gauge may read a value a moment old). */
    final java.util.List<LoopState> loopStateList = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final FastThreadLocal<LoopState> loopStates = new FastThreadLocal<>() {
        @Override
        protected LoopState initialValue() {
            LoopState s = new LoopState();
            loopStateList.add(s);
            return s;
        }
    };

    /** Where this intake's connection outcomes are logged. */
    final OutcomeLog outcomes;

    /** A context that logs no outcome (the start-up warm-up's, tests'). */
    IntakeContext(RouterCore core) {
        this(core, OutcomeLog.NONE);
    }

    IntakeContext(RouterCore core, OutcomeLog outcomes) {
        this.outcomes = outcomes;
        RouterConfig config = core.config();
        this.maxFrameBytes = config.quic().maxFrameBytes();
        this.connectTimeoutNanos = config.quic().connectTimeout().toNanos();
        this.closeAfterAnswerNanos = config.quic().closeAfterAnswer().toNanos();
        this.current = new Generation(1, core);
    }

    /** The generation new streams start under (a volatile read). */
    Generation current() {
        return current;
    }

    void install(Generation next) {
        current = next;
    }

    private final java.util.List<RetryTokenHandler> retryHandlers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A token handler for one event loop's socket, following the current generation's {@code limits.retry}. */
    RetryTokenHandler retryHandler(RetryTokenHandler.Secret secret, int loops) {
        RetryTokenHandler h = new RetryTokenHandler(secret, stats, () -> current.limits, loops);
        retryHandlers.add(h);
        return h;
    }

    int retryingLoops() {
        int n = 0;
        for (RetryTokenHandler h : retryHandlers) {
            n += h.retrying() ? 1 : 0;
        }
        return n;
    }

    LoopState loop() {
        return loopStates.get();
    }

    ConnectView view() {
        return views.get();
    }

    DecisionRequest request() {
        return requests.get();
    }
}
