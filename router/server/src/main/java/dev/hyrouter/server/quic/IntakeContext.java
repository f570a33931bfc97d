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
        int live;
    }

    private final FastThreadLocal<LoopState> loopStates = new FastThreadLocal<>() {
        @Override
        protected LoopState initialValue() {
            return new LoopState();
        }
    };

    IntakeContext(RouterCore core) {
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
