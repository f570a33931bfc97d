package dev.hyrouter.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test during which a Netty buffer leaked. Netty reports a leak only after the lost
 * buffer is garbage-collected, and only when a later buffer is tracked; so after each test this
 * collects garbage, allocates a few tracked buffers to make the detector look, and fails with
 * Netty's report (where the buffer was last touched). Registered for every test through JUnit's
 * extension auto-detection (the parent pom turns it on); the detector runs at {@code paranoid}
 * in tests, so every buffer is tracked.
 */
public final class LeakCheck implements BeforeEachCallback, AfterEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        // Reported since the last test ended: class set-up, or a report that came late.
        fail(LeakLogAppender.drain(), "before " + context.getDisplayName() + " started (in class set-up or an earlier test)");
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        check("during " + context.getDisplayName());
    }

    /** Makes the detector report what has been collected so far and fails if anything leaked. */
    static void check(String when) throws InterruptedException {
        provoke();
        fail(LeakLogAppender.drain(), when);
    }

    private static void fail(List<String> leaks, String when) {
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak(s) " + when
                    + " (a ByteBuf was garbage-collected without release()):\n" + String.join("\n", leaks));
        }
    }

    private static void provoke() throws InterruptedException {
        // A sentinel collected by the same GC tells when the collected buffers' references have
        // been handed to their queues (the reference handler does that after the collection).
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        System.gc();
        if (queue.remove(1000) == null) {
            sentinel.clear();
        }
        for (int i = 0; i < 4; i++) {
            release(PooledByteBufAllocator.DEFAULT.directBuffer(16));
            release(PooledByteBufAllocator.DEFAULT.heapBuffer(16));
            release(UnpooledByteBufAllocator.DEFAULT.directBuffer(16));
            release(UnpooledByteBufAllocator.DEFAULT.heapBuffer(16));
        }
    }

    private static void release(ByteBuf b) {
        b.release();
    }
}
