package dev.hyrouter.plugins.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's states on a clock the test moves: no sleeping, no races. */
class CircuitBreakerTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final CircuitBreaker breaker = new CircuitBreaker("p", 3, Duration.ofSeconds(10), now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void opensAfterTheThresholdOfConsecutiveFailures() {
        breaker.failure();
        breaker.failure();
        breaker.success();
        breaker.failure();
        breaker.failure();
        assertThat(breaker.isOpen()).as("a success resets the count").isFalse();
        breaker.failure();
        assertThat(breaker.isOpen()).isTrue();
        assertThat(breaker.timesOpened()).isEqualTo(1);
        assertThat(breaker.allow()).isFalse();
    }

    @Test
    void letsOneTrialThroughAfterTheCooldownAndClosesOnSuccess() {
        for (int i = 0; i < 3; i++) {
            breaker.failure();
        }
        advance(Duration.ofSeconds(9));
        assertThat(breaker.allow()).isFalse();
        advance(Duration.ofSeconds(1));
        assertThat(breaker.allow()).as("the trial").isTrue();
        assertThat(breaker.allow()).as("only one trial at a time").isFalse();
        breaker.success();
        assertThat(breaker.isOpen()).isFalse();
        assertThat(breaker.allow()).isTrue();
    }

    @Test
    void aFailedTrialOpensItForAnotherCooldown() {
        for (int i = 0; i < 3; i++) {
            breaker.failure();
        }
        advance(Duration.ofSeconds(10));
        assertThat(breaker.allow()).isTrue();
        breaker.failure();
        assertThat(breaker.isOpen()).isTrue();
        assertThat(breaker.timesOpened()).as("still the same opening").isEqualTo(1);
        advance(Duration.ofSeconds(9));
        assertThat(breaker.allow()).isFalse();
        advance(Duration.ofSeconds(1));
        assertThat(breaker.allow()).isTrue();
    }

    @Test
    void aThresholdOfZeroNeverOpens() {
        CircuitBreaker off = new CircuitBreaker("p", 0, Duration.ofSeconds(10), now::get);
        for (int i = 0; i < 100; i++) {
            off.failure();
        }
        assertThat(off.isOpen()).isFalse();
        assertThat(off.allow()).isTrue();
    }
}
