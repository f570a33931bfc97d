package dev.hyrouter.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] CONTENT = "wasm-plugin".getBytes(StandardCharsets.UTF_8);
    // The signed vector of router/core/src/test/resources/fixtures/wire-vectors.json (secret "s3cret", key id 3).
    private static final String SIGNED =
            "485952500101030b007761736d2d706c7567696e9ab973c73fe567447f4e49ebd544fe5cabe9844c11008d165295f03e72e31275";

    @Test
    void signsLikeTheOriginal() {
        EnvelopeSigner signer = new EnvelopeSigner(3, HmacSecret.parse("s3cret"));
        assertThat(HEX.formatHex(signer.encode(CONTENT))).isEqualTo(SIGNED);
    }

    @Test
    void unsignedEmptyEnvelopeIsTheHeaderOnly() {
        assertThat(HEX.formatHex(new EnvelopeSigner(0, null).encode(new byte[0]))).isEqualTo("485952500100000000");
    }

    @Test
    void verifiesWithTheKeyOfItsKeyId() throws Exception {
        EnvelopeVerifier verifier = EnvelopeVerifier.withKeys(Map.of(3, HmacSecret.parse("s3cret")));
        ReferralEnvelope env = verifier.verify(HEX.parseHex(SIGNED));
        assertThat(env.keyId()).isEqualTo(3);
        assertThat(env.content()).isEqualTo(CONTENT);
        assertThat(env.signed()).isTrue();
    }

    @Test
    void refusesATamperedContentOrMac() {
        EnvelopeVerifier verifier = EnvelopeVerifier.withSecret(HmacSecret.parse("s3cret"));
        byte[] data = HEX.parseHex(SIGNED);
        data[EnvelopeLayout.CONTENT_OFFSET] ^= 1;
        assertThatThrownBy(() -> verifier.verify(data)).isInstanceOfSatisfying(EnvelopeException.class,
                e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.BAD_SIGNATURE));
        byte[] data2 = HEX.parseHex(SIGNED);
        data2[data2.length - 1] ^= 1;
        assertThatThrownBy(() -> verifier.verify(data2)).isInstanceOfSatisfying(EnvelopeException.class,
                e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.BAD_SIGNATURE));
    }

    @Test
    void refusesWrongSecretUnknownKeyAndUnsigned() {
        assertThatThrownBy(() -> EnvelopeVerifier.withSecret(HmacSecret.parse("other")).verify(HEX.parseHex(SIGNED)))
                .isInstanceOfSatisfying(EnvelopeException.class,
                        e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.BAD_SIGNATURE));
        assertThatThrownBy(() -> EnvelopeVerifier.withKeys(Map.of(1, HmacSecret.parse("s3cret"))).verify(HEX.parseHex(SIGNED)))
                .isInstanceOfSatisfying(EnvelopeException.class,
                        e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.UNKNOWN_KEY_ID));
        assertThatThrownBy(() -> EnvelopeVerifier.withSecret(HmacSecret.parse("s3cret")).verify(HEX.parseHex("485952500100000000")))
                .isInstanceOfSatisfying(EnvelopeException.class,
                        e -> assertThat(e.reason()).isEqualTo(EnvelopeException.Reason.NOT_SIGNED));
    }

    @Test
    void refusesMalformedStructure() {
        assertThat(reasonOf("4859525001000000")).isEqualTo(EnvelopeException.Reason.TOO_SHORT);
        assertThat(reasonOf("485952510100000000")).isEqualTo(EnvelopeException.Reason.BAD_MAGIC);
        assertThat(reasonOf("485952500200000000")).isEqualTo(EnvelopeException.Reason.UNSUPPORTED_VERSION);
        assertThat(reasonOf("48595250010000050041")).isEqualTo(EnvelopeException.Reason.BAD_LENGTH);
        // Signed flag but the MAC is missing.
        assertThat(reasonOf("485952500101000000")).isEqualTo(EnvelopeException.Reason.BAD_LENGTH);
    }

    private static EnvelopeException.Reason reasonOf(String hex) {
        try {
            ReferralEnvelope.parse(HEX.parseHex(hex));
            return null;
        } catch (EnvelopeException e) {
            return e.reason();
        }
    }

    @Test
    void secretForms() {
        assertThat(HmacSecret.parse("  s3cret ").keyBytes()).isEqualTo("s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(HmacSecret.parse("base64:czNjcmV0").keyBytes()).isEqualTo("s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(HmacSecret.parse("HEX:733363726574").keyBytes()).isEqualTo("s3cret".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> HmacSecret.parse("hex:7g")).hasMessageContaining("not a hex digit");
        assertThatThrownBy(() -> HmacSecret.parse("hex:733")).hasMessageContaining("odd number");
        assertThatThrownBy(() -> HmacSecret.parse("base64:@@@")).hasMessageContaining("base64");
        assertThatThrownBy(() -> HmacSecret.parse("  ")).hasMessageContaining("empty");
        assertThat(HmacSecret.parse("s3cret").toString()).doesNotContain("s3cret");
    }

    @Test
    void refusesContentThatCannotFit() {
        EnvelopeSigner signer = new EnvelopeSigner(0, HmacSecret.parse("k"));
        assertThat(signer.encode(new byte[signer.maxContentLength()])).hasSize(EnvelopeLayout.MAX_ENVELOPE_LENGTH);
        assertThatThrownBy(() -> signer.encode(new byte[signer.maxContentLength() + 1]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EnvelopeSigner(256, null)).hasMessageContaining("key_id");
    }
}
