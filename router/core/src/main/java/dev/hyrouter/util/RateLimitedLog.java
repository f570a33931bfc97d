package dev.hyrouter.util;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a recurring problem at most once per interval, saying how many occurrences it left out,
 * so a broken plugin at thousands of connections per second costs one line, not thousands.
 * Lock-free; thread safe.
 */
public final class RateLimitedLog {
    private final Logger logger;
    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger logger, Duration interval) {
        this.logger = logger;
        this.intervalNanos = interval.toNanos();
    }

    public void log(String subject, String message) {
        log("plugin " + subject + " " + message);
    }

    /** Logs {@code message} as it is, at most once per interval. */
    public void log(String message) {
        long now = System.nanoTime();
        long allowed = nextAllowed.get();
        if ((allowed == Long.MIN_VALUE || now - allowed >= 0) && nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
            long skipped = suppressed.getAndSet(0);
            if (skipped > 0) {
                logger.warn("{} ({} similar events not logged in the last interval)", message, skipped);
            } else {
                logger.warn("{}", message);
            }
        } else {
            suppressed.incrementAndGet();
        }
    }
}
