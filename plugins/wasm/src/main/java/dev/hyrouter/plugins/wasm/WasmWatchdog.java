package dev.hyrouter.plugins.wasm;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds inline plugin calls (run on an event loop) by their deadline. Compiled code stops itself
 * at its deadline ({@link WasmDeadline}, armed by {@link Slot#begin()}); this watchdog is the
 * backstop for what that check does not cover (functions Chicory runs interpreted, the
 * {@code compile: false} interpreter, a host call that does not return): one daemon thread for
 * the process watches every {@link Slot} and interrupts a call still running at its deadline.
 * Chicory checks the thread's interrupt flag in loops, so the call ends with an exception, its
 * instance is recycled and the loop goes on.
 *
 * <p>Callers never notify the watchdog (no wake-up, no syscall per call): a call only writes its
 * deadline and state into its own slot. The watchdog sleeps until the earliest deadline of the
 * calls it saw running, and never longer than the shortest timeout of any slot: a call that
 * starts while it sleeps has a deadline at or after its wake-up, so it is seen in time. An idle
 * router therefore costs one wake-up per shortest plugin timeout. How late an interrupt can be:
 * the sleep's precision plus the time Chicory takes to reach its next check, both well under a
 * millisecond; the longest overshoot is recorded per plugin ({@code hyrouter_wasm_max_overshoot_seconds}).
 */
final class WasmWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(WasmWatchdog.class);
    private static final WasmWatchdog INSTANCE = new WasmWatchdog();

    static final int IDLE = 0;
    static final int RUNNING = 1;
    static final int INTERRUPTING = 2;
    static final int INTERRUPTED = 3;

    /**
     * One event loop's inline calls of one plugin: written by the loop, read (and interrupted)
     * by the watchdog. The state carries the call's sequence number beside its phase, so the
     * watchdog can only ever interrupt the very call whose deadline it saw pass.
     */
    static final class Slot {
        final AtomicLong state = new AtomicLong(IDLE);
        final Thread owner;
        final long timeoutNanos;
        final WasmStats stats;
        /** The owner's own deadline check, read by compiled code on the owner's thread. */
        private final WasmDeadline clock;
        volatile long deadline;
        private long sequence;

        /** Made on, and owned by, the thread whose calls it watches (its {@link WasmDeadline} is that thread's). */
        Slot(long timeoutNanos, WasmStats stats) {
            this.owner = Thread.currentThread();
            this.clock = WasmDeadline.ofCurrentThread();
            this.timeoutNanos = timeoutNanos;
            this.stats = stats;
        }

        /** Marks a call as running until {@code now + timeout}. */
        void begin() {
            long d = System.nanoTime() + timeoutNanos;
            deadline = d;
            clock.arm(d);
            state.set((++sequence << 2) | RUNNING);
        }

        /**
         * Ends the call; {@code true} when it was stopped at its deadline, by its own check or by
         * the watchdog. In the latter case it waits for the interrupt to land and clears it, so it
         * can never hit the event loop's own work.
         */
        boolean end() {
            boolean stoppedItself = clock.disarm();
            long running = (sequence << 2) | RUNNING;
            if (state.compareAndSet(running, sequence << 2)) {
                if (stoppedItself) {
                    stats.interrupted.increment();
                }
                return stoppedItself;
            }
            long interrupted = (sequence << 2) | INTERRUPTED;
            // The watchdog is between its two writes. On a shared core it may have been preempted by
            // this very thread, so after a short spin give it the core rather than spin out a slice.
            for (int spins = 0; state.get() != interrupted; spins++) {
                if (spins < 64) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            Thread.interrupted();
            state.set(sequence << 2);
            return true;
        }
    }

    private final CopyOnWriteArrayList<Slot> slots = new CopyOnWriteArrayList<>();
    private final Thread thread;

    private WasmWatchdog() {
        thread = new Thread(this::watch, "hyrouter-wasm-watchdog");
        thread.setDaemon(true);
        // On a saturated core it must preempt the loop it interrupts. Linux ignores Java priorities
        // unless the JVM runs with -XX:ThreadPriorityPolicy=1 and may lower nice values (root or
        // CAP_SYS_NICE); then this maps to a lower nice value than the loops'.
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    /** A slot for the calling thread's inline calls. */
    static Slot register(long timeoutNanos, WasmStats stats) {
        Slot s = new Slot(timeoutNanos, stats);
        INSTANCE.slots.add(s);
        LockSupport.unpark(INSTANCE.thread); // it may be sleeping for longer than this slot's timeout
        return s;
    }

    static void unregister(Slot s) {
        INSTANCE.slots.remove(s);
    }

    private void watch() {
        while (true) {
            try {
                long now = System.nanoTime();
                long next = now + TimeUnit.SECONDS.toNanos(10);
                for (Slot s : slots) {
                    next = Math.min(next, now + s.timeoutNanos);
                    long st = s.state.get();
                    if ((st & 3) != RUNNING) {
                        continue;
                    }
                    long d = s.deadline; // this call's, or a later one's (then in the future)
                    if (d - now <= 0) {
                        long call = st & ~3L;
                        if (s.state.compareAndSet(st, call | INTERRUPTING)) {
                            s.stats.interrupted.increment();
                            s.stats.watchdogInterrupts.increment();
                            s.owner.interrupt();
                            s.state.set(call | INTERRUPTED);
                        }
                    } else {
                        next = Math.min(next, d);
                    }
                }
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    LockSupport.parkNanos(sleep);
                }
            } catch (RuntimeException e) {
                LOG.warn("wasm watchdog: {}", e.toString());
            }
        }
    }
}
