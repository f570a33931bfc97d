package dev.hyrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyrouter.routing.Strategy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JsonConfigTest {
    @Test
    void jsonConfigLoadsWithKeysMatchedCaseInsensitivelyLikeGo() throws Exception {
        String json = "{\n  \"Listen\": \"127.0.0.1:6000\",\n  \"quic\": {\"max_idle_timeout\": \"1m30s\"},\n"
                + "  \"logging\": {\"log_client_ip\": false, \"stats_interval\": \"0\"},\n"
                + "  \"referral\": {\"key_id\": 7, \"hmac_secret\": \"base64:czNjcmV0\"},\n"
                + "  \"messages\": {\"disconnect_locales\": {}},\n"
                + "  \"routing\": {\"routes\": [{\"match\": {\"hostnames\": [\"a.example.com\", \"*.b.example.com\"]},\n"
                + "    \"pool\": {\"strategy\": \"least-loaded\", \"key\": \"counter:players.count\",\n"
                + "      \"backends\": [{\"host\": \"10.0.0.1\", \"port\": 5520, \"meta\": {\"counter.players.count\": \"3\"}}]}}]}\n}\n";
        RouterConfig c = ConfigLoader.parse(json, "c.json", true);
        assertThat(c.warnings()).isEmpty();
        assertThat(c.listen()).isEqualTo("127.0.0.1:6000");
        assertThat(c.quic().maxIdleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.logging().logClientIp()).isFalse();
        assertThat(c.logging().statsInterval()).isZero();
        assertThat(c.referral().keyId()).isEqualTo(7);
        assertThat(c.referral().hmacSecret().keyBytes()).isEqualTo("s3cret".getBytes());
        // An explicitly empty locale map turns the built-in translations off, as in the original.
        assertThat(c.messages().disconnectLocales()).isEmpty();
        assertThat(c.routing().routes().get(0).hostnames()).containsExactly("a.example.com", "*.b.example.com");
        assertThat(c.routing().routes().get(0).pool().strategy()).isEqualTo(Strategy.LEAST_LOADED);
        assertThat(c.routing().routes().get(0).pool().backends().get(0).meta()).containsEntry("counter.players.count", "3");
    }

    @Test
    void jsonSyntaxErrorNamesTheLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("{\n \"listen\": \":1\",\n \"tls\": {\"alpn\": [\"x\"]\n}", "c.json", true))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("c.json:").hasMessageContaining("invalid JSON");
    }

    @Test
    void emptyFileIsTheDefaults() throws Exception {
        RouterConfig c = ConfigLoader.parse("", "empty.yaml", false);
        assertThat(c.listen()).isEqualTo(":5520");
        assertThat(c.routing().routes()).isEmpty();
        assertThat(c.routing().defaultPool()).isNull();
    }

    @Test
    void durationsFollowGo() {
        assertThat(GoDuration.parse("2h45m")).isEqualTo(Duration.ofMinutes(165));
        assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(GoDuration.parse("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(GoDuration.parse("10us")).isEqualTo(Duration.ofNanos(10_000));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(GoDuration.parse("-1m")).isEqualTo(Duration.ofMinutes(-1));
        assertThatThrownBy(() -> GoDuration.parse("1d")).hasMessageContaining("unknown unit");
        assertThatThrownBy(() -> GoDuration.parse(".s")).isInstanceOf(IllegalArgumentException.class);
    }
}
