package dev.hyrouter.client;

import java.util.concurrent.CompletableFuture;
import dev.hyrouter.util.Failures;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A closed-loop load driver: runs {@code total} asynchronous operations with exactly
 * {@code concurrency} in flight until the last ones, each new one started when one finishes.
 * Used by the probe's load mode, the load harnesses in {@code bench/} and the end-to-end tests.
 * Nothing blocks; an operation that completes at once does not deepen the stack.
 */
public final class ClosedLoop<T> {
    /** Called once per operation, on the thread that completed it. */
    @FunctionalInterface
    public interface Outcome<T> {
        /**
         * @param result the operation's result, {@code null} when it failed
         * @param error  why it failed, {@code null} when it succeeded
         * @param nanos  from start to completion
         */
        void accept(T result, Throwable error, long nanos);
    }

    private final int total;
    private final Supplier<? extends CompletionStage<T>> operation;
    private final Outcome<T> outcome;
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger idleWorkers = new AtomicInteger();
    private final int workers;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private ClosedLoop(int total, int concurrency, Supplier<? extends CompletionStage<T>> operation, Outcome<T> outcome) {
        this.total = total;
        this.workers = Math.max(1, Math.min(concurrency, total));
        this.operation = operation;
        this.outcome = outcome;
    }

    /** Starts the loop; the future completes when every operation has completed and been reported. */
    public static <T> CompletableFuture<Void> run(int total, int concurrency, Supplier<? extends CompletionStage<T>> operation,
            Outcome<T> outcome) {
        if (total <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        ClosedLoop<T> loop = new ClosedLoop<>(total, concurrency, operation, outcome);
        for (int w = 0; w < loop.workers; w++) {
            loop.next();
        }
        return loop.done;
    }

    private void next() {
        while (true) {
            if (started.getAndIncrement() >= total) {
                if (idleWorkers.incrementAndGet() == workers) {
                    done.complete(null);
                }
                return;
            }
            long t0 = System.nanoTime();
            CompletableFuture<T> f;
            try {
                f = operation.get().toCompletableFuture();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            if (!f.isDone()) {
                f.whenComplete((r, e) -> {
                    report(r, e, t0);
                    next();
                });
                return;
            }
            // Completed already: report and go round the loop instead of recursing.
            T r = null;
            Throwable e = null;
            try {
                r = f.join();
            } catch (RuntimeException ex) {
                e = ex;
            }
            report(r, e, t0);
        }
    }

    private void report(T result, Throwable error, long t0) {
        Throwable cause = error == null ? null : Failures.unwrap(error);
        try {
            outcome.accept(cause == null ? result : null, cause, System.nanoTime() - t0);
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
    }
}
