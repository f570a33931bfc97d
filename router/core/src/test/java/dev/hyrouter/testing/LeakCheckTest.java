package dev.hyrouter.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak check catches a buffer that is dropped without release. */
class LeakCheckTest {
    @Test
    void aDroppedBufferFailsTheCheck() {
        leakOne();
        assertThatThrownBy(() -> LeakCheck.check("in the leaking test")).isInstanceOf(AssertionError.class)
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
