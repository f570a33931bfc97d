package dev.hyrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code health_checks}: off unless set, a pool inherits the top level key by key, errors name file, line, key and rule. */
class HealthCheckConfigTest {
    private static final String POOL = "routing:\n  default:\n    strategy: random\n    backends: [{host: a, port: 1}]\n";

    @Test
    void offUnlessSetSoTheOriginalsFilesBehaveAsThere() throws Exception {
        RouterConfig c = ConfigLoader.parse(POOL, "c.yaml", false);
        assertThat(c.healthChecks()).isEqualTo(HealthCheckConfig.DEFAULTS);
        assertThat(c.routing().defaultPool().healthChecks().enabled()).isFalse();
    }

    @Test
    void aPoolInheritsEachKeyItDoesNotSet() throws Exception {
        RouterConfig c = ConfigLoader.parse("""
                health_checks: {enabled: true, interval: 10s, timeout: 3s, unhealthy_threshold: 4, max_in_flight: 8, alpn: [hytale/2]}
                routing:
                  routes:
                    - match: {hostname: a.example.com}
                      pool:
                        strategy: random
                        health_checks: {interval: 2s, timeout: 1s, probe: version, when_all_unhealthy: no_backends}
                        backends: [{host: a, port: 1}]
                    - match: {hostname: b.example.com}
                      pool: {strategy: random, health_checks: {enabled: false}, backends: [{host: b, port: 1}]}
                  default: {strategy: random, backends: [{host: c, port: 1}]}
                """, "c.yaml", false);
        HealthCheckConfig a = c.routing().routes().get(0).pool().healthChecks();
        assertThat(a.enabled()).isTrue();
        assertThat(a.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(a.unhealthyThreshold()).isEqualTo(4);
        assertThat(a.healthyThreshold()).isEqualTo(2);
        assertThat(a.probe()).isEqualTo(HealthCheckConfig.Probe.VERSION);
        assertThat(a.whenAllUnhealthy()).isEqualTo(HealthCheckConfig.AllUnhealthy.NO_BACKENDS);
        assertThat(a.alpn()).isEqualTo(List.of("hytale/2"));
        assertThat(c.routing().routes().get(1).pool().healthChecks().enabled()).isFalse();
        HealthCheckConfig d = c.routing().defaultPool().healthChecks();
        assertThat(d.enabled()).isTrue();
        assertThat(d.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.whenAllUnhealthy()).isEqualTo(HealthCheckConfig.AllUnhealthy.PANIC);
        assertThat(c.healthChecks().maxInFlight()).isEqualTo(8);
        assertThat(d.ejectionBound()).isEqualTo(Duration.ofSeconds(4 * (10 + 1) + 3));
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void badValuesNameFileLineKeyAndRule() {
        assertThatThrownBy(() -> ConfigLoader.parse("health_checks:\n  probe: ping\n" + POOL, "c.yaml", false))
                .hasMessageContaining("c.yaml:2").hasMessageContaining("health_checks.probe").hasMessageContaining("handshake");
        assertThatThrownBy(() -> ConfigLoader.parse("health_checks:\n  interval: 0s\n" + POOL, "c.yaml", false))
                .hasMessageContaining("c.yaml:2").hasMessageContaining("health_checks.interval").hasMessageContaining("greater than zero");
        assertThatThrownBy(() -> ConfigLoader.parse("health_checks:\n  interval: 1s\n  timeout: 2s\n" + POOL, "c.yaml", false))
                .hasMessageContaining("c.yaml:3").hasMessageContaining("health_checks.timeout").hasMessageContaining("not be longer than interval");
        assertThatThrownBy(() -> ConfigLoader.parse("health_checks:\n  unhealthy_threshold: 0\n" + POOL, "c.yaml", false))
                .hasMessageContaining("c.yaml:2").hasMessageContaining("health_checks.unhealthy_threshold");
        assertThatThrownBy(() -> ConfigLoader.parse("health_checks:\n  when_all_unhealthy: fail\n" + POOL, "c.yaml", false))
                .hasMessageContaining("c.yaml:2").hasMessageContaining("when_all_unhealthy").hasMessageContaining("panic");
        assertThatThrownBy(() -> ConfigLoader.parse(POOL + "    health_checks: {max_in_flight: 3}\n", "c.yaml", false))
                .hasMessageContaining("c.yaml:5").hasMessageContaining("routing.default.health_checks.max_in_flight")
                .hasMessageContaining("top-level");
    }

    @Test
    void aMisspelledKeyIsWarnedAbout() throws Exception {
        RouterConfig c = ConfigLoader.parse("health_checks:\n  intervall: 3s\n" + POOL, "c.yaml", false);
        assertThat(c.warnings()).anySatisfy(w -> assertThat(w.toString()).contains("health_checks.intervall").contains("unknown key"));
    }
}
