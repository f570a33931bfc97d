package dev.hyrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code warmup.sessions} and {@code warmup.max_time}: off unless set, bounded, errors naming the line and key. */
class WarmupConfigTest {
    @Test
    void offUnlessSet() throws Exception {
        OperationsConfig o = ConfigLoader.parse("listen: \"127.0.0.1:5520\"\n", "c.yaml", false).operations();
        assertThat(o.warmupSessions()).isZero();
        assertThat(o.warmupMaxTime()).isEqualTo(OperationsConfig.DEFAULT_WARMUP_MAX_TIME);
    }

    @Test
    void readsSessionsAndTimeLimit() throws Exception {
        OperationsConfig o = ConfigLoader.parse("warmup:\n  sessions: 15000\n  max_time: 20s\n", "c.yaml", false).operations();
        assertThat(o.warmupSessions()).isEqualTo(15_000);
        assertThat(o.warmupMaxTime()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void badValuesNameFileLineAndKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("warmup:\n  sessions: -1\n", "c.yaml", false))
                .hasMessageContaining("c.yaml:2").hasMessageContaining("warmup.sessions");
        assertThatThrownBy(() -> ConfigLoader.parse("warmup:\n  max_time: 0s\n", "c.yaml", false))
                .hasMessageContaining("c.yaml:2").hasMessageContaining("warmup.max_time");
    }

    @Test
    void aMisspelledKeyIsWarnedAbout() throws Exception {
        RouterConfig c = ConfigLoader.parse("warmup:\n  session: 10\n", "c.yaml", false);
        assertThat(c.operations().warmupSessions()).isZero();
        assertThat(c.warnings()).anySatisfy(w -> assertThat(w.toString()).contains("warmup.session").contains("unknown key"));
    }
}
