package dev.hyrouter.plugins.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import dev.hyrouter.util.DeadlineThread;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The check compiled plugin code makes where Chicory checks for interruption (loop back-edges and
 * calls): {@link CompiledDeadlines} points those checks here. Besides the thread's interrupt flag
 * (the watchdog, worker-mode cancellation), an inline call checks its own deadline, so a runaway
 * call stops at its deadline on the thread that runs it, whether or not the watchdog thread gets
 * a core in time: on a saturated core it often did not (8 % of an endless plugin's calls ended
 * more than 1 ms late).
 *
 * <p>A call makes hundreds of checks, so each must be nearly free. The router's event loops are
 * {@link DeadlineThread}s: the deadline lives in the thread's own fields, a check is a type test
 * and a decrement, and the clock is read every {@value #STRIDE} checks (an endless loop reaches
 * that many in well under a microsecond). Any other calling thread (tests, tools) keeps the same
 * state in a thread local, which costs a lookup per check. No check writes shared memory.
 */
public final class WasmDeadline {
    /** Checks between two clock reads. */
    static final int STRIDE = 64;

    private static final FastThreadLocal<WasmDeadline> CURRENT = new FastThreadLocal<>() {
        @Override
        protected WasmDeadline initialValue() {
            Thread t = Thread.currentThread();
            return new WasmDeadline(t instanceof DeadlineThread d ? d : null);
        }
    };

    /** The calling thread when it carries the state itself; otherwise null and the fields below hold it. */
    private final DeadlineThread thread;
    private boolean armed;
    private boolean passed;
    private int countdown;
    private long deadline;

    private WasmDeadline(DeadlineThread thread) {
        this.thread = thread;
    }

    /** The calling thread's deadline (created on first use). */
    static WasmDeadline ofCurrentThread() {
        return CURRENT.get();
    }

    /**
     * Called by compiled plugin code at every interruption point.
     *
     * @throws ChicoryInterruptedException when the thread is interrupted or its armed deadline has passed
     */
    public static void check() {
        Thread t = Thread.currentThread();
        if (t.isInterrupted()) {
            throw new ChicoryInterruptedException("Thread interrupted");
        }
        if (t instanceof DeadlineThread d) {
            if (d.deadlinePassed()) {
                throw new ChicoryInterruptedException("deadline passed");
            }
            return;
        }
        WasmDeadline w = CURRENT.getIfExists();
        if (w != null && w.armed && --w.countdown <= 0) {
            w.readClock();
        }
    }

    private void readClock() {
        countdown = STRIDE;
        if (System.nanoTime() - deadline >= 0) {
            armed = false;
            passed = true;
            throw new ChicoryInterruptedException("deadline passed");
        }
    }

    /** Whether the state lives in the calling thread's own fields (an event loop) rather than here. */
    boolean carriedByThread() {
        return thread != null;
    }

    /** Until {@link #disarm()}, compiled code on this thread stops once {@code System.nanoTime()} reaches {@code deadline}. */
    void arm(long deadline) {
        if (thread != null) {
            thread.armDeadline(deadline, STRIDE);
            return;
        }
        this.deadline = deadline;
        countdown = STRIDE;
        passed = false;
        armed = true;
    }

    /** Ends the call; {@code true} when the call was stopped at its deadline by this check. */
    boolean disarm() {
        if (thread != null) {
            return thread.disarmDeadline();
        }
        armed = false;
        boolean p = passed;
        passed = false;
        return p;
    }
}
