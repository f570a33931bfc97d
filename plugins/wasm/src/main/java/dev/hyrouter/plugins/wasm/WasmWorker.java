package dev.hyrouter.plugins.wasm;

import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.util.DeadlineThread;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * A thread that owns one plugin instance and runs the calls queued to it, one at a time. Event
 * loops hand calls over through a bounded lock-free queue and never wait: a full queue sheds the
 * call. A call abandoned after its time budget is interrupted (Chicory checks the interrupt flag
 * in loops), and its instance is replaced.
 */
final class WasmWorker implements Runnable {
    private static final int SPINS_BEFORE_PARK = 200;

    private final ManyToOneConcurrentArrayQueue<Call> queue;
    private final WasmInstanceRunner runner;
    private final WasmStats stats;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean parked;

    WasmWorker(String name, int queueSize, WasmInstanceRunner runner, WasmStats stats) {
        this.queue = new ManyToOneConcurrentArrayQueue<>(queueSize);
        this.runner = runner;
        this.stats = stats;
        // Never armed: its calls are bounded by the chain's deadline (an interrupt); as a
        // DeadlineThread its compiled code's checks skip the thread-local lookup.
        this.thread = new DeadlineThread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues a call; {@code false} when the queue is full (the caller sheds it). */
    boolean submit(Call call) {
        if (!queue.offer(call)) {
            return false;
        }
        if (parked) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    @Override
    public void run() {
        int idle = 0;
        while (running) {
            Call call = queue.poll();
            if (call == null) {
                if (++idle < SPINS_BEFORE_PARK) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (queue.isEmpty() && running) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
                parked = false;
                continue;
            }
            idle = 0;
            execute(call);
        }
        Call rest;
        while ((rest = queue.poll()) != null) {
            rest.future.completeExceptionally(new WasmPluginException("plugin is shutting down"));
        }
        runner.close();
    }

    private void execute(Call call) {
        if (!call.state.compareAndSet(Call.QUEUED, Call.RUNNING)) {
            return; // abandoned while it waited
        }
        try {
            call.future.complete(runner.call(call.request));
        } catch (WasmPluginException e) {
            call.future.completeExceptionally(e);
        } catch (RuntimeException | Error e) {
            call.future.completeExceptionally(e);
        } finally {
            if (!call.state.compareAndSet(Call.RUNNING, Call.DONE)) {
                // An interrupt is being delivered for this call: let it land, then clear it so it
                // cannot hit the next call.
                while (call.state.get() != Call.INTERRUPTED) {
                    Thread.onSpinWait();
                }
            }
            Thread.interrupted();
        }
    }

    void stop() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }

    /** One queued call; its future interrupts the worker when cancelled while running. */
    static final class Call {
        static final int QUEUED = 0;
        static final int RUNNING = 1;
        static final int DONE = 2;
        static final int CANCELLED = 3;
        static final int INTERRUPTING = 4;
        static final int INTERRUPTED = 5;

        final ConnectRequest request;
        final CallFuture future = new CallFuture(this);
        final AtomicInteger state = new AtomicInteger(QUEUED);
        private final WasmWorker worker;

        Call(ConnectRequest request, WasmWorker worker) {
            this.request = request;
            this.worker = worker;
        }

        void abandon() {
            if (state.compareAndSet(QUEUED, CANCELLED)) {
                return;
            }
            if (state.compareAndSet(RUNNING, INTERRUPTING)) {
                worker.stats.interrupted.increment();
                worker.thread.interrupt();
                state.set(INTERRUPTED);
            }
        }
    }

    /** The future the chain sees; cancelling it (the chain's timeout) abandons the call. */
    static final class CallFuture extends CompletableFuture<ConnectResponse> {
        private final Call call;

        CallFuture(Call call) {
            this.call = call;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            call.abandon();
            return cancelled;
        }
    }
}
