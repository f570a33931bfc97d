package dev.hyrouter.plugins.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WasmStatsTest {
    @Test
    void anInterruptMoreThanAMillisecondPastTheDeadlineIsCountedLateAndTheMaximumKept() {
        WasmStats s = new WasmStats();
        s.recordOvershoot(TimeUnit.MICROSECONDS.toNanos(300));
        s.recordOvershoot(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(s.lateInterrupts()).as("up to 1 ms past the deadline is on time").isZero();
        s.recordOvershoot(TimeUnit.MICROSECONDS.toNanos(2500));
        s.recordOvershoot(TimeUnit.MICROSECONDS.toNanos(1200));
        assertThat(s.lateInterrupts()).isEqualTo(2);
        assertThat(s.maxOvershootNanos()).isEqualTo(TimeUnit.MICROSECONDS.toNanos(2500));
    }
}
