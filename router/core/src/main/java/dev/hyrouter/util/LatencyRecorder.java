package dev.hyrouter.util;

import java.util.ArrayList;
import java.util.List;
import io.netty.util.concurrent.FastThreadLocal;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * A latency distribution in nanoseconds (answer, handshake, plugin call). Each
 * event loop records into its own wait-free {@link SingleWriterRecorder}; readers merge the
 * intervals off the hot path.
 */
public final class LatencyRecorder {
    private static final long MAX_NANOS = 60_000_000_000L;

    private final List<SingleWriterRecorder> recorders = new ArrayList<>();
    private final Histogram accumulated = new Histogram(MAX_NANOS, 3);
    private final FastThreadLocal<SingleWriterRecorder> local = new FastThreadLocal<>() {
        @Override
        protected SingleWriterRecorder initialValue() {
            return register();
        }
    };

    private synchronized SingleWriterRecorder register() {
        SingleWriterRecorder r = new SingleWriterRecorder(MAX_NANOS, 3);
        recorders.add(r);
        return r;
    }

    /** Records on the calling thread's recorder (wait-free). */
    public void record(long nanos) {
        local.get().recordValue(Math.min(Math.max(nanos, 0), MAX_NANOS));
    }

    /** Everything recorded since start (or the last {@link #reset()}), as a copy. */
    public synchronized Histogram cumulative() {
        for (SingleWriterRecorder r : recorders) {
            accumulated.add(r.getIntervalHistogram());
        }
        return accumulated.copy();
    }

    public synchronized void reset() {
        cumulative();
        accumulated.reset();
    }
}
