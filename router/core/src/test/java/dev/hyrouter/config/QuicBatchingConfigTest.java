package dev.hyrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code quic.datagrams_per_read}, {@code quic.udp_gro}, {@code quic.gso_segments}: defaults, reading, bounds. */
class QuicBatchingConfigTest {
    private static RouterConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "hyrouter.yaml", false);
    }

    @Test
    void defaultsWithoutTheKeys() throws Exception {
        QuicConfig q = parse("listen: \":5520\"\n").quic();
        assertThat(q.datagramsPerRead()).isEqualTo(QuicConfig.DEFAULT_DATAGRAMS_PER_READ);
        assertThat(q.udpGro()).isFalse();
        assertThat(q.gsoSegments()).isEqualTo(QuicConfig.DEFAULT_GSO_SEGMENTS);
        assertThat(parse("quic: {max_idle_timeout: 10s}\n").quic().datagramsPerRead()).isEqualTo(QuicConfig.DEFAULT_DATAGRAMS_PER_READ);
    }

    @Test
    void everyKeyIsRead() throws Exception {
        RouterConfig c = parse("quic: {datagrams_per_read: 32, gso_segments: 8}\n");
        assertThat(c.quic().datagramsPerRead()).isEqualTo(32);
        assertThat(c.quic().gsoSegments()).isEqualTo(8);
        assertThat(c.warnings()).isEmpty();
        assertThat(parse("quic: {udp_gro: true}\n").quic().udpGro()).isTrue();
    }

    @Test
    void outOfRangeValuesNameFileLineAndKey() {
        assertThatThrownBy(() -> parse("quic:\n  datagrams_per_read: 0\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("hyrouter.yaml:2: quic.datagrams_per_read:");
        assertThatThrownBy(() -> parse("quic:\n  gso_segments: 65\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("hyrouter.yaml:2: quic.gso_segments:");
        assertThatThrownBy(() -> parse("quic:\n  udp_gro: maybe\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("hyrouter.yaml:2: quic.udp_gro:");
    }

    @Test
    void groWithBatchedReadsWarnsThatTheBatchIsIgnored() throws Exception {
        RouterConfig c = parse("quic:\n  datagrams_per_read: 16\n  udp_gro: true\n");
        assertThat(c.warnings()).singleElement().satisfies(w -> {
            assertThat(w.keyPath()).isEqualTo("quic.udp_gro");
            assertThat(w.message()).contains("datagrams_per_read is ignored");
        });
    }
}
