package dev.hyrouter.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak check catches a buffer that is dropped without release. */
class LeakCheckTest {
    @Test
    void aDroppedBufferFailsTheCheck() {
        leakOne();
        // The JVM hands collected references to their queues on its own thread, in no set order: the
        // check's sentinel can arrive before the lost buffer's, and then the leak is reported at the
        // next check (as it would be at the next test). A few checks in a row must catch it.
        assertThatThrownBy(() -> {
            for (int i = 0; i < 20; i++) {
                LeakCheck.check("in the leaking test");
            }
        }).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Netty buffer leak(s) in the leaking test").hasMessageContaining("LEAK:");
    }

    @Test
    void releasedBuffersPass() throws InterruptedException {
        PooledByteBufAllocator.DEFAULT.directBuffer(64).writeLong(1).release();
        LeakCheck.check("after a release");
    }

    private static void leakOne() {
        // Unreachable once this method returns; never released.
        PooledByteBufAllocator.DEFAULT.directBuffer(64).writeLong(42);
    }
}
