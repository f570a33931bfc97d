package dev.hyrouter.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that becomes true asynchronously (a counter reaching zero, a circuit
 * closing). The timeout is a bound on a hang, never a speed claim: make it long enough that no
 * busy machine reaches it.
 */
public final class Await {
    /** The default bound: long enough for a saturated 2-core CI machine. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("still not true after " + timeout.toMillis() + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }

    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(what, PATIENCE, condition);
    }
}
