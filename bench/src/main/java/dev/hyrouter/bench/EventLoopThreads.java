package dev.hyrouter.bench;

import dev.hyrouter.util.DeadlineThread;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JMH's benchmark threads as the kind of thread the router's event loops are: Netty
 * {@link FastThreadLocalThread}s (Netty recycles its pooled-buffer wrappers only there, so
 * allocation measured on these threads, B/op from {@code -prof gc}, is what an event loop really
 * allocates), and {@link DeadlineThread}s (an inline WASM call checks its deadline in the thread's fields). Selected
 * with {@code -Djmh.executor=CUSTOM -Djmh.executor.class=dev.hyrouter.bench.EventLoopThreads}.
 */
public final class EventLoopThreads extends ThreadPoolExecutor {
    /** In every worker's name, so {@link ThreadCpuProfiler} can find them. */
    static final String NAME_PART = "-loop-";

    public EventLoopThreads(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), new Factory(prefix));
    }

    private static final class Factory implements java.util.concurrent.ThreadFactory {
        private final String prefix;
        private final AtomicInteger next = new AtomicInteger();

        Factory(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new DeadlineThread(r, prefix + NAME_PART + next.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
