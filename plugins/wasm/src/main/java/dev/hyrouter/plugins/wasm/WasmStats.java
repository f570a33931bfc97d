package dev.hyrouter.plugins.wasm;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one WASM plugin's instances (metrics, tests). Thread safe. */
public final class WasmStats {
    final LongAdder instancesCreated = new LongAdder();
    final LongAdder recycledAfterFailure = new LongAdder();
    final LongAdder recycledForMemory = new LongAdder();
    final LongAdder recycledForCalls = new LongAdder();
    final LongAdder shed = new LongAdder();
    final LongAdder interrupted = new LongAdder();
    /** Of {@link #interrupted}: inline calls the watchdog thread had to interrupt (not stopped by their own check). */
    final LongAdder watchdogInterrupts = new LongAdder();
    /** Inline calls: the most any interrupted call held its loop past its deadline (ns). */
    private final java.util.concurrent.atomic.LongAccumulator maxOvershoot = new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);

    /** Inline calls interrupted more than {@link #LATE_NANOS} after their deadline. */
    private final LongAdder lateInterrupts = new LongAdder();
    static final long LATE_NANOS = 1_000_000;

    /** The largest linear memory any instance reached (bytes); written only when an instance's memory grows. */
    private final java.util.concurrent.atomic.LongAccumulator memoryHighWater = new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);

    void recordMemory(long bytes) {
        memoryHighWater.accumulate(bytes);
    }

    /** The largest linear memory (bytes) any instance of the plugin has reached. */
    public long memoryHighWater() {
        return memoryHighWater.get();
    }

    void recordOvershoot(long nanos) {
        maxOvershoot.accumulate(nanos);
        if (nanos > LATE_NANOS) {
            lateInterrupts.increment();
        }
    }

    /** Inline calls that held their event loop more than 1 ms past their deadline. */
    public long lateInterrupts() {
        return lateInterrupts.sum();
    }

    /** Inline calls: the longest an interrupted call held its event loop past its deadline, in nanoseconds. */
    public long maxOvershootNanos() {
        return maxOvershoot.get();
    }

    public long instancesCreated() {
        return instancesCreated.sum();
    }

    public long recycledAfterFailure() {
        return recycledAfterFailure.sum();
    }

    public long recycledForMemory() {
        return recycledForMemory.sum();
    }

    public long recycledForCalls() {
        return recycledForCalls.sum();
    }

    /** Calls refused because the worker's queue was full (worker mode). */
    public long shed() {
        return shed.sum();
    }

    /** Calls interrupted after their time budget. */
    public long interrupted() {
        return interrupted.sum();
    }

    /** Inline calls the watchdog thread interrupted: those their own deadline check did not stop. */
    public long watchdogInterrupts() {
        return watchdogInterrupts.sum();
    }

    @Override
    public String toString() {
        return "instances created=" + instancesCreated() + ", recycled after failure=" + recycledAfterFailure() + ", for memory="
                + recycledForMemory() + ", for calls=" + recycledForCalls() + ", interrupted=" + interrupted() + ", shed=" + shed();
    }
}
