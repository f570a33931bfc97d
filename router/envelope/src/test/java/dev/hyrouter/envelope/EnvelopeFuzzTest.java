package dev.hyrouter.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of the referral envelope a backend receives back from the
 * client: the parser and the HMAC verifier. Regression inputs (the wire vectors' envelopes and
 * what fuzzing found): {@code src/test/resources/dev/hyrouter/envelope/EnvelopeFuzzTestInputs/}.
 */
class EnvelopeFuzzTest {
    /** The wire vectors' key ({@code key_id} 3, secret {@code s3cret}), so their signed envelope verifies. */
    private static final HmacSecret SECRET = HmacSecret.ofBytes("s3cret".getBytes(StandardCharsets.UTF_8));
    private static final EnvelopeVerifier VERIFIER = EnvelopeVerifier.withSecret(SECRET);

    /**
     * Any bytes either parse into an envelope whose parts lie inside the input and the size limit,
     * or are refused with a reason; the verifier accepts only the exact bytes the signer makes for
     * that content and key id, so no forged or altered envelope passes.
     */
    @FuzzTest(maxDuration = "10m")
    void envelope(byte[] data) {
        ReferralEnvelope parsed;
        try {
            parsed = ReferralEnvelope.parse(data);
        } catch (EnvelopeException refused) {
            assertThat(refused.reason()).isNotNull();
            return;
        }
        assertThat(parsed.length()).isBetween(EnvelopeLayout.HEADER_LENGTH, Math.min(data.length, EnvelopeLayout.MAX_ENVELOPE_LENGTH));
        assertThat(parsed.content().length).isLessThanOrEqualTo(parsed.length() - EnvelopeLayout.HEADER_LENGTH);
        ReferralEnvelope verified;
        try {
            verified = VERIFIER.verify(data);
        } catch (EnvelopeException refused) {
            assertThat(refused.reason()).isNotNull();
            return;
        }
        byte[] expected = new EnvelopeSigner(verified.keyId(), SECRET).sign(verified.content());
        assertThat(Arrays.copyOf(data, verified.length())).isEqualTo(Arrays.copyOf(expected, verified.length()));
    }
}
