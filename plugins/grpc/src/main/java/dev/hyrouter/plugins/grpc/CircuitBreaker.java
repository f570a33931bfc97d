package dev.hyrouter.plugins.grpc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skips a plugin that keeps failing: after {@code failures} consecutive failures the circuit
 * opens and calls are refused without touching the network for {@code cooldown}; then one trial
 * call is let through (half-open): success closes the circuit, failure opens it again. One log
 * line when it opens, one when it closes. Lock-free; thread safe.
 */
final class CircuitBreaker {
    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);
    private static final long CLOSED = Long.MIN_VALUE;

    private final String plugin;
    private final int threshold;
    private final long cooldownNanos;
    private final LongSupplier clock;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    /** {@link #CLOSED}, or the time from which one trial call may pass. */
    private final AtomicLong openUntil = new AtomicLong(CLOSED);
    private final AtomicLong opened = new AtomicLong();

    CircuitBreaker(String plugin, int threshold, Duration cooldown, LongSupplier clock) {
        this.plugin = plugin;
        this.threshold = threshold;
        this.cooldownNanos = cooldown.toNanos();
        this.clock = clock;
    }

    /** Whether a call may go out now; when open past its cool-down, exactly one caller gets a trial. */
    boolean allow() {
        if (threshold <= 0) {
            return true;
        }
        long until = openUntil.get();
        if (until == CLOSED) {
            return true;
        }
        long now = clock.getAsLong();
        // Claim the trial by pushing the deadline out; concurrent callers keep being refused.
        return now - until >= 0 && openUntil.compareAndSet(until, now + cooldownNanos);
    }

    void success() {
        // Reads first: in the common case (closed, no failures) a success writes nothing, so event
        // loops calling concurrently share these lines read-only instead of bouncing them.
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
        if (openUntil.get() != CLOSED && openUntil.getAndSet(CLOSED) != CLOSED) {
            LOG.info("plugin {}: circuit closed, the plugin answers again", plugin);
        }
    }

    void failure() {
        if (threshold <= 0) {
            return;
        }
        int n = consecutiveFailures.incrementAndGet();
        if (n >= threshold) {
            long now = clock.getAsLong();
            long prev = openUntil.getAndSet(now + cooldownNanos);
            if (prev == CLOSED) {
                opened.incrementAndGet();
                LOG.warn("plugin {}: circuit opened after {} consecutive failures; skipping it without calls for {} ms, then trying again",
                        plugin, n, cooldownNanos / 1_000_000);
            }
        }
    }

    boolean isOpen() {
        return openUntil.get() != CLOSED;
    }

    /** How many times the circuit opened. */
    long timesOpened() {
        return opened.get();
    }
}
