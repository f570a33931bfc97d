package dev.hyrouter.server.quic;

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

    ConnectView view() {
        return views.get();
    }

    DecisionRequest request() {
        return requests.get();
    }
}
