package dev.hyrouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.config.LimitsConfig.RetryMode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code limits} and {@code logging.access_log}: defaults, every key, the legacy Retry key. */
class LimitsConfigTest {
    private static RouterConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "/etc/hyrouter/hyrouter.yaml", false);
    }

    @Test
    void withoutTheSectionTheDefaultsApply() throws Exception {
        RouterConfig c = parse("listen: \":5520\"\n");
        assertThat(c.limits()).isEqualTo(LimitsConfig.DEFAULTS);
        assertThat(c.limits().retry()).isEqualTo(RetryMode.AUTO);
        assertThat(c.limits().retryThreshold(4)).as("1,000 per event loop").isEqualTo(4_000);
        assertThat(c.logging().accessLog()).isEqualTo("stdout");
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void everyKeyIsRead() throws Exception {
        RouterConfig c = parse("""
                limits:
                  max_connections: 10
                  max_connections_per_ip: 2
                  new_connections_per_ip: 5
                  new_connections_per_ip_burst: 7
                  retry: always
                  retry_threshold: 300
                logging: {access_log: OFF}
                """);
        assertThat(c.limits()).isEqualTo(new LimitsConfig(10, 2, 5, 7, RetryMode.ALWAYS, 300));
        assertThat(c.limits().retryThreshold(4)).isEqualTo(300);
        assertThat(c.logging().accessLog()).isEqualTo("off");
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void zeroTurnsALimitOffAndARaisedRateRaisesTheDefaultBurst() throws Exception {
        LimitsConfig l = parse("limits: {max_connections: 0, max_connections_per_ip: 0, new_connections_per_ip: 1000}\n").limits();
        assertThat(l.maxConnections()).isZero();
        assertThat(l.maxConnectionsPerIp()).isZero();
        assertThat(l.newConnectionsPerIpBurst()).isEqualTo(1000);
    }

    @Test
    void theEarlierAddressValidationKeyMeansRetryAlwaysWithAWarning() throws Exception {
        RouterConfig c = parse("quic:\n  address_validation: true\n");
        assertThat(c.limits().retry()).isEqualTo(RetryMode.ALWAYS);
        assertThat(c.warnings()).singleElement().asString().contains("limits.retry: always");
        assertThat(parse("quic: {address_validation: true}\nlimits: {retry: always}\n").limits().retry()).isEqualTo(RetryMode.ALWAYS);
    }

    @Test
    void anAccessLogFileIsReadAgainstTheConfigFile() throws Exception {
        assertThat(parse("logging: {access_log: access.jsonl}\n").logging().accessLog())
                .isEqualTo(Path.of("/etc/hyrouter/access.jsonl").toString());
        assertThat(parse("logging: {access_log: /var/log/hyrouter.jsonl}\n").logging().accessLog()).isEqualTo("/var/log/hyrouter.jsonl");
    }
}
