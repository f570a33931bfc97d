package dev.hyrouter.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConnectRoundTripTest {
    private static final String HASH = "6708f121966c1c443f4b0eb525b2f81d0a8dc61f5003a692a8fa157e5e02cea9";

    private static ConnectView decode(ConnectView.Layout layout, ConnectFields f) {
        ByteBuf payload = Unpooled.buffer();
        if (layout == ConnectView.Layout.V1) {
            ConnectEncoder.encodeV1(f, payload);
        } else {
            ConnectEncoder.encodeV2(f, payload);
        }
        ConnectView v = new ConnectView();
        assertThat(v.wrap(payload)).isTrue();
        return v;
    }

    @Test
    void v1AndV2RoundTrip() {
        UUID id = UUID.fromString("d3e6ef90-e113-49a7-a845-1c11f24fe166");
        ConnectFields f = ConnectFields.defaults().withUsername("alice").withLanguage("de-DE").withUuid(id)
                .withIdentityToken("secret-token".getBytes(StandardCharsets.UTF_8)).withClientType(1)
                .withReferralData(new byte[] {1, 2, 3}).withReferralSource("lobby.example.com", 5520);
        ConnectView v1 = decode(ConnectView.Layout.V1, f.withProtocolHash(HASH));
        assertThat(v1.layout()).isEqualTo(ConnectView.Layout.V1);
        assertThat(v1.protocolHash()).isEqualTo(HASH);
        ConnectView v2 = decode(ConnectView.Layout.V2, f.withProtocolHash("2026.01.29-abc"));
        assertThat(v2.layout()).isEqualTo(ConnectView.Layout.V2);
        assertThat(v2.protocolHash()).isEqualTo("2026.01.29-abc");
        for (ConnectView v : new ConnectView[] {v1, v2}) {
            assertThat(v.username()).isEqualTo("alice");
            assertThat(v.language()).isEqualTo("de-DE");
            assertThat(v.uuid()).isEqualTo(id.toString());
            assertThat(v.identityTokenPresent()).isTrue();
            assertThat(v.clientType()).isEqualTo(1);
            assertThat(v.referralDataLength()).isEqualTo(3);
            assertThat(v.referralSourceHost()).isEqualTo("lobby.example.com");
            assertThat(v.referralSourcePort()).isEqualTo(5520);
        }
    }

    @Test
    void v2WithOverlongUsernameFallsBackToV1WhenLongEnoughElseUndecodable() {
        ByteBuf p = Unpooled.buffer();
        ConnectEncoder.encodeV2(ConnectFields.defaults().withUsername("x".repeat(17)), p);
        assertThat(new ConnectView().wrap(p)).isFalse();
    }

    @Test
    void v1LeavesFieldsOverTheirLimitEmpty() {
        ByteBuf p = Unpooled.buffer();
        ConnectEncoder.encodeV1(ConnectFields.defaults().withProtocolHash(HASH).withUsername("y".repeat(17)), p);
        ConnectView v = new ConnectView();
        assertThat(v.wrap(p)).isTrue();
        assertThat(v.username()).isEmpty();
        assertThat(v.usernameLength()).isEqualTo(-1);
    }

    @Test
    void hugeOffsetsDoNotOverflow() {
        ByteBuf p = Unpooled.buffer();
        ConnectEncoder.encodeV2(ConnectFields.defaults(), p);
        p.setIntLE(ConnectLayoutV2.USERNAME_OFFSET_OFFSET, Integer.MAX_VALUE);
        assertThat(new ConnectView().wrap(p)).isFalse();
    }
}
