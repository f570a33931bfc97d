package dev.hyrouter.util;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;

/**
 * An event-loop thread that carries the deadline of the in-process plugin call it is making, in
 * plain fields of its own: the code of a plugin running inline (a compiled WASM module) asks
 * {@link #deadlinePassed()} at every loop back-edge and call, so that check must cost a type
 * test and a decrement, not a thread-local lookup. Only this thread reads or writes the fields.
 */
public final class DeadlineThread extends FastThreadLocalThread {
    private static final int DISARMED = Integer.MAX_VALUE;

    private long deadline;
    /** Checks between clock reads; 0 while disarmed. */
    private int stride;
    private int countdown = DISARMED;
    private boolean passed;

    private DeadlineThread(ThreadGroup group, Runnable task, String name) {
        super(group, task, name);
    }

    /** A thread of an executor that stands in for an event loop (benchmarks). */
    public DeadlineThread(Runnable task, String name) {
        super(task, name);
    }

    /** Netty's named daemon-less thread factory ({@code prefix-N-M}) making these threads. */
    public static ThreadFactory factory(String prefix) {
        return new DefaultThreadFactory(prefix) {
            @Override
            protected Thread newThread(Runnable r, String name) {
                return new DeadlineThread(threadGroup, r, name);
            }
        };
    }

    /** Until {@link #disarmDeadline()}, {@link #deadlinePassed()} turns true once {@code System.nanoTime()} reaches {@code at}; the clock is read every {@code every} checks. */
    public void armDeadline(long at, int every) {
        deadline = at;
        stride = every;
        countdown = every;
        passed = false;
    }

    /** Ends the call; {@code true} when {@link #deadlinePassed()} said so during it. */
    public boolean disarmDeadline() {
        stride = 0;
        countdown = DISARMED;
        boolean p = passed;
        passed = false;
        return p;
    }

    /** Called by this thread only, very often: true once the armed deadline has passed. */
    public boolean deadlinePassed() {
        return --countdown <= 0 && readClock();
    }

    private boolean readClock() {
        if (stride == 0) { // disarmed, or passed and reported: nothing to check until the next arm
            countdown = DISARMED;
            return false;
        }
        countdown = stride;
        if (System.nanoTime() - deadline >= 0) {
            passed = true;
            stride = 0;
            countdown = DISARMED;
            return true;
        }
        return false;
    }
}
