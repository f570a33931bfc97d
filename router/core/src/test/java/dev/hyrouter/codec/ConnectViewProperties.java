package dev.hyrouter.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.testing.WireVectors;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ConnectViewProperties {
    private static final List<byte[]> SEEDS = WireVectors.load().section("connect").stream()
            .map((Map<String, Object> v) -> WireVectors.hex(v.get("payload"))).toList();

    @Property(tries = 2000)
    void randomBytesDecodeOrFailCleanly(@ForAll @Size(max = 400) byte[] payload) {
        exercise(payload);
    }

    @Property(tries = 3000)
    void mutatedVectorsDecodeOrFailCleanly(@ForAll @IntRange(min = 0, max = 3) int seed,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 400) Integer> positions,
            @ForAll @Size(min = 8, max = 8) byte[] values, @ForAll @IntRange(min = 0, max = 500) int truncateTo) {
        byte[] p = SEEDS.get(seed % SEEDS.size()).clone();
        for (int i = 0; i < positions.size(); i++) {
            int at = positions.get(i);
            if (at < p.length) {
                p[at] = values[i];
            }
        }
        if (truncateTo < p.length) {
            p = java.util.Arrays.copyOf(p, truncateTo);
        }
        exercise(p);
    }

    static void exercise(byte[] payload) {
        ConnectView v = new ConnectView();
        boolean ok = v.wrap(Unpooled.wrappedBuffer(payload));
        assertThat(v.decoded()).isEqualTo(ok);
        if (!ok) {
            // Undecodable: every accessor answers "absent", never throws, never shows stale bytes.
            assertThat(v.username()).isEmpty();
            assertThat(v.language()).isEmpty();
            assertThat(v.protocolHash()).isEmpty();
            assertThat(v.uuid()).isEmpty();
            assertThat(v.referralSourceHost()).isEmpty();
            return;
        }
        assertThat(payload.length).isGreaterThanOrEqualTo(ConnectLayoutV2.VARIABLE_BLOCK_OFFSET);
        assertThat(v.uuid()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(v.usernameLength()).isLessThanOrEqualTo(ConnectLimits.MAX_USERNAME);
        assertThat(v.referralDataLength()).isLessThanOrEqualTo(ConnectLimits.MAX_REFERRAL_DATA);
        // Decoding is a pure function of the bytes: a second view reads the same fields.
        ConnectView again = new ConnectView();
        assertThat(again.wrap(Unpooled.wrappedBuffer(payload))).isTrue();
        assertThat(again.layout()).isEqualTo(v.layout());
        assertThat(again.username()).isEqualTo(v.username());
        assertThat(again.language()).isEqualTo(v.language());
        assertThat(again.protocolHash()).isEqualTo(v.protocolHash());
        assertThat(again.uuid()).isEqualTo(v.uuid());
        assertThat(again.referralSourceHost()).isEqualTo(v.referralSourceHost());
    }
}
